package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between the published modules, checked on their compiled classes (ArchUnit) and
 * their jars. The bot depends on every published module except the emulator and the testkit, so its
 * test class path holds them all; this runs with the integration tests, when the reactor has packaged
 * each module, so every module's classes come from its jar and the manifests can be read.
 *
 * <ul>
 *   <li>an {@code internal} package is used only from its own module;
 *   <li>core uses nothing but the JDK, JSpecify and the cache toolkit: no driver, JDA or Discord type;
 *   <li>the storage backends depend on core, not on one another, the Redis tier, JDA or the bot;
 *   <li>the cache toolkit and its Redis tier stand alone: no tracker, storage, JDA or bot type;
 *   <li>the JDA adapter knows no storage backend, no Redis tier and no bot;
 *   <li>every module's jar names its module ({@code Automatic-Module-Name}) after its root package.
 * </ul>
 */
class ModuleBoundariesIT {

    /** Each published module and its root package, which is also its Automatic-Module-Name. */
    private static final Map<String, String> MODULES = Map.of(
            "voicetrack-cache", "dev.voicetrack.cache",
            "voicetrack-cache-redis", "dev.voicetrack.cache.redis",
            "voicetrack-core", "dev.voicetrack.core",
            "voicetrack-storage-json", "dev.voicetrack.storage.json",
            "voicetrack-storage-jdbc", "dev.voicetrack.storage.jdbc",
            "voicetrack-storage-mongo", "dev.voicetrack.storage.mongo",
            "voicetrack-jda", "dev.voicetrack.jda",
            "voicetrack-bot", "dev.voicetrack.bot");

    private static final Set<String> STORAGES =
            Set.of("voicetrack-storage-json", "voicetrack-storage-jdbc", "voicetrack-storage-mongo");

    /** A module's jar in a local repository or a reactor's target folder, or its classes folder. */
    private static final Pattern JAR = Pattern.compile("(voicetrack-[a-z-]+?)-\\d[^/]*\\.jar");

    private static final Pattern CLASSES = Pattern.compile("(voicetrack-[a-z-]+)/target/classes/");

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.voicetrack");
    }

    /** The module a class was compiled in, from where it was loaded. */
    static Optional<String> module(JavaClass c) {
        return c.getSource().flatMap(source -> module(source.getUri()));
    }

    static Optional<String> module(URI location) {
        String s = location.toString();
        Matcher jar = JAR.matcher(s);
        if (jar.find()) {
            return Optional.of(jar.group(1));
        }
        Matcher dir = CLASSES.matcher(s);
        return dir.find() ? Optional.of(dir.group(1)) : Optional.empty();
    }

    /** Dependencies from a class of {@code module} to a class of another module that {@code forbidden} refuses. */
    private static List<String> violations(JavaClasses of, Rule forbidden) {
        List<String> out = new ArrayList<>();
        for (JavaClass c : of) {
            String from = module(c).orElse(null);
            if (from == null) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass().getBaseComponentType(); // Metric[] is Metric's
                Optional<String> to = module(target);
                Optional<String> reason = forbidden.check(from, target, to);
                reason.ifPresent(r -> out.add(r + ": " + d.getDescription()));
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    @FunctionalInterface
    interface Rule {
        /** Why a class of module {@code from} may not use {@code target} (of module {@code to}), if it may not. */
        Optional<String> check(String from, JavaClass target, Optional<String> to);
    }

    static final Rule INTERNAL_STAYS_INSIDE =
            (from, target, to) -> target.getPackageName().contains(".internal")
                            && to.isPresent()
                            && !to.get().equals(from)
                    ? Optional.of(from + " uses " + to.get() + "'s internal package")
                    : Optional.empty();

    static final Rule CORE_USES_NO_DRIVER = (from, target, to) -> {
        if (!from.equals("voicetrack-core")) {
            return Optional.empty();
        }
        String p = target.getPackageName();
        boolean allowed = p.startsWith("java.")
                || target.isPrimitive()
                || p.startsWith("org.jspecify")
                || to.filter(m -> m.equals("voicetrack-core") || m.equals("voicetrack-cache"))
                        .isPresent();
        return allowed ? Optional.empty() : Optional.of("core uses " + p);
    };

    static final Rule LAYERS = (from, target, to) -> {
        if (to.isEmpty() || to.get().equals(from)) {
            return Optional.empty();
        }
        String other = to.get();
        boolean forbidden;
        if (STORAGES.contains(from)) {
            forbidden = STORAGES.contains(other)
                    || Set.of("voicetrack-cache-redis", "voicetrack-jda", "voicetrack-bot")
                            .contains(other);
        } else if (from.equals("voicetrack-cache") || from.equals("voicetrack-cache-redis")) {
            forbidden = !other.equals("voicetrack-cache");
        } else if (from.equals("voicetrack-jda")) {
            forbidden = STORAGES.contains(other)
                    || other.equals("voicetrack-cache-redis")
                    || other.equals("voicetrack-bot");
        } else {
            forbidden = false;
        }
        return forbidden ? Optional.of(from + " depends on " + other) : Optional.empty();
    };

    @Test
    void everyPublishedModuleIsOnTheClassPath_fromItsJar() {
        Set<String> seen = new TreeSet<>();
        List<String> fromFolders = new ArrayList<>();
        for (JavaClass c : classes) {
            module(c).ifPresent(m -> {
                seen.add(m);
                if (!m.equals("voicetrack-bot")
                        && c.getSource()
                                .map(s -> !s.getUri().toString().startsWith("jar:"))
                                .orElse(true)) {
                    fromFolders.add(m);
                }
            });
        }
        assertThat(seen).containsAll(MODULES.keySet());
        assertThat(fromFolders)
                .as("modules whose classes did not come from their jar")
                .isEmpty();
    }

    @Test
    void internalPackages_areUsedOnlyInsideTheirModule() {
        assertThat(violations(classes, INTERNAL_STAYS_INSIDE)).isEmpty();
    }

    @Test
    void core_usesNoDriverJdaOrDiscordType() {
        assertThat(violations(classes, CORE_USES_NO_DRIVER)).isEmpty();
    }

    @Test
    void storagesDependOnCoreOnly_theCacheToolkitStandsAlone_andJdaKnowsNoBackend() {
        assertThat(violations(classes, LAYERS)).isEmpty();
    }

    @Test
    void theRules_reportAViolation_whenThereIsOne() {
        // The rules above pass on the code base; here each is shown to fail on a dependency it forbids,
        // so a green run means the boundaries hold, not that the rules cannot fire.
        JavaClass internal = classes.get("dev.voicetrack.cache.redis.internal.Connector");
        JavaClass lettuce = new ClassFileImporter().importClass(io.lettuce.core.RedisClient.class);
        JavaClass jdbcStorage = classes.get("dev.voicetrack.storage.jdbc.JdbcStorage");
        assertThat(INTERNAL_STAYS_INSIDE.check("voicetrack-bot", internal, module(internal)))
                .hasValue("voicetrack-bot uses voicetrack-cache-redis's internal package");
        assertThat(INTERNAL_STAYS_INSIDE.check("voicetrack-cache-redis", internal, module(internal)))
                .isEmpty();
        assertThat(CORE_USES_NO_DRIVER.check("voicetrack-core", lettuce, module(lettuce)))
                .hasValue("core uses io.lettuce.core");
        assertThat(LAYERS.check("voicetrack-storage-mongo", jdbcStorage, module(jdbcStorage)))
                .hasValue("voicetrack-storage-mongo depends on voicetrack-storage-jdbc");
        assertThat(LAYERS.check("voicetrack-cache", jdbcStorage, module(jdbcStorage)))
                .hasValue("voicetrack-cache depends on voicetrack-storage-jdbc");
    }

    @Test
    void everyModuleJar_namesItsModule() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (var module : MODULES.entrySet()) {
            Path jar = jarOf(module.getKey());
            try (JarFile f = new JarFile(jar.toFile())) {
                String name = f.getManifest() == null
                        ? null
                        : f.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                if (!module.getValue().equals(name)) {
                    wrong.add(
                            jar.getFileName() + ": Automatic-Module-Name " + name + ", expected " + module.getValue());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** The jar a module's classes were loaded from; the bot's own is built next to its classes. */
    private static Path jarOf(String module) throws IOException {
        if (module.equals("voicetrack-bot")) {
            try (var files = Files.list(BotProcess.jar().toAbsolutePath().getParent())) {
                return files.filter(p -> p.getFileName().toString().matches("voicetrack-bot-\\d.*(?<!-sources)\\.jar"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no voicetrack-bot jar next to " + BotProcess.jar()));
            }
        }
        String root = MODULES.get(module);
        for (JavaClass c : classes) {
            if (c.getPackageName().startsWith(root)
                    && module(c).filter(module::equals).isPresent()) {
                String uri = c.getSource().orElseThrow().getUri().toString();
                // jar:file:/…/voicetrack-core-0.1.0-SNAPSHOT.jar!/dev/voicetrack/core/X.class
                return Path.of(URI.create(uri.substring("jar:".length(), uri.indexOf("!/"))));
            }
        }
        throw new AssertionError("no class of " + module + " on the class path");
    }
}

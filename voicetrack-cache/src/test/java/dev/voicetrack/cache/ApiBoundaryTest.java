package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Architecture rules for the cache module: the public API never exposes an {@code internal} type or a
 * Caffeine type, so both can change without breaking users.
 */
class ApiBoundaryTest {

    @Test
    void publicApi_exposesNoInternalOrCaffeineType() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Class<?> type : publicApiClasses()) {
            for (Method m : type.getDeclaredMethods()) {
                if (isExposed(m)) {
                    check(type, m, m.getGenericReturnType(), violations);
                    checkParameters(type, m, violations);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (isExposed(c)) {
                    checkParameters(type, c, violations);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void apiClassesAreFound() throws Exception {
        // Guards the test above against passing vacuously because the scan found nothing.
        assertThat(publicApiClasses()).contains(Cache.class, CacheConfig.class, InProcessCache.class);
    }

    private static boolean isExposed(Executable e) {
        int mods = e.getModifiers();
        return !e.isSynthetic() && (Modifier.isPublic(mods) || Modifier.isProtected(mods));
    }

    private static void checkParameters(Class<?> owner, Executable e, List<String> violations) {
        for (Type t : e.getGenericParameterTypes()) {
            check(owner, e, t, violations);
        }
    }

    private static void check(Class<?> owner, Object member, Type type, List<String> violations) {
        String name = type.getTypeName();
        if (name.contains(".internal.") || name.contains("com.github.benmanes.caffeine")) {
            violations.add(owner.getSimpleName() + "." + member + " exposes " + name);
        }
    }

    private static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(
                Cache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve("dev/voicetrack/cache");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".class") && !fileName.contains("$")) {
                    Class<?> type = Class.forName("dev.voicetrack.cache." + fileName.replace(".class", ""));
                    if (Modifier.isPublic(type.getModifiers())) {
                        classes.add(type);
                    }
                }
            }
        }
        return classes;
    }
}

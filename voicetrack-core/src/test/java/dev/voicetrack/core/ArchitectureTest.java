package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core knows nothing of Discord, drivers or Redis clients, and never reads the wall clock directly.
 * Scans the compiled classes' constant pools (class names appear there in internal form).
 */
class ArchitectureTest {

    private static final Path CLASSES = Path.of("target", "classes");

    private static List<String> offenders(String... forbidden) throws IOException {
        var out = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String pool = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                for (String f : forbidden) {
                    if (pool.contains(f)) {
                        out.add(CLASSES.relativize(p) + " -> " + f);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void compiledClassesExist() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            assertThat(files.filter(f -> f.toString().endsWith("TrackerEngine.class")))
                    .hasSize(1);
        }
    }

    @Test
    void core_neverReferencesDiscordDriversOrRedisClients() throws IOException {
        assertThat(offenders(
                        "net/dv8tion",
                        "java/sql",
                        "org/postgresql",
                        "org/sqlite",
                        "io/lettuce",
                        "redis/clients",
                        "com/mongodb",
                        "org/bson"))
                .isEmpty();
    }

    @Test
    void core_neverReadsTheWallClockDirectly() throws IOException {
        assertThat(offenders("currentTimeMillis")).isEmpty();
        // Instant.now() compiles to a reference to the method name "now" on java/time/Instant; look
        // for source uses instead, which is unambiguous.
        var uses = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String src = Files.readString(p);
                if (src.contains("Instant.now()")
                        || src.contains("LocalDate.now()")
                        || src.contains("Clock.systemDefaultZone()")) {
                    uses.add(p.toString());
                }
            }
        }
        assertThat(uses).isEmpty();
    }

    @Test
    void publicApi_doesNotExposeInternalTypesInItsPackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src", "main", "java", "dev", "voicetrack", "core"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String src = Files.readString(p);
                if (!p.getFileName().toString().equals("VoiceTrackerBuilder.java")) {
                    assertThat(src).as(p.toString()).doesNotContain("import dev.voicetrack.core.internal");
                }
            }
        }
    }
}

package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the cache module (and later the SQLite and JSON storages) logged through {@code System.Logger} while
 * the other modules log through SLF4J, so an application's SLF4J binding did not receive their warnings, and a
 * command printed JDK-format stack traces. Every module of the reactor logs through slf4j-api only; this test, in
 * the first module built, reads the main sources of all of them.
 */
class LoggingFacadeTest {

    @Test
    void everyModule_logsThroughSlf4jOnly() throws IOException {
        List<String> offenders;
        Path reactor = Path.of("..").toAbsolutePath().normalize();
        assertThat(reactor.resolve("voicetrack-storage-jdbc/src/main/java")).isDirectory();
        try (Stream<Path> files = Files.walk(reactor)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> {
                        try {
                            String text = Files.readString(f);
                            return text.contains("System.getLogger")
                                    || text.contains("System.Logger")
                                    || text.contains("java.util.logging");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).isEmpty();
        assertThat(org.slf4j.LoggerFactory.getLogger(CacheWarmer.class).getName())
                .isEqualTo(CacheWarmer.class.getName());
    }
}

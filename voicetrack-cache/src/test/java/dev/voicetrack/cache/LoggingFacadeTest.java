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
 * Issue 16: the cache module logged through {@code System.Logger} while the other modules log through SLF4J, so
 * an application's SLF4J binding did not receive the cache's warnings. The module logs through slf4j-api only.
 */
class LoggingFacadeTest {

    @Test
    void cacheModule_logsThroughSlf4jOnly() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
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

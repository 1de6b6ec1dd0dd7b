package dev.voicetrack.storage.json;

import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes this module's forward-migration fixture with the code of the commit it runs on: the {@link
 * ForwardMigrationFixture} history into a JSON storage directory. Not a test: run by hand, once per
 * stored format.
 *
 * <p>The committed folder {@code src/test/resources/forward-migration/v1/json/} was produced at
 * commit c6b66f4 with (from the repository root):
 *
 * <pre>
 * ./mvnw -o -X -pl voicetrack-storage-json -am test-compile &gt; /tmp/build.log   # after touching a test source
 * CP=$(grep -o -- '-classpath [^ ]*voicetrack-storage-json/target/test-classes[^ ]*' /tmp/build.log | tail -1 | cut -d' ' -f2)
 * java -cp "$CP" dev.voicetrack.storage.json.ForwardMigrationFixtureGenerator voicetrack-storage-json/src/test/resources/forward-migration/v1/json
 * </pre>
 *
 * (that is the module's test classpath, reactor modules as {@code target/classes}; {@code
 * dependency:build-classpath} gives the same where the plugin is available). The expected values,
 * {@code forward-migration-v1-expected.txt} in the testkit, come from {@code
 * ForwardMigrationFixture.main} on the same classpath, not from any storage.
 */
public final class ForwardMigrationFixtureGenerator {

    private ForwardMigrationFixtureGenerator() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.list(out)) {
                if (files.findAny().isPresent()) {
                    throw new IllegalStateException(out + " is not empty; delete it first");
                }
            }
        }
        try (JsonStorage storage = JsonStorage.open(out)) {
            storage.init();
            ForwardMigrationFixture.write(storage);
        }
        try (Stream<Path> files = Files.list(out)) {
            files.sorted().forEach(f -> System.out.println("wrote " + f));
        }
    }
}

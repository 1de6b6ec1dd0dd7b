package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON storage folder written by the previous release (commit c6b66f4, {@code
 * forward-migration/v1/json/}, see {@link ForwardMigrationFixtureGenerator}) opens with today's
 * code, reads back every value, and takes new writes that continue its totals and streaks.
 */
class JsonForwardMigrationTest {

    static final String FIXTURE = "/forward-migration/v1/json";

    @TempDir
    Path dir;

    private Path copyFixture() throws Exception {
        URL url = Objects.requireNonNull(getClass().getResource(FIXTURE), FIXTURE);
        Path source = Path.of(url.toURI());
        Path target = dir.resolve("data");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    private static Set<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void folderOfThePreviousRelease_opensAndReadsBackEveryValue() throws Exception {
        Path data = copyFixture();
        Set<String> before = names(data);
        assertThat(before)
                .contains("guild-1150000000000000007.json", "guild-9007199254740993.json")
                .hasSizeGreaterThan(30);
        try (JsonStorage storage = JsonStorage.open(data)) {
            storage.init();
            ForwardMigrationFixture.verify(storage);
        }
        assertThat(names(data))
                .as("opening and reading writes, renames and deletes nothing")
                .isEqualTo(before);
    }

    @Test
    void folderOfThePreviousRelease_takesNewWrites_thatContinueTotalsAndStreaks() throws Exception {
        Path data = copyFixture();
        Set<String> februaryBefore = february(data);
        try (JsonStorage storage = JsonStorage.open(data)) {
            storage.init();
            ForwardMigrationFixture.continueAndVerify(storage);
        }
        try (JsonStorage reopened = JsonStorage.open(data)) {
            reopened.init();
            assertThat(ForwardMigrationFixture.observed(reopened))
                    .isEqualTo(ForwardMigrationFixture.expectedAfterContinuation());
        }
        assertThat(february(data))
                .as("the history's day files the new writes did not touch are kept as they were")
                .isEqualTo(februaryBefore)
                .isNotEmpty();
    }

    private static Set<String> february(Path data) throws Exception {
        return names(data).stream()
                .filter(n -> n.contains("-day-2026-02-"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void folderOfThePreviousRelease_readOnly_readsBackEveryValue() throws Exception {
        Path data = copyFixture();
        try (JsonStorage storage = JsonStorage.openReadOnly(data)) {
            storage.init();
            ForwardMigrationFixture.verify(storage);
        }
    }
}

package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JsonStorage#openReadOnly}: the source of a migration is read and never changed. */
class JsonReadOnlyTest {
    @TempDir
    Path tmp;

    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                out.put(
                        dir.relativize(p).toString(),
                        Files.isDirectory(p)
                                ? "dir"
                                : Arrays.hashCode(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    void openReadOnly_missingDirectory_isRefused_andNotCreated() {
        Path dir = tmp.resolve("typo");
        try (JsonStorage s = JsonStorage.openReadOnly(dir)) {
            assertThatThrownBy(s::init)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("does not exist");
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void openReadOnly_reads_refusesWrites_andLeavesEveryFileAsItWas() throws Exception {
        Path dir = tmp.resolve("data");
        try (JsonStorage s = JsonStorage.open(dir)) {
            s.init();
            s.setXp(1, 2, 300, 1);
        }
        Files.writeString(dir.resolve("guild-1.json.tmp"), "an uncommitted leftover"); // a read-write open deletes it
        Map<String, String> before = tree(dir);
        try (JsonStorage s = JsonStorage.openReadOnly(dir)) {
            s.init();
            assertThat(s.member(1, 2).orElseThrow().xp()).isEqualTo(300);
            assertThatThrownBy(() -> s.saveGuildConfig(1, GuildConfig.defaults()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("read-only");
        }
        assertThat(tree(dir)).isEqualTo(before);
    }

    @Test
    void openReadOnly_refusesAnUnfinishedCommit_leavingItForARealOpen() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("commit.journal"), "voicetrack-commit 1\n");
        try (JsonStorage s = JsonStorage.openReadOnly(dir)) {
            assertThatThrownBy(s::init).hasMessageContaining("unfinished commit");
        }
        assertThat(dir.resolve("commit.journal")).exists();
    }
}

package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deletion rule, against real files: the storage deletes only files this run wrote and a commit of
 * this run superseded; files an earlier run left, and activity files without their guild file, are
 * kept (the latter stop start-up, naming them).
 */
class JsonStorageDeletesOnlyItsOwnFilesTest {
    private static final long G = 111;
    private static final long G2 = 222;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    @TempDir
    Path root;

    private Path dir() {
        return root.resolve("json");
    }

    private static MemberDelta delta(long guild, long user, LocalDate day, long xp) {
        return new MemberDelta(guild, user, CH, day, xp, xp, 0, 0, T);
    }

    private JsonStorage started() {
        JsonStorage s = JsonStorage.open(dir());
        s.init();
        return s;
    }

    private Path guildFile(long guild) {
        return dir().resolve("guild-" + guild + ".json");
    }

    /** Every file of the directory and its bytes. */
    private Map<String, byte[]> files() throws Exception {
        var out = new TreeMap<String, byte[]>();
        try (Stream<Path> files = Files.list(dir())) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    private Map<String, byte[]> dayFilesOf(long guild) throws Exception {
        var out = files();
        out.keySet().removeIf(n -> !n.startsWith("guild-" + guild + "-day-"));
        return out;
    }

    private void seedTwoGuilds() {
        try (JsonStorage s = started()) {
            s.apply(new Batch(
                    List.of(delta(G, 1, DAY.minusDays(1), 5), delta(G, 2, DAY, 7), delta(G2, 1, DAY, 3)), List.of()));
        }
    }

    @Test
    void aGuildFileMovedAside_asTheCorruptionMessageAdvises_stopsStartUp_andKeepsItsDayFiles() throws Exception {
        seedTwoGuilds();
        byte[] good = Files.readAllBytes(guildFile(G));
        Files.write(guildFile(G), new byte[] {'{', '"', 'f'}); // corrupt
        assertThatThrownBy(this::started)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt guild file " + guildFile(G))
                .hasMessageContaining("guild-111-day-*.json");

        // What the message advised before this fix: move the guild file away (and nothing else).
        Path aside = root.resolve("guild-111.json.corrupt");
        Files.move(guildFile(G), aside);
        Map<String, byte[]> before = files();
        assertThat(dayFilesOf(G)).hasSize(2);

        JsonStorage s = JsonStorage.open(dir());
        assertThatThrownBy(s::init)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("guild 111")
                .hasMessageContaining("guild-111.json is missing")
                .hasMessageContaining("guild-111-day-2024-03-09-")
                .hasMessageContaining("guild-111-day-2024-03-10-")
                .hasMessageContaining("move these activity files out of " + dir());
        assertThatThrownBy(() -> s.member(G2, 1)).hasMessageContaining("not initialized");
        assertThat(files()).usingRecursiveComparison().isEqualTo(before); // every file, byte for byte
        s.close();

        // Either resolution then starts: restoring the guild file brings its whole history back ...
        Files.write(guildFile(G), good);
        try (JsonStorage again = started()) {
            assertThat(again.member(G, 1).orElseThrow().xp()).isEqualTo(5);
            assertThat(again.member(G, 2).orElseThrow().xp()).isEqualTo(7);
        }
        // ... and moving the guild's activity files away drops only that guild.
        Files.delete(guildFile(G));
        Path away = Files.createDirectory(root.resolve("dropped"));
        for (String name : dayFilesOf(G).keySet()) {
            Files.move(dir().resolve(name), away.resolve(name));
        }
        try (JsonStorage again = started()) {
            assertThat(again.guildIds()).containsExactly(G2);
            assertThat(again.member(G2, 1).orElseThrow().xp()).isEqualTo(3);
        }
    }

    @Test
    void filesLeftByAnEarlierRun_areNeverDeletedNorOverwritten() throws Exception {
        seedTwoGuilds();
        // What a killed earlier run can leave: the temp files of an uncommitted write, and day files no
        // guild file references, here under the very generation the next write of that day would take.
        long committed = dayFilesOf(G).keySet().stream()
                .filter(n -> n.contains(DAY.toString()))
                .mapToLong(n -> Long.parseLong(n.replaceAll(".*-(\\d+)\\.json", "$1")))
                .max()
                .orElseThrow();
        Map<String, String> earlier = Map.of(
                "guild-111.json.tmp",
                "{\"torn",
                "guild-222.json.0123abcd.tmp",
                "{\"also torn",
                "commit.journal.tmp",
                "voicetrack-commit 1\nR guild-111.json.tmp",
                "guild-111-day-" + DAY + "-" + (committed + 1) + ".json",
                "uncommitted day",
                "guild-111-day-" + DAY.plusDays(1) + "-" + (committed + 2) + ".json",
                "uncommitted other day");
        for (var e : earlier.entrySet()) {
            Files.writeString(dir().resolve(e.getKey()), e.getValue());
        }

        try (JsonStorage s = started()) {
            s.apply(new Batch(List.of(delta(G, 2, DAY, 1)), List.of())); // one guild: rename commit
            s.apply(new Batch(List.of(delta(G, 2, DAY, 1), delta(G2, 1, DAY, 1)), List.of())); // journal commit
            s.apply(new Batch(List.of(delta(G, 3, DAY.plusDays(1), 1)), List.of()));
            s.deleteMember(G, 2);
        }
        try (JsonStorage s = started()) {
            assertThat(s.member(G, 1).orElseThrow().xp()).isEqualTo(5);
            assertThat(s.member(G, 2)).isEmpty();
            assertThat(s.member(G, 3).orElseThrow().xp()).isEqualTo(1);
            assertThat(s.member(G2, 1).orElseThrow().xp()).isEqualTo(4);
        }
        Map<String, byte[]> now = files();
        for (var e : earlier.entrySet()) {
            assertThat(now).as(e.getKey()).containsKey(e.getKey());
            assertThat(new String(now.get(e.getKey()), StandardCharsets.UTF_8))
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
        // This run's own superseded files are gone: one committed day file per day with activity (the
        // 10th had member 2 only, whom deleteMember removed), plus the earlier run's two.
        assertThat(dayFilesOf(G)).hasSize(2 + 2);
        assertThat(dayFilesOf(G2)).hasSize(1);
    }

    @Test
    void deleteGuild_whoseDayFileCannotBeDeleted_keepsAnEmptyGuildFile_soTheDayFileIsNoOrphan() throws Exception {
        seedTwoGuilds();
        var ops = new FaultyFileOps();
        JsonStorage s = JsonStorage.open(dir(), ops);
        s.init();
        ops.failDayFileDeletes = true;
        s.deleteGuild(G); // committed: the failed cleanup is not the caller's problem
        assertThat(s.guildIds()).containsExactly(G2);
        s.close();
        assertThat(dayFilesOf(G)).hasSize(2);
        assertThat(guildFile(G)).exists(); // an empty guild file, deleted only after its day files
        try (JsonStorage again = started()) {
            assertThat(again.guildIds()).containsExactly(G2);
            assertThat(again.member(G, 1)).isEmpty();
        }

        // Without the failure, deleting a guild deletes its guild file last, and nothing is left.
        try (JsonStorage again = started()) {
            again.deleteGuild(G2);
        }
        assertThat(guildFile(G2)).doesNotExist();
        assertThat(dayFilesOf(G2)).isEmpty();
    }

    @Test
    void aCommitJournalNamingAnythingButTempAndGuildFiles_isRefused_andChangesNothing() throws Exception {
        seedTwoGuilds();
        String day = dayFilesOf(G).keySet().iterator().next();
        Files.writeString(dir().resolve("commit.journal"), "voicetrack-commit 1\nR " + day + " guild-111.json\n");
        Map<String, byte[]> before = files();
        assertThatThrownBy(this::started)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt commit journal")
                .hasMessageContaining(day);
        assertThat(files()).usingRecursiveComparison().isEqualTo(before);
    }
}

package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageOptimizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the JSON files themselves, and one regression test per defect of the original. */
class JsonStorageTest {
    private static final long G = 111;
    private static final long G2 = 222;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    @TempDir
    Path dir;

    private static MemberDelta delta(long guild, long user, long voiceMs, long xp) {
        return new MemberDelta(guild, user, CH, DAY, voiceMs, xp, 0, 0, T);
    }

    private static VoiceSession session(String id, long user, Instant start, boolean open) {
        Instant last = start.plusMillis(4_321);
        return new VoiceSession(id, G, user, CH, start, open ? null : last, last, 4_321, 3, 1, 0);
    }

    private JsonStorage started() {
        JsonStorage s = JsonStorage.open(dir);
        s.init();
        return s;
    }

    private Path file(long guild) {
        return dir.resolve("guild-" + guild + ".json");
    }

    @Test
    void maintenanceStats_countGuildsMembersSessions_andTheFilesBytes() {
        try (JsonStorage s = started()) {
            s.apply(new Batch(
                    List.of(delta(G, 1, 10, 10), delta(G, 2, 10, 10), delta(G2, 1, 5, 5)),
                    List.of(session("a", 1, T, false), session("b", 2, T, true))));
            var stats = s.maintenanceStats();
            assertThat(stats.backend()).isEqualTo("JSON");
            assertThat(stats.guilds()).isEqualTo(2);
            assertThat(stats.users()).isEqualTo(3);
            assertThat(stats.sessions()).isEqualTo(2);
            assertThat(stats.sizeBytes()).isPositive();
            assertThat(stats.location()).isEqualTo(dir.toAbsolutePath().toString());
            assertThat(s).isNotInstanceOf(StorageBackup.class).isNotInstanceOf(StorageOptimizer.class);
        }
    }

    // ---------------------------------------------------------------- corrupt files

    @Test
    void corruptJson_stopsStartUp_namingTheFile_andIsNeverOverwritten() throws Exception {
        try (JsonStorage s = started()) {
            s.apply(new Batch(List.of(delta(G, 1, 10, 10), delta(G2, 1, 5, 5)), List.of()));
        }
        byte[] good = Files.readAllBytes(file(G));
        byte[] corrupt = java.util.Arrays.copyOf(good, good.length / 2); // truncated, as a torn write leaves it
        Files.write(file(G), corrupt);

        JsonStorage s = JsonStorage.open(dir);
        assertThatThrownBy(s::init)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file(G).toString())
                .hasMessageContaining("corrupt");
        assertThatThrownBy(() -> s.apply(new Batch(List.of(delta(G, 1, 1, 1)), List.of())))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not initialized");
        assertThat(Files.readAllBytes(file(G))).isEqualTo(corrupt);
        assertThatThrownBy(s::init).isInstanceOf(StorageException.class); // still refused, still untouched
        assertThat(Files.readAllBytes(file(G))).isEqualTo(corrupt);
        s.close();
    }

    @Test
    void aFileOfAnotherFormatOrANewerVersion_stopsStartUp_namingFileAndVersion() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(file(G), "{}");
        assertThatThrownBy(() -> started())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file(G).toString())
                .hasMessageContaining("format");
        String v2 = "{\"format\":\"voicetrack-guild\",\"version\":2,\"guildId\":\"111\"}";
        Files.writeString(file(G), v2);
        assertThatThrownBy(() -> started())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file(G).toString())
                .hasMessageContaining("version 2");
        assertThat(Files.readString(file(G))).isEqualTo(v2);
    }

    @Test
    void theFormatIsVersioned_andIdsAreStrings() throws Exception {
        try (JsonStorage s = started()) {
            s.apply(new Batch(List.of(delta(G, 1_234_567_890_123_456_789L, 10, 10)), List.of()));
        }
        String json = Files.readString(file(G));
        assertThat(json).contains("\"format\":\"voicetrack-guild\"", "\"version\":1", "\"1234567890123456789\"");
    }

    // ---------------------------------------------------------------- atomic writes

    @Test
    void crashMidWrite_leavesThePreviousFileIntact_andMemoryUnchanged() throws Exception {
        var ops = new FaultyFileOps();
        JsonStorage s = JsonStorage.open(dir, ops);
        s.init();
        s.apply(new Batch(List.of(delta(G, 1, 100, 10)), List.of()));
        byte[] before = Files.readAllBytes(file(G));

        ops.failAt = FaultyFileOps.Step.WRITE_HALF_OF_A_GUILD_FILE;
        assertThatThrownBy(() -> s.apply(new Batch(List.of(delta(G, 1, 100, 10), delta(G, 2, 1, 1)), List.of())))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("nothing was written");
        assertThat(Files.readAllBytes(file(G))).isEqualTo(before);
        assertThat(s.member(G, 1).orElseThrow().xp()).isEqualTo(10);
        assertThat(s.member(G, 2)).isEmpty();

        ops.failAt = FaultyFileOps.Step.RENAME_GUILD_FILE;
        assertThatThrownBy(() -> s.setXp(G, 1, 999, 9)).isInstanceOf(StorageException.class);
        assertThat(Files.readAllBytes(file(G))).isEqualTo(before);
        assertThat(s.member(G, 1).orElseThrow().xp()).isEqualTo(10);

        assertThat(tempFiles()).isEmpty(); // the failed writes deleted their own temp files

        // The process "dies" here; a leftover temp file from a torn write must not matter, and is
        // kept as it is: this run did not write it.
        Path leftover = dir.resolve("guild-" + G + ".json.tmp");
        Files.write(leftover, new byte[] {'{', '"'});
        try (JsonStorage again = started()) {
            assertThat(again.member(G, 1).orElseThrow().xp()).isEqualTo(10);
            assertThat(again.member(G, 2)).isEmpty();
            again.apply(new Batch(List.of(delta(G, 1, 100, 10)), List.of()));
            assertThat(again.member(G, 1).orElseThrow().xp()).isEqualTo(20);
            assertThat(tempFiles()).containsExactly(leftover);
            assertThat(Files.readAllBytes(leftover)).containsExactly('{', '"');
        }
        s.close();
    }

    @Test
    void aBatchAcrossGuilds_isAllOrNothing_acrossACrash() throws Exception {
        var ops = new FaultyFileOps();
        JsonStorage s = JsonStorage.open(dir, ops);
        s.init();
        s.apply(new Batch(List.of(delta(G, 1, 1, 1), delta(G2, 1, 1, 1)), List.of()));

        // Crash after the first guild's temp file, before the commit: neither guild has the batch.
        ops.failAt = FaultyFileOps.Step.WRITE_SECOND_GUILD_FILE;
        assertThatThrownBy(() -> s.apply(new Batch(List.of(delta(G, 1, 5, 5), delta(G2, 1, 5, 5)), List.of())))
                .isInstanceOf(StorageException.class);
        try (JsonStorage after = started()) {
            assertThat(after.member(G, 1).orElseThrow().xp()).isEqualTo(1);
            assertThat(after.member(G2, 1).orElseThrow().xp()).isEqualTo(1);
        }

        // Crash after the commit journal, before the renames: both guilds have it after start-up.
        ops.failAt = FaultyFileOps.Step.RENAME_GUILD_FILE;
        s.apply(new Batch(List.of(delta(G, 1, 7, 7), delta(G2, 1, 7, 7)), List.of()));
        assertThat(Files.exists(dir.resolve("commit.journal"))).isTrue();
        assertThatThrownBy(() -> s.member(G, 1)).hasMessageContaining("needs a restart");
        s.close();
        try (JsonStorage after = started()) {
            assertThat(after.member(G, 1).orElseThrow().xp()).isEqualTo(8);
            assertThat(after.member(G2, 1).orElseThrow().xp()).isEqualTo(8);
            assertThat(Files.exists(dir.resolve("commit.journal"))).isFalse();
            assertThat(tempFiles()).isEmpty();
        }
    }

    @Test
    void oneBatch_writesEachGuildFileOnce_whateverTheNumberOfMembers() {
        var ops = new FaultyFileOps();
        JsonStorage s = JsonStorage.open(dir, ops);
        s.init();
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 1_000; u++) {
            deltas.add(delta(G, u, u, u));
        }
        s.apply(new Batch(deltas, List.of()));
        assertThat(ops.guildFileWrites()).isEqualTo(1);
        assertThat(ops.dayFileWrites()).hasSize(1);
        deltas.add(delta(G2, 1, 1, 1));
        s.apply(new Batch(deltas, List.of()));
        assertThat(ops.guildFileWrites()).isEqualTo(3);
        assertThat(ops.dayFileWrites()).hasSize(3);
        s.close();
    }

    @Test
    void aTick_rewritesOnlyTheDaysItTouches_notTheHistory() throws Exception {
        var ops = new FaultyFileOps();
        JsonStorage s = JsonStorage.open(dir, ops);
        s.init();
        for (int d = 10; d >= 0; d--) {
            s.apply(new Batch(List.of(new MemberDelta(G, 1, CH, DAY.minusDays(d), 5, 5, 0, 0, T)), List.of()));
        }
        ops.log.clear();
        s.apply(new Batch(List.of(delta(G, 1, 1, 1), delta(G, 2, 1, 1)), List.of()));
        assertThat(ops.dayFileWrites()).singleElement().asString().contains("-day-" + DAY + "-");
        s.close();
        try (Stream<Path> files = Files.list(dir)) {
            // one committed file per day, superseded generations deleted
            assertThat(files.filter(f -> f.getFileName().toString().contains("-day-")))
                    .hasSize(11);
        }
        try (JsonStorage again = started()) {
            assertThat(again.member(G, 1).orElseThrow().xp()).isEqualTo(56);
            assertThat(again.member(G, 1).orElseThrow().streak()).isEqualTo(11);
            assertThat(again.activity(G, 1, new dev.voicetrack.core.storage.DayRange(DAY.minusDays(10), DAY)))
                    .hasSize(11);
        }
    }

    @Test
    void aCorruptActivityFile_stopsStartUp_namingTheFile_andIsNeverOverwritten() throws Exception {
        try (JsonStorage s = started()) {
            s.apply(new Batch(List.of(delta(G, 1, 10, 10)), List.of()));
        }
        Path day;
        try (Stream<Path> files = Files.list(dir)) {
            day = files.filter(f -> f.getFileName().toString().contains("-day-"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.writeString(day, "{\"format\":\"voicetrack-day\",\"version\":1,");
        byte[] corrupt = Files.readAllBytes(day);
        byte[] guildFile = Files.readAllBytes(file(G));
        assertThatThrownBy(() -> started())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(day.toString())
                .hasMessageContaining("corrupt");
        assertThat(Files.readAllBytes(day)).isEqualTo(corrupt);
        assertThat(Files.readAllBytes(file(G))).isEqualTo(guildFile);
        Files.delete(day);
        assertThatThrownBy(() -> started()).isInstanceOf(StorageException.class).hasMessageContaining(day.toString());
    }

    // ---------------------------------------------------------------- the original's data-loss defects

    @Test
    void secondsOnlyTimestamps_millisecondsAreKeptAcrossARestart() {
        Instant start = Instant.parse("2024-03-10T12:00:01.987Z");
        try (JsonStorage s = started()) {
            s.apply(new Batch(
                    List.of(new MemberDelta(G, 1, CH, DAY, 1, 1, 0, 1, T)), List.of(session("s1", 1, start, false))));
        }
        try (JsonStorage s = started()) {
            assertThat(s.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T);
            VoiceSession back = s.sessions(G, 1, 1).get(0);
            assertThat(back.start()).isEqualTo(start);
            assertThat(back.end()).isEqualTo(start.plusMillis(4_321));
        }
    }

    @Test
    void savingAMember_neverDeletesItsSessions() {
        try (JsonStorage s = started()) {
            s.apply(new Batch(
                    List.of(delta(G, 1, 1, 1)), List.of(session("old", 1, T, false), session("cur", 1, T, true))));
            s.apply(new Batch(List.of(delta(G, 1, 10, 10)), List.of()));
            s.setXp(G, 1, 500, 3);
            s.updateMetadata(G, 1, Map.of("k", "v"), List.of());
        }
        try (JsonStorage s = started()) {
            assertThat(s.sessions(G, 1, 10)).extracting(VoiceSession::id).containsExactlyInAnyOrder("old", "cur");
            assertThat(s.openSessions()).extracting(VoiceSession::id).containsExactly("cur");
        }
    }

    @Test
    void aTickForSomeMembers_neverWipesTheOthers_afterARestart() {
        try (JsonStorage s = started()) {
            var deltas = new ArrayList<MemberDelta>();
            for (long u = 1; u <= 500; u++) {
                deltas.add(delta(G, u, u, u));
            }
            s.apply(new Batch(deltas, List.of()));
            s.saveGuildConfig(G, GuildConfig.builder().messageXp(3).build());
        }
        try (JsonStorage s = started()) {
            s.apply(new Batch(List.of(delta(G, 7, 1, 1), delta(G, 9_999, 1, 1)), List.of()));
        }
        try (JsonStorage s = started()) {
            assertThat(s.memberCount(G)).isEqualTo(501);
            assertThat(s.member(G, 7).orElseThrow().xp()).isEqualTo(8);
            assertThat(s.member(G, 500).orElseThrow().xp()).isEqualTo(500);
            assertThat(s.guildConfig(G).orElseThrow().messageXp()).isEqualTo(3);
        }
    }

    @Test
    void everythingSurvivesARestart_exactly() {
        GuildSnapshot before;
        try (JsonStorage s = started()) {
            s.saveGuildConfig(
                    G,
                    GuildConfig.builder()
                            .messageXpCooldown(Duration.ofMillis(1_500))
                            .channelIds(List.of(4L, 5L))
                            .build());
            s.apply(new Batch(
                    List.of(
                            new MemberDelta(G, 1, CH, DAY.minusDays(1), 10, 2, 0, 1, T),
                            new MemberDelta(G, 1, 0, DAY, 0, 0, 3, 0, T.plusMillis(5))),
                    List.of(session("a", 1, T, true))));
            s.raiseLevels(List.of(new dev.voicetrack.core.storage.LevelRaise(G, 1, 4)));
            s.updateMetadata(G, 1, Map.of("quote \" and \\ and \n", "ünïcödé"), List.of());
            before = s.exportGuild(G);
        }
        try (JsonStorage s = started()) {
            assertThat(s.exportGuild(G)).isEqualTo(before);
            s.deleteGuild(G);
        }
        assertThat(Files.exists(file(G))).isFalse();
        try (JsonStorage s = started()) {
            assertThat(s.guildIds()).isEmpty();
        }
    }

    private List<Path> tempFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }

    @SuppressWarnings("unused")
    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

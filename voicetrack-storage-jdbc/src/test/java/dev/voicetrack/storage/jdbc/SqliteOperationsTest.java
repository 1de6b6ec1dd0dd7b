package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite operations: stats, safeBackup, restore, corruption, optimize, busy timeout, pragmas. */
class SqliteOperationsTest {

    static final long G = 10;
    static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    static final Instant T = Instant.parse("2024-06-01T08:00:00.250Z");

    @TempDir
    Path dir;

    Path dbFile;
    SqliteStorage storage;

    @BeforeEach
    void open() {
        dbFile = dir.resolve("live").resolve("voice-tracker.db");
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build());
        storage.init();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void fill(int members) {
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= members; u++) {
            deltas.add(new MemberDelta(G, u, 7, DAY, u * 1000, u, 1, 1, T));
        }
        storage.apply(new Batch(deltas, List.of()));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Connection direct(Path file) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** Overwrites everything after the first page with garbage, as a disk fault would. */
    private static void corrupt(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(8192);
        for (int i = 4096; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, bytes);
    }

    private List<Path> filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void leaderboardsOfManyPageSizes_stayExact_asKeptStatementsAreEvicted() {
        fill(100);
        // every limit is its own statement text; more than the 64 kept per connection
        for (int round = 0; round < 2; round++) {
            for (int limit = 1; limit <= 90; limit++) {
                var page = storage.leaderboard(G, Metric.XP, null, limit, 5);
                assertThat(page).hasSize(limit);
                assertThat(page.get(0).userId()).isEqualTo(95); // xp = user id: 100, 99, ... 96 skipped
                assertThat(page.get(0).rank()).isEqualTo(6);
                assertThat(page.get(limit - 1).userId()).isEqualTo(95 - limit + 1);
            }
        }
        assertThat(storage.rank(G, 1, Metric.XP, null)).hasValue(100);
        assertThat(storage.rank(G, 100, Metric.XP, null)).hasValue(1);
    }

    @Test
    void zeroConfigDefaults_matchTheOriginal() {
        assertThat(SqliteOptions.defaults().file()).isEqualTo(Path.of("data", "voice-tracker.db"));
        assertThat(SqliteOptions.defaults().busyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(storage.databaseKind()).isEqualTo("sqlite");
    }

    @Test
    void options_rejectBadValues_namingFieldAndValue() {
        assertThatThrownBy(() -> SqliteOptions.builder().busyTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("busyTimeout must be between 0 and 10 minutes, was -1 ms");
        assertThatThrownBy(() -> SqliteOptions.builder().poolSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("poolSize must be between 1 and 64, was 0");
        assertThatThrownBy(() -> SqliteOptions.builder().filename(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filename must not be blank, was ' '");
        assertThatThrownBy(() -> SqliteOptions.builder().file(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file must not be a directory, was '" + dir + "'");
        assertThatThrownBy(() -> SqliteOptions.builder().file(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file must not be null");
        assertThatThrownBy(() -> PostgresOptions.builder().port(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 1 and 65535, was 0");
        assertThatThrownBy(() -> PostgresOptions.builder().jdbcUrl("jdbc:mysql://x/y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl must start with jdbc:postgresql:, was 'jdbc:mysql://x/y'");
        assertThat(PostgresOptions.builder()
                        .host("db")
                        .port(6543)
                        .database("vt")
                        .build()
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://db:6543/vt");
        assertThat(PostgresOptions.builder().password("secret").build().toString())
                .doesNotContain("secret");
    }

    @Test
    void connections_useWalAndTheSeedPragmas() throws Exception {
        try (Connection c = direct(dbFile);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void stats_countGuildsUsersSessions_andReportSizeAndFile() {
        fill(30);
        storage.saveGuildConfig(99, GuildConfig.defaults());
        storage.apply(new Batch(
                List.of(), List.of(new dev.voicetrack.core.VoiceSession("s", G, 1, 7, T, null, T, 0, 0, 0, 0))));
        StorageStats stats = storage.stats();
        assertThat(stats.guilds()).isEqualTo(2);
        assertThat(stats.users()).isEqualTo(30);
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(stats.databaseSizeBytes()).isGreaterThan(0);
        assertThat(stats.filename()).isEqualTo(dbFile.toAbsolutePath().toString());
    }

    @Test
    void safeBackup_writesAVerifiedCopy_andRestoreBringsItBack_withTheStoreRunning() throws Exception {
        fill(100);
        MemberStats before = storage.member(G, 42).orElseThrow();
        Path backup = dir.resolve("backups").resolve("voice-tracker-1.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        try (Connection c = direct(backup);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM vt_members")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(100);
        }
        String backupHash = sha256(backup);

        fill(100); // doubles every total
        storage.deleteMember(G, 42);
        storage.restore(backup);

        assertThat(storage.member(G, 42)).contains(before);
        assertThat(storage.memberCount(G)).isEqualTo(100);
        assertThat(sha256(backup)).isEqualTo(backupHash);
        fill(1);
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(2);
        assertThat(filesIn(backup.getParent())).containsExactly(backup);
    }

    @Test
    void corruptDatabase_safeBackupRefuses_previousBackupUntouched_andRestorable() throws Exception {
        fill(300);
        MemberStats good = storage.member(G, 250).orElseThrow();
        Path backups = dir.resolve("backups");
        Path first = backups.resolve("voice-tracker-good.db");
        assertThat(storage.safeBackup(first)).isTrue();
        String firstHash = sha256(first);

        storage.optimize(); // checkpoints the WAL, so every page lives in the main file
        corrupt(dbFile);

        Path second = backups.resolve("voice-tracker-later.db");
        assertThat(storage.safeBackup(second)).isFalse();
        assertThat(storage.safeBackup(first)).isFalse(); // even over the same name
        assertThat(filesIn(backups)).containsExactly(first);
        assertThat(sha256(first)).isEqualTo(firstHash);

        storage.restore(first);
        assertThat(storage.member(G, 250)).contains(good);
        assertThat(storage.memberCount(G)).isEqualTo(300);
        assertThat(sha256(first)).isEqualTo(firstHash);
        assertThat(storage.safeBackup(second)).isTrue();
    }

    @Test
    void restore_refusesACorruptBackup_andLeavesTheLiveDatabase() throws Exception {
        fill(300);
        Path backup = dir.resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        corrupt(backup);
        storage.deleteMember(G, 1);
        assertThatThrownBy(() -> storage.restore(backup))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("restore refused")
                .hasMessageContaining(backup.toString());
        assertThat(storage.memberCount(G)).isEqualTo(299);
        assertThatThrownBy(() -> storage.restore(dir.resolve("missing.db")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void restore_refusesABackupOfANewerSchema() throws Exception {
        fill(3);
        Path backup = dir.resolve("newer.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        try (Connection c = direct(backup);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO vt_schema_version VALUES (99, 'from the future', 0)");
        }
        assertThatThrownBy(() -> storage.restore(backup))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("schema version 99, newer than this VoiceTrack supports (3)");
        assertThat(storage.memberCount(G)).isEqualTo(3);
    }

    @Test
    void optimize_vacuumsOnlyWhenThereIsSpaceToReclaim() {
        fill(3000);
        storage.deleteGuild(G);
        OptimizeResult first = storage.optimize();
        assertThat(first.vacuumed()).isTrue();
        assertThat(first.sizeAfterBytes()).isLessThan(first.sizeBeforeBytes());
        OptimizeResult second = storage.optimize();
        assertThat(second.vacuumed()).isFalse();
        assertThat(second.sizeAfterBytes()).isEqualTo(second.sizeBeforeBytes());
    }

    @Test
    void optimizeDuringTicks_losesNoIncrement() throws Exception {
        fill(2000);
        storage.deleteGuild(G); // leaves free pages, so optimize really vacuums
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            var barrier = new CyclicBarrier(3);
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < 2; t++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < 100; i++) {
                        storage.apply(new Batch(List.of(new MemberDelta(G, 1, 7, DAY, 10, 1, 0, 0, T)), List.of()));
                    }
                    return null;
                }));
            }
            futures.add(pool.submit(() -> {
                barrier.await();
                return storage.optimize();
            }));
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(200);
        assertThat(storage.member(G, 1).orElseThrow().voiceTimeMs()).isEqualTo(2000);
    }

    @Test
    void busyTimeout_isConfigurable_andABusyDatabaseFailsTheBatchCleanly() throws Exception {
        storage.close();
        storage = JdbcStorage.sqlite(
                SqliteOptions.builder().file(dbFile).busyTimeout(Duration.ZERO).build());
        storage.init();
        fill(1);
        try (Connection other = direct(dbFile);
                Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // another process holds the write lock
            assertThatThrownBy(() -> fill(1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("nothing was written")
                    .hasMessageContaining("SQLITE_BUSY");
            s.execute("ROLLBACK");
        }
        fill(1);
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(2);
    }

    @Test
    void aCorruptFile_isAnError_neverAnEmptyDatabase() throws Exception {
        storage.close();
        Path bad = dir.resolve("garbage.db");
        byte[] junk = new byte[16384];
        Arrays.fill(junk, (byte) 0x42);
        Files.write(bad, junk);
        SqliteStorage broken =
                JdbcStorage.sqlite(SqliteOptions.builder().file(bad).build());
        assertThatThrownBy(broken::init).isInstanceOf(StorageException.class).hasMessageContaining(bad.toString());
        broken.close();
        assertThat(Files.readAllBytes(bad)).isEqualTo(junk);
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build());
    }

    @Test
    void safeBackup_ontoTheLiveFile_isRefused() {
        fill(5);
        assertThat(storage.safeBackup(dbFile)).isFalse();
        assertThat(storage.memberCount(G)).isEqualTo(5);
    }
}

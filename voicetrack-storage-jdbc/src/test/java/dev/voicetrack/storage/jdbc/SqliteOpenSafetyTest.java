package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening existing SQLite files: integrity check first, nothing written to a damaged or read-only file. */
class SqliteOpenSafetyTest {
    private static final long GUILD = 42L;

    @TempDir
    Path dir;

    /** A database of {@code members} members in one guild, closed cleanly. */
    static Path seed(Path file, int members) {
        try (SqliteStorage s =
                JdbcStorage.sqlite(SqliteOptions.builder().file(file).build())) {
            s.init();
            s.saveGuildConfig(GUILD, GuildConfig.defaults());
            var deltas = new ArrayList<MemberDelta>();
            for (int u = 1; u <= members; u++) {
                deltas.add(new MemberDelta(
                        GUILD, u, 7, LocalDate.of(2024, 1, 1), 60_000, u, 1, 0, Instant.parse("2024-01-01T00:00:00Z")));
            }
            s.apply(new Batch(deltas, List.of()));
        }
        return file;
    }

    /** Writes 8 KB of random bytes into the middle of the file, as a failing disk or a stray write would. */
    static void corruptMiddle(Path file) throws Exception {
        long size = Files.size(file);
        byte[] junk = new byte[8192];
        new Random(7).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(size / 2);
            f.write(junk);
        }
    }

    /**
     * The file's bytes, its mtime and the other files beside it. A read-only connection to a file in
     * WAL mode may leave SQLite's shared-memory index ({@code -shm}) and an empty {@code -wal} beside
     * it; those are left out, and a {@code -wal} must hold nothing.
     */
    record Fingerprint(String sha256, FileTime mtime, List<String> siblings, long walBytes) {}

    static Fingerprint fingerprint(Path file) throws Exception {
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        Path wal = Path.of(file + "-wal");
        try (Stream<Path> list = Files.list(file.getParent())) {
            return new Fingerprint(
                    sha,
                    Files.getLastModifiedTime(file),
                    list.map(p -> p.getFileName().toString())
                            .filter(n -> !n.endsWith("-shm") && !n.endsWith("-wal"))
                            .sorted()
                            .toList(),
                    Files.exists(wal) ? Files.size(wal) : 0);
        }
    }

    private static SqliteOptions.Builder options(Path file) {
        return SqliteOptions.builder().file(file);
    }

    @Test
    void init_refusesCorruptDatabase_namesFile_writesNothing() throws Exception {
        Path db = seed(dir.resolve("v.db"), 3000);
        assertThat(Files.size(db)).isGreaterThan(64 * 1024);
        corruptMiddle(db);
        Fingerprint before = fingerprint(db);

        SqliteStorage s = JdbcStorage.sqlite(options(db).build());
        assertThatThrownBy(s::init)
                .isInstanceOf(CorruptDatabaseException.class)
                .hasMessageContaining(db.toAbsolutePath().normalize().toString())
                .hasMessageContaining("damaged")
                .satisfies(e -> assertThat(((CorruptDatabaseException) e).file())
                        .isEqualTo(db.toAbsolutePath().normalize()));
        s.close();
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void init_refusesFileThatIsNotADatabase() throws Exception {
        Path db = dir.resolve("notes.db");
        Files.writeString(db, "not a database at all, just some text that is long enough to fill a header ".repeat(4));
        Fingerprint before = fingerprint(db);
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).build())) {
            assertThatThrownBy(s::init).isInstanceOf(CorruptDatabaseException.class);
        }
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void init_soundDatabase_passesTheCheck() throws Exception {
        Path db = seed(dir.resolve("ok.db"), 3000);
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).build())) {
            s.init();
            assertThat(s.memberCount(GUILD)).isEqualTo(3000);
        }
    }

    @Test
    void init_checkOverBudget_isStoppedAndOpensWithWarning() throws Exception {
        Path db = seed(dir.resolve("big.db"), 3000);
        // The store logs through SLF4J; the test binding (slf4j-simple) writes to whatever System.err is.
        var err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try (SqliteStorage s = JdbcStorage.sqlite(
                options(db).openCheckTimeout(Duration.ofNanos(1)).build())) {
            s.init();
            assertThat(s.memberCount(GUILD)).isEqualTo(3000);
        } finally {
            System.setErr(saved);
        }
        var warnings =
                err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("did not finish within"));
    }

    @Test
    void mustExist_refusesMissingFile_createsNothing() {
        Path db = dir.resolve("typo/voice.db");
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).mustExist(true).build())) {
            assertThatThrownBy(s::init)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not exist")
                    .hasMessageContaining(db.toAbsolutePath().normalize().toString());
        }
        assertThat(dir.resolve("typo")).doesNotExist();
    }

    @Test
    void readOnly_leavesFileUnchanged_andRefusesWrites() throws Exception {
        Path db = seed(dir.resolve("ro.db"), 50);
        Fingerprint before = fingerprint(db);
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).readOnly(true).build())) {
            s.init();
            assertThat(s.exportGuild(GUILD).memberCount()).isEqualTo(50);
            assertThat(s.stats().users()).isEqualTo(50);
            assertThatThrownBy(() -> s.setXp(GUILD, 1, 5, 0))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> s.restore(db)).hasMessageContaining("read-only");
        }
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void readOnly_readsAnOlderSchema_asItIs() throws Exception {
        Path db = seed(dir.resolve("v1.db"), 20);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE vt_guild_writes");
            st.execute("DELETE FROM vt_schema_version WHERE version > 1");
        }
        Fingerprint before = fingerprint(db);
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).readOnly(true).build())) {
            s.init();
            assertThat(s.exportGuild(GUILD).memberCount()).isEqualTo(20);
        }
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void readOnly_refusesAFileThatIsNotVoiceTrack() throws Exception {
        Path db = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (x INTEGER)");
        }
        try (SqliteStorage s = JdbcStorage.sqlite(options(db).readOnly(true).build())) {
            assertThatThrownBy(s::init).hasMessageContaining("is not a VoiceTrack database");
        }
    }
}

package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What "verified" means for a SQLite backup, which files a backup may never be written to, when a
 * restore must refuse, and what optimize measures (issue 15).
 */
class SqliteBackupSafetyTest {
    static final long G = 10;
    static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    static final Instant T = Instant.parse("2024-06-01T08:00:00.250Z");

    @TempDir
    Path dir;

    Path dbFile;
    SqliteStorage storage;

    @BeforeEach
    void open() {
        dbFile = dir.resolve("data").resolve("voice-tracker-live.db");
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build());
        storage.init();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void fill(SqliteStorage s, int members) {
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= members; u++) {
            deltas.add(new MemberDelta(G, u, 7, DAY, u * 1000, u, 1, 1, T));
        }
        s.apply(new Batch(deltas, List.of()));
    }

    private static long members(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM vt_members")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void safeBackup_ofADatabaseWithoutTables_isNotVerified() throws Exception {
        fill(storage, 20);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                s.execute("DROP TABLE \"" + t + "\"");
            }
        }
        Path backup = dir.resolve("backups").resolve("voice-tracker-1.db");
        assertThat(storage.safeBackup(backup)).isFalse();
        assertThat(backup).doesNotExist();
    }

    @Test
    void safeBackup_afterTheLiveFileWasDeleted_isNotVerified_andCreatesNoEmptyDatabase() throws Exception {
        fill(storage, 20);
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(dbFile + suffix));
        }
        Path backup = dir.resolve("backups").resolve("shutdown-backup-1.db");
        assertThat(storage.safeBackup(backup)).isFalse();
        assertThat(backup).doesNotExist();
        assertThat(dbFile).doesNotExist();
    }

    @Test
    void safeBackup_copyHoldsTheLiveRowCounts() throws Exception {
        fill(storage, 120);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        assertThat(members(backup)).isEqualTo(120);
    }

    @Test
    void safeBackup_ontoTheLiveFilesUnderAnySpelling_isRefused() throws Exception {
        fill(storage, 5);
        Path link = Files.createSymbolicLink(dir.resolve("link-to-data"), dbFile.getParent());
        List<Path> targets = List.of(
                link.resolve(dbFile.getFileName()),
                dir.resolve("data/../data/voice-tracker-live.db"),
                Path.of(dbFile + "-wal"),
                Path.of(dbFile + "-shm"),
                Path.of(dbFile + ".lock"));
        for (Path target : targets) {
            assertThat(storage.safeBackup(target)).as(target.toString()).isFalse();
        }
        assertThat(storage.memberCount(G)).isEqualTo(5);
        assertThat(members(dbFile)).isEqualTo(5);
    }

    @Test
    void restore_whileAnotherStoreHasTheDatabaseOpen_isRefused_andChangesNothing() throws Exception {
        fill(storage, 30);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        fill(storage, 1);
        try (SqliteStorage other =
                JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build())) {
            other.init();
            assertThatThrownBy(() -> storage.restore(backup))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("restore refused")
                    .hasMessageContaining(dbFile.getFileName().toString())
                    .hasMessageContaining("Nothing was changed");
            // both stores still work on the same, unchanged file
            assertThat(other.member(G, 1).orElseThrow().xp()).isEqualTo(2);
            fill(other, 1);
        }
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(3);
        storage.restore(backup); // the other store is closed now
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(1);
    }

    @Test
    void restore_whileAPlainSqliteConnectionHasTheDatabaseOpen_isRefused() throws Exception {
        fill(storage, 30);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        fill(storage, 1);
        // Not a VoiceTrack store, so no lock file: SQLite itself tells that the file is in use.
        try (Connection shell = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
                Statement s = shell.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM vt_members")) {
            rs.next();
            assertThatThrownBy(() -> storage.restore(backup))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("restore refused")
                    .hasMessageContaining("open in another process");
        }
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(2);
        storage.restore(backup);
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(1);
    }

    @Test
    void restore_ofADatabaseDamagedAtItsStart_works_andKeepsTheDamagedFileAside() throws Exception {
        fill(storage, 30);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        storage.close();
        // As `dd if=/dev/urandom of=db bs=1024 count=8 conv=notrunc`: the header and first page gone.
        byte[] noise = new byte[8192];
        new java.util.Random(42).nextBytes(noise);
        try (var ch = java.nio.channels.FileChannel.open(dbFile, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(noise), 0);
        }
        byte[] damaged = Files.readAllBytes(dbFile);
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build());
        assertThatThrownBy(storage::init).isInstanceOf(CorruptDatabaseException.class);

        Path kept = storage.restore(backup).orElseThrow();

        assertThat(kept.getFileName().toString()).startsWith(dbFile.getFileName() + ".damaged-");
        assertThat(kept.getParent()).isEqualTo(dbFile.getParent());
        assertThat(Files.readAllBytes(kept)).isEqualTo(damaged);
        assertThat(members(dbFile)).isEqualTo(30);
        storage.init();
        assertThat(storage.memberCount(G)).isEqualTo(30);
    }

    @Test
    void restore_ofADatabaseDamagedInTheMiddle_keepsTheDamagedFileAside() throws Exception {
        fill(storage, 300);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        storage.close();
        SqliteOpenSafetyTest.corruptMiddle(dbFile);
        byte[] damaged = Files.readAllBytes(dbFile);
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build());
        assertThatThrownBy(storage::init).isInstanceOf(CorruptDatabaseException.class);

        Path kept = storage.restore(backup).orElseThrow();

        assertThat(Files.readAllBytes(kept)).isEqualTo(damaged);
        assertThat(members(dbFile)).isEqualTo(300);
    }

    @Test
    void restore_overATextFile_works_andKeepsTheTextFileAside() throws Exception {
        fill(storage, 3);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        storage.close();
        Path notes = dir.resolve("notes.txt");
        String text = "shopping list\n".repeat(50);
        Files.writeString(notes, text);
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(notes).build());

        Path kept = storage.restore(backup).orElseThrow();

        assertThat(Files.readString(kept)).isEqualTo(text);
        assertThat(members(notes)).isEqualTo(3);
    }

    @Test
    void restore_overAReadableDatabase_keepsNothingAside() throws Exception {
        fill(storage, 3);
        Path backup = dir.resolve("backups").resolve("b.db");
        assertThat(storage.safeBackup(backup)).isTrue();
        fill(storage, 1);
        assertThat(storage.restore(backup)).isEmpty();
        try (var files = Files.list(dbFile.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(n -> n.contains(".damaged-") || n.contains(".replaced-"));
        }
    }

    @Test
    void ownerClaim_secondClaimIsRefused_whileStoresAndRestoreRulesAreUnchanged() throws Exception {
        fill(storage, 3);
        JdbcStorage.OwnerClaim claim = JdbcStorage.claimSqliteOwner(dbFile);
        try {
            assertThatThrownBy(() -> JdbcStorage.claimSqliteOwner(dbFile))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("another VoiceTrack bot is already running")
                    .hasMessageContaining(dbFile.toString())
                    .hasMessageContaining("Nothing was written");
            // a short command beside the bot still opens, reads and writes the file
            try (SqliteStorage other =
                    JdbcStorage.sqlite(SqliteOptions.builder().file(dbFile).build())) {
                other.init();
                assertThat(other.memberCount(G)).isEqualTo(3);
            }
            Path backup = dir.resolve("backups").resolve("b.db");
            assertThat(storage.safeBackup(backup)).isTrue();
        } finally {
            claim.close();
        }
        // released: it can be claimed again
        JdbcStorage.claimSqliteOwner(dbFile).close();
    }

    @Test
    void restore_refusesAFileWithoutTheVoiceTrackTables() throws Exception {
        fill(storage, 3);
        Path foreign = dir.resolve("notes.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE vt_schema_version (version INTEGER, name TEXT, applied INTEGER)");
            s.execute("INSERT INTO vt_schema_version VALUES (1, 'x', 0)");
        }
        assertThatThrownBy(() -> storage.restore(foreign))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not a VoiceTrack database")
                .hasMessageContaining("vt_members");
        assertThat(storage.memberCount(G)).isEqualTo(3);
    }

    @Test
    void optimize_reportsBytesOnDisk_fileAndWal_beforeAndAfter() throws Exception {
        fill(storage, 3000);
        storage.deleteGuild(G); // free pages, and pages in the WAL
        Path wal = Path.of(dbFile + "-wal");
        long onDiskBefore = Files.size(dbFile) + (Files.exists(wal) ? Files.size(wal) : 0);
        assertThat(Files.size(wal)).isPositive();
        OptimizeResult r = storage.optimize();
        long onDiskAfter = Files.size(dbFile) + (Files.exists(wal) ? Files.size(wal) : 0);
        assertThat(r.vacuumed()).isTrue();
        assertThat(r.sizeBeforeBytes()).isEqualTo(onDiskBefore);
        assertThat(r.sizeAfterBytes()).isEqualTo(onDiskAfter);
        assertThat(r.sizeAfterBytes()).isLessThan(r.sizeBeforeBytes());

        // Nothing to reclaim: the report says what the files really are, before and after alike.
        long again = Files.size(dbFile) + (Files.exists(wal) ? Files.size(wal) : 0);
        OptimizeResult second = storage.optimize();
        assertThat(second.sizeBeforeBytes()).isEqualTo(again);
        assertThat(second.sizeAfterBytes()).isEqualTo(Files.size(dbFile) + (Files.exists(wal) ? Files.size(wal) : 0));
    }
}

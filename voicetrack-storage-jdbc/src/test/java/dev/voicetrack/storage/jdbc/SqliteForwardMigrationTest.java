package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite file written by the previous release (commit c6b66f4, {@code
 * forward-migration/v1/voicetrack.db}, see {@link ForwardMigrationFixtureGenerator}) opens with
 * today's code, migrates forward in place, reads back every value, and takes new writes that continue
 * its totals and streaks.
 */
class SqliteForwardMigrationTest {

    static final String FIXTURE = "/forward-migration/v1/" + ForwardMigrationFixtureGenerator.SQLITE_FILE;

    @TempDir
    Path dir;

    private Path copyFixture() throws Exception {
        Path db = dir.resolve("voicetrack.db");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(FIXTURE), FIXTURE)) {
            Files.copy(in, db, StandardCopyOption.REPLACE_EXISTING);
        }
        return db;
    }

    private static SqliteStorage open(Path db) {
        return JdbcStorage.sqlite(SqliteOptions.builder().file(db).build());
    }

    @Test
    void fileOfThePreviousRelease_opensMigratesAndReadsBackEveryValue() throws Exception {
        Path db = copyFixture();
        List<List<Long>> versionsBefore = versions(db);
        assertThat(versionsBefore).extracting(v -> v.get(0)).containsExactly(1L, 2L);
        Object inode = Files.readAttributes(db, BasicFileAttributes.class).fileKey();

        try (SqliteStorage storage = open(db)) {
            storage.init();
            ForwardMigrationFixture.verify(storage);
        }
        // Migrated forward in place: the old version rows kept as they were, any new ones after them.
        List<List<Long>> versionsAfter = versions(db);
        assertThat(versionsAfter.subList(0, 2)).containsExactlyElementsOf(versionsBefore);
        for (int i = 0; i < versionsAfter.size(); i++) {
            assertThat(versionsAfter.get(i).get(0)).isEqualTo(i + 1L);
        }
        assertThat(Files.readAttributes(db, BasicFileAttributes.class).fileKey())
                .as("the database file is opened in place, never replaced")
                .isEqualTo(inode);
        assertThat(integrityCheck(db)).isEqualTo("ok");
    }

    @Test
    void fileOfThePreviousRelease_takesNewWrites_thatContinueTotalsAndStreaks() throws Exception {
        Path db = copyFixture();
        Object inode = Files.readAttributes(db, BasicFileAttributes.class).fileKey();
        try (SqliteStorage storage = open(db)) {
            storage.init();
            ForwardMigrationFixture.continueAndVerify(storage);
        }
        try (SqliteStorage reopened = open(db)) {
            reopened.init();
            assertThat(ForwardMigrationFixture.observed(reopened))
                    .isEqualTo(ForwardMigrationFixture.expectedAfterContinuation());
        }
        assertThat(Files.readAttributes(db, BasicFileAttributes.class).fileKey())
                .isEqualTo(inode);
        assertThat(integrityCheck(db)).isEqualTo("ok");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no copy, backup or stray file made next to the database")
                    .allMatch(n -> n.equals("voicetrack.db")
                            || n.startsWith("voicetrack.db-")
                            || n.equals("voicetrack.db.lock"));
        }
    }

    @Test
    void committedFixture_isASelfContainedCheckpointedFile_leftUntouchedByTheTests() throws Exception {
        Path db = copyFixture();
        String before = sha256(db);
        assertThat(getClass().getResource(FIXTURE + "-wal")).isNull();
        assertThat(getClass().getResource(FIXTURE + "-shm")).isNull();
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            byte[] header = in.readNBytes(20);
            assertThat(new String(header, 0, 15, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("SQLite format 3");
            assertThat(header[18])
                    .as("legacy (rollback journal) file format, not WAL")
                    .isEqualTo((byte) 1);
        }
        try (SqliteStorage storage = open(db)) {
            storage.init();
        }
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(before);
        }
    }

    @Test
    void oneChangedStoredValue_failsTheCheck() throws Exception {
        Path db = copyFixture();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE vt_daily_activity SET messages = messages + 1 WHERE (guild_id,"
                            + " user_id, day, channel_id) = (SELECT guild_id, user_id, day, channel_id FROM"
                            + " vt_daily_activity ORDER BY day LIMIT 1)"))
                    .isOne();
        }
        try (SqliteStorage storage = open(db)) {
            storage.init();
            assertThatThrownBy(() -> ForwardMigrationFixture.verify(storage)).isInstanceOf(AssertionError.class);
        }
    }

    private static List<List<Long>> versions(Path db) throws Exception {
        var out = new ArrayList<List<Long>>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT version, applied_at_ms FROM vt_schema_version ORDER BY version")) {
            while (rs.next()) {
                out.add(List.of(rs.getLong(1), rs.getLong(2)));
            }
        }
        return out;
    }

    private static String integrityCheck(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String sha256(Path file) throws Exception {
        return sha256(Files.readAllBytes(file));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

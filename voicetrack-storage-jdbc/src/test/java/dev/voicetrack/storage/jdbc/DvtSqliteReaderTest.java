package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DvtSqliteReader}: discord-vc-tracker's SQLite database imported into VoiceTrack's SQLite. */
class DvtSqliteReaderTest {
    @TempDir
    Path tmp;

    private static Path writeDvtSqlite(Path file) {
        return DvtFixture.writeSqlite(file);
    }

    private ImportReport importInto(Path source, SqliteStorage target) {
        try (var reader = DvtSqliteReader.open(source)) {
            return Importer.from(DvtImport.source(reader)).to(target).run();
        }
    }

    @Test
    void everyQuirk_importsAsTheOriginalReportsIt_withWholeSeconds() throws Exception {
        Path source = writeDvtSqlite(tmp.resolve("dvt/voice-tracker.db"));
        String before = digest(source);
        try (SqliteStorage target = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("vt.db")).build())) {
            target.init();
            ImportReport report = importInto(source, target);
            DvtFixture.checkReport(report);
            DvtFixture.check(target, DvtFixture.Precision.SECONDS);
            importInto(source, target);
            DvtFixture.check(target, DvtFixture.Precision.SECONDS);
        }
        assertThat(digest(source)).as("the source file is only read").isEqualTo(before);
    }

    @Test
    void notADatabase_isRefusedNamingTheFile() throws Exception {
        Path bad = tmp.resolve("voice-tracker.db");
        Files.writeString(bad, "this is not a database, just text written over it ".repeat(200));
        assertThatThrownBy(() -> DvtSqliteReader.open(bad))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void anotherDatabase_isRefusedNamingTheMissingTable() throws Exception {
        Path other = tmp.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE guilds (guild_id TEXT)");
        }
        assertThatThrownBy(() -> DvtSqliteReader.open(other))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining("not a discord-vc-tracker database")
                .hasMessageContaining("'users'");
    }

    @Test
    void badJsonInAColumn_namesTableRowAndColumn_andWritesNothing() throws Exception {
        Path source = writeDvtSqlite(tmp.resolve("dvt/voice-tracker.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
                Statement s = c.createStatement()) {
            s.execute("UPDATE users SET channels = '[{\"channelId\": \"1\", ' WHERE user_id = '" + DvtFixture.USER_B
                    + "'");
        }
        try (SqliteStorage target = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("vt.db")).build())) {
            target.init();
            assertThatThrownBy(() -> importInto(source, target))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("table users (guild " + DvtFixture.GUILD_B + ", user " + DvtFixture.USER_B
                            + ") column channels: not valid JSON at character");
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void aSessionRowOfTheWrongType_namesTableSessionAndColumn_andWritesNothing() throws Exception {
        Path source = writeDvtSqlite(tmp.resolve("dvt/voice-tracker.db"));
        String id = DvtFixture.sessionId("s3", DvtFixture.USER_2);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
                Statement s = c.createStatement()) {
            // SQLite keeps text in an INTEGER column: what a hand-edited file can hold.
            s.execute("UPDATE sessions SET duration = 'ten minutes' WHERE session_id LIKE 's3-%'");
        }
        try (SqliteStorage target = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("vt.db")).build())) {
            target.init();
            assertThatThrownBy(() -> importInto(source, target))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining(source + " table sessions (session " + id + ") column duration must be a"
                            + " whole number, was \"ten minutes\"");
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void aGuildOfManySessions_isReadInOneStream_andEveryRowArrives() throws Exception {
        Path source = writeDvtSqlite(tmp.resolve("dvt/voice-tracker.db"));
        int extra = 2500;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source);
                PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (session_id, user_id, guild_id,"
                        + " channel_id, start_time, end_time, duration, xp_earned) VALUES (?, ?, ?, ?, ?, ?, ?, 5)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < extra; i++) {
                long start = 1_714_000_000L + (i * 7919L) % 100_000; // not in id order
                ps.setString(1, "bulk-" + i);
                ps.setString(2, DvtFixture.USER_B);
                ps.setString(3, DvtFixture.GUILD_B);
                ps.setString(4, DvtFixture.CHANNEL_2);
                ps.setLong(5, start);
                ps.setLong(6, start + 60);
                ps.setLong(7, 60_000);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        try (SqliteStorage target = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("vt.db")).build())) {
            target.init();
            ImportReport report = importInto(source, target);
            assertThat(report.sessions()).isEqualTo(4 + extra);
            long guild = Long.parseLong(DvtFixture.GUILD_B);
            var sessions = target.exportGuild(guild).sessions();
            assertThat(sessions.stream().filter(v -> v.id().startsWith("bulk-")))
                    .hasSize(extra)
                    .allSatisfy(v -> {
                        assertThat(v.durationMs()).isEqualTo(60_000);
                        assertThat(v.end()).isEqualTo(v.start().plusSeconds(60));
                    });
        }
    }

    private static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

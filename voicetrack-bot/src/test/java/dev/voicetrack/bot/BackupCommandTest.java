package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack backup} and {@code restore}, in-process: what they refuse (issue 15). */
class BackupCommandTest {
    @TempDir
    Path tmp;

    Path db;
    Map<String, String> env;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void seed() {
        db = tmp.resolve("data").resolve("voice-tracker.db");
        env = Map.of(
                "SQLITE_DB_PATH", db.toString(),
                "VOICETRACK_ENV_FILE", tmp.resolve("none.env").toString());
        try (JdbcStorage s = JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            s.init();
            s.apply(new Batch(
                    List.of(new MemberDelta(1, 2, 3, LocalDate.of(2025, 1, 1), 1000, 5, 0, 0, Instant.EPOCH)),
                    List.of()));
        }
    }

    private int run(String... args) throws Exception {
        return Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void backupOfADatabaseMissingItsTables_exits1_andWritesNoBackup() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE vt_members");
        }
        Path target = tmp.resolve("b/manual.db");
        assertThat(run("backup", "--to", target.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("backup failed")
                .contains("VoiceTrack tables");
        assertThat(target).doesNotExist();
    }

    @Test
    void backupOntoTheLiveDatabaseOrItsWal_isRefusedAsBadUsage_namingThePath() throws Exception {
        byte[] before = Files.readAllBytes(db);
        for (String target : List.of(
                db.toString(), tmp.resolve("data/../data/voice-tracker.db-wal").toString())) {
            assertThatThrownBy(() -> run("backup", "--to", target))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("--to must not be the live database")
                    .hasMessageContaining(target);
        }
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void restoreFromTheLiveDatabase_isRefusedAsBadUsage() {
        assertThatThrownBy(() -> run("restore", "--from", db.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from must not be the live database");
    }

    @Test
    void restoreHelp_saysItIsRefusedWhileTheBotRuns() throws Exception {
        assertThat(run("restore", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Stop the bot first")
                .contains("refused (exit 1");
    }
}

package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15 against the packaged bot: backups never destroy the live database; restore never races the bot. */
class BackupSafetyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static long count(Path db, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void demoWithBackupDirEqualToTheDatabaseDirectory_keepsTheLiveDatabase_andExitsZero() throws Exception {
        // The command, shortened and run twice (BACKUP_INTERVAL has a minimum of 1m now, so the
        // second run's shutdown backup is what rotates the first): SQLITE_DB_PATH=$D/voice-tracker-live.db
        // BACKUP_DIR=$D BACKUP_INTERVAL=1m BACKUP_MAX_COUNT=1 voicetrack demo --speed 5 --duration 10s
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path d = Files.createDirectories(work.resolve("d"));
        Path live = d.resolve("voice-tracker-live.db");
        Map<String, String> env = new HashMap<>();
        env.put("SQLITE_DB_PATH", live.toString());
        env.put("BACKUP_DIR", d.toString());
        env.put("BACKUP_INTERVAL", "1m");
        env.put("BACKUP_MAX_COUNT", "1");
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        List<String> shutdownBackups = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (BotProcess demo = BotProcess.start(
                    work, env, "demo", "--speed", "5", "--duration", "10s", "--guilds", "1", "--members", "5")) {
                int code = demo.awaitExit();
                String out = String.join("\n", demo.stdoutLines());
                String log = out + "\n" + demo.stderr();
                assertThat(code).as(log).isZero();
                assertThat(log)
                        .doesNotContain("Deleted old backup voice-tracker-live.db")
                        .doesNotContain("no such table")
                        .doesNotContain("BACKUP FAILED");
                String line = demo.stdoutLines().stream()
                        .filter(l -> l.startsWith("shutdown-backup: "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no shutdown backup: " + log));
                shutdownBackups.add(Path.of(line.substring("shutdown-backup: ".length()))
                        .getFileName()
                        .toString());
            }
            assertThat(live).exists();
            assertThat(count(live, "vt_members")).isBetween(1L, 5L);
        }
        try (var files = Files.list(d)) {
            List<String> names =
                    files.map(p -> p.getFileName().toString()).sorted().toList();
            // BACKUP_MAX_COUNT=1: the second shutdown backup is the only backup left; the first one, proven
            // by the manifest, was rotated away, and the live database was not.
            assertThat(names.stream().filter(n -> n.endsWith(".db") && !n.equals("voice-tracker-live.db")))
                    .containsExactly(shutdownBackups.get(1));
        }
    }

    /**
     * The backup directory is usable at start (it is checked then) and turned into a file while the demo
     * runs, so the shutdown backup fails: whether the demo ends by itself or by SIGTERM, it exits 1 and
     * says so, never 0 or 143.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"duration", "sigterm"})
    void demoWhoseShutdownBackupFails_exitsOne_andSaysSo(String ending) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path backups = work.resolve("data/backups");
        Map<String, String> env = new HashMap<>();
        env.put("SQLITE_DB_PATH", work.resolve("data/voice-tracker.db").toString());
        env.put("BACKUP_DIR", backups.toString());
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        String duration = ending.equals("duration") ? "6s" : "10m";
        try (BotProcess demo = BotProcess.start(
                work, env, "demo", "--speed", "5", "--duration", duration, "--guilds", "1", "--members", "2")) {
            demo.awaitLine("Press Ctrl-C");
            Files.delete(backups); // empty: nothing was backed up yet
            Files.writeString(backups, "now a file");
            int code = ending.equals("duration") ? demo.awaitExit() : demo.terminate();
            assertThat(code).as(demo.stderr()).isEqualTo(1);
            assertThat(demo.stderr()).contains("shutdown backup FAILED");
            assertThat(demo.stdoutLines()).noneMatch(l -> l.startsWith("shutdown-backup: "));
        }
        // The live database is untouched by the failed backup (how many members it holds depends on how
        // far the simulation got before the stop, which a SIGTERM right after start makes nothing).
        assertThat(FaultInjectionIT.integrity(work.resolve("data/voice-tracker.db")))
                .isEqualTo("ok");
        assertThat(count(work.resolve("data/voice-tracker.db"), "vt_members")).isBetween(0L, 2L);
    }

    @Test
    void backupDirThatIsAFile_isRefusedAtStart_withExit2_beforeAnythingIsWritten() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("afile"), "not a directory");
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_DIR", "afile");
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        try (BotProcess demo = BotProcess.start(work, env, "demo", "--duration", "5s")) {
            assertThat(demo.awaitExit()).as(demo.stderr()).isEqualTo(2);
            assertThat(demo.stderr()).contains("BACKUP_DIR").contains("'afile'");
        }
        assertThat(work.resolve("data/demo/voice-tracker.db")).doesNotExist();
    }

    @Test
    void backupOntoTheLiveDatabase_isRefusedWithExit2_andTouchesNothing() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path live = work.resolve("data/voice-tracker.db");
        try (JdbcStorage s =
                JdbcStorage.sqlite(SqliteOptions.builder().file(live).build())) {
            s.init();
            s.apply(new Batch(
                    List.of(new MemberDelta(1, 2, 3, LocalDate.of(2025, 1, 1), 1000, 5, 0, 0, Instant.EPOCH)),
                    List.of()));
        }
        String before = sha256(live);
        try (BotProcess backup = BotProcess.start(
                work,
                Map.of(),
                "backup",
                "--to",
                work.resolve("data/../data/voice-tracker.db").toString())) {
            assertThat(backup.awaitExit()).as(backup.stderr()).isEqualTo(2);
            assertThat(backup.stderr())
                    .contains("--to must not be the live database")
                    .contains("voice-tracker.db");
        }
        assertThat(sha256(live)).isEqualTo(before);
        assertThat(Path.of(live + "-wal")).doesNotExist();
    }

    @Test
    void restoreOrMigrateWhileTheBotRuns_isRefused_databaseUnchanged_andRestoreWorksAfterTheBotStops()
            throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path live = work.resolve("data/voice-tracker.db");
        Path backup = tmp.resolve("before-alice.db");
        try (SqliteStorage s =
                JdbcStorage.sqlite(SqliteOptions.builder().file(live).build())) {
            s.init();
            assertThat(s.safeBackup(backup)).isTrue();
        }
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("restore");
            guild.createTextChannel("general");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember alice = guild.addMember("alice", false);
            String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
            Map<String, String> env = BotProcess.emulatorEnv(discord, "300ms");
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                alice.joinVoice(lounge);
                BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);

                try (BotProcess restore = BotProcess.start(work, Map.of(), "restore", "--from", backup.toString())) {
                    assertThat(restore.awaitExit()).as(restore.stderr()).isEqualTo(1);
                    assertThat(restore.stderr())
                            .contains("restore refused")
                            .contains(live.toRealPath().toString())
                            .contains("open in another process")
                            .contains("pid " + bot.process.pid())
                            .contains("Stop the bot");
                    assertThat(restore.stdoutLines()).noneMatch(l -> l.startsWith("Restored"));
                }
                try (BotProcess migrate =
                        BotProcess.start(work, Map.of(), "migrate", "--from", "memory", "--to", "sqlite:" + live)) {
                    assertThat(migrate.awaitExit()).as(migrate.stderr()).isEqualTo(1);
                    assertThat(migrate.stderr())
                            .contains("voicetrack: migrate refused")
                            .doesNotContain("failed: migrate refused")
                            .contains("voice-tracker.db")
                            .contains("Stop the bot");
                }
                // the bot goes on with its own file: alice keeps accruing
                long ms = JSON.readTree(bot.get(user).body()).get("voiceTimeMs").asLong();
                BotProcess.await(
                        "accrual after the refused restore",
                        () -> JSON.readTree(bot.get(user).body())
                                        .get("voiceTimeMs")
                                        .asLong()
                                > ms);
                assertThat(bot.terminate()).as(bot.stderr()).isIn(0, 143);
            }
        }
        assertThat(count(live, "vt_members")).isEqualTo(1); // alice, written by the bot, is still there

        try (BotProcess restore = BotProcess.start(work, Map.of(), "restore", "--from", backup.toString())) {
            assertThat(restore.awaitExit()).as(restore.stderr()).isZero();
            assertThat(restore.stdoutLines()).anyMatch(l -> l.startsWith("Restored"));
        }
        assertThat(count(live, "vt_members")).isZero();
    }

    @Test
    void secondBotOnTheSameDatabase_isRefusedWithExit1_namingFileAndPid_whileTheFirstRunsOn_andStatsWorks()
            throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path live = work.resolve("data/voice-tracker.db");
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("owner");
            guild.createTextChannel("general");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember alice = guild.addMember("alice", false);
            String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
            Map<String, String> env = BotProcess.emulatorEnv(discord, "300ms");
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                alice.joinVoice(lounge);
                BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);

                try (BotProcess second = BotProcess.start(work, env, "run")) {
                    assertThat(second.awaitExit()).as(second.stderr()).isEqualTo(1);
                    assertThat(second.stderr())
                            .contains("another VoiceTrack bot is already running")
                            .contains(live.toRealPath().toString())
                            .contains("pid " + bot.process.pid())
                            .contains("Nothing was written")
                            .doesNotContain("Connected to Discord");
                    assertThat(second.stdoutLines()).noneMatch(l -> l.contains("ready"));
                }
                Map<String, String> demoEnv = new HashMap<>(env);
                demoEnv.put("SQLITE_DB_PATH", live.toString()); // the demo's default is ./data/demo/...
                try (BotProcess demo = BotProcess.start(
                        work, demoEnv, "demo", "--duration", "3s", "--guilds", "1", "--members", "1")) {
                    assertThat(demo.awaitExit()).as(demo.stderr()).isEqualTo(1);
                    assertThat(demo.stderr()).contains("another VoiceTrack bot is already running");
                }
                // short commands take only the shared lock: they still work beside the bot
                try (BotProcess stats = BotProcess.start(work, Map.of(), "stats")) {
                    assertThat(stats.awaitExit()).as(stats.stderr()).isZero();
                    assertThat(String.join("\n", stats.stdoutLines())).contains("users:    1");
                }
                // the first bot goes on: alice keeps accruing
                long ms = JSON.readTree(bot.get(user).body()).get("voiceTimeMs").asLong();
                BotProcess.await(
                        "accrual after the refused second bot",
                        () -> JSON.readTree(bot.get(user).body())
                                        .get("voiceTimeMs")
                                        .asLong()
                                > ms);
                assertThat(bot.terminate()).as(bot.stderr()).isIn(0, 143);
            }
            // released with the first bot: a bot starts on the file again
            try (BotProcess again = BotProcess.start(work, env, "run")) {
                again.awaitLine("voicetrack: ready");
                assertThat(again.terminate()).as(again.stderr()).isIn(0, 143);
            }
        }
        assertThat(count(live, "vt_members")).isEqualTo(1);
    }
}

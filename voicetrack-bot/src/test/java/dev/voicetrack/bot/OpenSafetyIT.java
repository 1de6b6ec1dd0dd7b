package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.ManualClock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening existing data with the packaged jar: a damaged SQLite file is refused by every command
 * before anything is written to it, and a mistyped path is refused without creating anything.
 */
class OpenSafetyIT {
    private static final long GUILD = 222_222_222_222L;

    @TempDir
    Path tmp;

    Path work;
    Path db;
    Path backup;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        db = work.resolve("data/voice-tracker.db");
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(storage)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                for (long user = 1; user <= 3000; user++) {
                    tracker.addXp(GUILD, 900_000_000_000L + user, user);
                }
            }
        }
        backup = Files.createDirectories(work.resolve("data/backups")).resolve("voice-tracker-good.db");
        Files.copy(db, backup);
    }

    /** 8 KB of random bytes written into the middle of the file. */
    private void corruptMiddle() throws Exception {
        byte[] junk = new byte[8192];
        new Random(11).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(junk);
        }
    }

    record Fingerprint(String sha256, FileTime mtime, long walBytes) {}

    private Fingerprint fingerprint() throws Exception {
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db)));
        Path wal = Path.of(db + "-wal");
        return new Fingerprint(sha, Files.getLastModifiedTime(db), Files.exists(wal) ? Files.size(wal) : 0);
    }

    private static void assertNamesFileAndRestore(BotProcess bot, Path file) {
        assertThat(bot.stderr())
                .contains(file.toAbsolutePath().normalize().toString())
                .contains("damaged")
                .contains("./voicetrack restore --from")
                .contains("voice-tracker-good.db");
    }

    @Test
    void start_refusesCorruptDatabase_namesFileAndRestore() throws Exception {
        corruptMiddle();
        Fingerprint before = fingerprint();

        try (BotProcess stats = BotProcess.start(work, Map.of(), "stats")) {
            assertThat(stats.awaitExit()).as(stats.stderr()).isEqualTo(1);
            assertNamesFileAndRestore(stats, db);
        }
        assertThat(fingerprint()).isEqualTo(before);

        try (DiscordEmulator discord = DiscordEmulator.start()) {
            discord.createGuild("g").createVoiceChannel("Lounge");
            try (BotProcess bot = BotProcess.start(work, BotProcess.emulatorEnv(discord, "300ms"), "run")) {
                assertThat(bot.awaitExit()).as(bot.stderr()).isEqualTo(1);
                assertThat(bot.stdoutLines()).doesNotContain("voicetrack: ready");
                assertNamesFileAndRestore(bot, db);
            }
        }
        assertThat(fingerprint()).isEqualTo(before);

        Map<String, String> demoEnv = new HashMap<>();
        demoEnv.put("ADMIN_API_BIND", "127.0.0.1:0");
        demoEnv.put("SQLITE_DB_PATH", db.toString());
        demoEnv.put("BACKUP_DIR", backup.getParent().toString());
        try (BotProcess demo = BotProcess.start(work, demoEnv, "demo", "--duration", "5s", "--seed", "1")) {
            assertThat(demo.awaitExit()).as(demo.stderr()).isEqualTo(1);
            assertThat(String.join("\n", demo.stdoutLines())).doesNotContain("shutdown-backup: ");
            assertNamesFileAndRestore(demo, db);
        }
        assertThat(fingerprint()).isEqualTo(before);
        // No backup was written from the damaged file either.
        try (Stream<Path> files = Files.list(backup.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("voice-tracker-good.db");
        }

        // The advice works: restore, then the data is back.
        try (BotProcess restore = BotProcess.start(work, Map.of(), "restore", "--from", backup.toString())) {
            assertThat(restore.awaitExit()).as(restore.stderr()).isZero();
        }
        try (BotProcess stats = BotProcess.start(work, Map.of(), "stats")) {
            assertThat(stats.awaitExit()).as(stats.stderr()).isZero();
            assertThat(stats.stdoutLines()).contains("users:    3000");
        }
    }

    @Test
    void stats_refusesMissingDatabase_createsNothing() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (BotProcess stats = BotProcess.start(empty, Map.of("SQLITE_DB_PATH", "./data/typo.db"), "stats")) {
            assertThat(stats.awaitExit()).as(stats.stderr()).isEqualTo(2);
            assertThat(stats.stderr())
                    .contains("SQLITE_DB_PATH")
                    .contains(empty.resolve("data/typo.db").toString())
                    .contains("does not exist");
        }
        try (Stream<Path> files = Files.list(empty)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void statsAfterTheDemo_pointsAtTheDemosDatabase() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("after-demo"));
        Files.createDirectories(work.resolve("data/demo"));
        Files.writeString(work.resolve("data/demo/voice-tracker.db"), "stands for the demo's database");
        try (BotProcess stats = BotProcess.start(work, Map.of(), "stats")) {
            assertThat(stats.awaitExit()).as(stats.stderr()).isEqualTo(2);
            assertThat(stats.stderr())
                    .contains("does not exist")
                    .contains("SQLITE_DB_PATH=./data/demo/voice-tracker.db ./voicetrack stats");
        }
        assertThat(work.resolve("data/voice-tracker.db")).doesNotExist();
    }

    @Test
    void run_newDatabase_logsCreatingNewDatabase() throws Exception {
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            discord.createGuild("g").createVoiceChannel("Lounge");
            try (BotProcess bot = BotProcess.start(fresh, BotProcess.emulatorEnv(discord, "300ms"), "run")) {
                bot.awaitLine("voicetrack: ready");
                assertThat(bot.stderr())
                        .contains("Creating new database at "
                                + fresh.resolve("data/voice-tracker.db").toAbsolutePath());
                assertThat(bot.terminate()).isIn(0, 143);
            }
        }
        assertThat(List.of(fresh.resolve("data/voice-tracker.db"))).allMatch(Files::exists);
    }
}

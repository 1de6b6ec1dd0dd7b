package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.ManualClock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault injection: every backup, restore, migrate and stats command of the packaged bot pointed at
 * awkward paths (the live database itself, the same file spelled two ways, the data directory, a
 * missing file, a truncated or corrupt file, a place nobody can write). Each must fail with a non-zero
 * exit status and a message, and leave every file that was there before exactly as it was.
 *
 * <p>The working directory holds a live database with data, a verified backup, and files that only
 * look like the bot's ({@code voice-tracker-notes.db}, {@code shutdown-backup-keep-me.db}, an old text
 * file), which nothing may ever touch.
 */
class AwkwardPathsFaultIT {
    private static final long GUILD = 222_222_222_222L;

    @TempDir
    Path tmp;

    Path work;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        Path data = Files.createDirectories(work.resolve("data"));
        seed(data.resolve("voice-tracker.db"));
        try (BotProcess backup = BotProcess.start(work, Map.of(), "backup", "--to", "data/backups/good.db")) {
            assertThat(backup.awaitExit()).as(backup.stderr()).isZero();
        }
        Files.writeString(data.resolve("voice-tracker-notes.db"), "not a backup");
        Files.writeString(data.resolve("backups/shutdown-backup-keep-me.db"), "not a backup either");
        Path old = Files.writeString(data.resolve("backups/notes.txt"), "ten days old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(10 * 24 * 3600)));
        Path truncated = data.resolve("backups/truncated.db");
        Files.copy(data.resolve("backups/good.db"), truncated);
        try (RandomAccessFile f = new RandomAccessFile(truncated.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Path corrupt = data.resolve("backups/corrupt.db");
        Files.copy(data.resolve("backups/good.db"), corrupt);
        corruptMiddle(corrupt);
    }

    private static void seed(Path db) {
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(storage)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                for (long user = 1; user <= 200; user++) {
                    tracker.addXp(GUILD, 900_000_000_000L + user, user * 10);
                }
            }
        }
    }

    /** Overwrites 8 KB in the middle of the file with random bytes (fixed seed). */
    static void corruptMiddle(Path file) throws Exception {
        byte[] noise = new byte[8192];
        new Random(42).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(Math.max(0, f.length() / 2 - noise.length / 2));
            f.write(noise);
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "backup onto the live database", Map.of(), List.of("backup", "--to", "data/voice-tracker.db")),
                Arguments.of("backup onto the data directory", Map.of(), List.of("backup", "--to", "data")),
                Arguments.of(
                        "backup onto an existing file",
                        Map.of(),
                        List.of("backup", "--to", "data/voice-tracker-notes.db")),
                Arguments.of(
                        "backup where nobody can write",
                        Map.of(),
                        List.of("backup", "--to", "/proc/voicetrack-fault-test/backup.db")),
                Arguments.of(
                        "backup of a missing database",
                        Map.of("SQLITE_DB_PATH", "data/typo.db"),
                        List.of("backup", "--to", "data/backups/from-typo.db")),
                Arguments.of(
                        "restore from the live database",
                        Map.of(),
                        List.of("restore", "--from", "data/voice-tracker.db")),
                Arguments.of(
                        "restore from the live database spelled another way",
                        Map.of(),
                        List.of("restore", "--from", "data/./backups/../voice-tracker.db")),
                Arguments.of("restore from a directory", Map.of(), List.of("restore", "--from", "data/backups")),
                Arguments.of(
                        "restore onto a mistyped database path",
                        Map.of("SQLITE_DB_PATH", "dta/voice-tracker.db"),
                        List.of("restore", "--from", "data/backups/good.db")),
                Arguments.of(
                        "restore from a missing file", Map.of(), List.of("restore", "--from", "data/backups/nope.db")),
                Arguments.of(
                        "restore from a truncated backup",
                        Map.of(),
                        List.of("restore", "--from", "data/backups/truncated.db")),
                Arguments.of(
                        "restore from a corrupt backup",
                        Map.of(),
                        List.of("restore", "--from", "data/backups/corrupt.db")),
                Arguments.of(
                        "restore from a file that is no backup",
                        Map.of(),
                        List.of("restore", "--from", "data/voice-tracker-notes.db")),
                Arguments.of(
                        "migrate onto its own source spelled another way",
                        Map.of(),
                        List.of(
                                "migrate",
                                "--from",
                                "sqlite:data/voice-tracker.db",
                                "--to",
                                "sqlite:data/./voice-tracker.db")),
                Arguments.of(
                        "migrate from a missing file",
                        Map.of(),
                        List.of("migrate", "--from", "sqlite:data/typo.db", "--to", "json:data/json-out")),
                Arguments.of(
                        "migrate from a missing directory",
                        Map.of(),
                        List.of("migrate", "--from", "json:data/no-such-dir", "--to", "sqlite:data/out.db")),
                Arguments.of(
                        "migrate from a corrupt database",
                        Map.of(),
                        List.of("migrate", "--from", "sqlite:data/backups/corrupt.db", "--to", "json:data/json-out")),
                Arguments.of(
                        "migrate to where nobody can write",
                        Map.of(),
                        List.of(
                                "migrate",
                                "--from",
                                "sqlite:data/voice-tracker.db",
                                "--to",
                                "sqlite:/proc/voicetrack-fault-test/x.db")),
                Arguments.of("stats of a missing database", Map.of("SQLITE_DB_PATH", "data/typo.db"), List.of("stats")),
                Arguments.of("stats of a directory", Map.of("SQLITE_DB_PATH", "data"), List.of("stats")),
                Arguments.of(
                        "stats of a truncated database",
                        Map.of("SQLITE_DB_PATH", "data/backups/truncated.db"),
                        List.of("stats")),
                Arguments.of(
                        "stats of a corrupt database",
                        Map.of("SQLITE_DB_PATH", "data/backups/corrupt.db"),
                        List.of("stats")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void awkwardPath_isRefused_andTouchesNoFile(String what, Map<String, String> env, List<String> args)
            throws Exception {
        TreeSnapshot before = TreeSnapshot.of(work);
        try (BotProcess cmd = BotProcess.start(work, new HashMap<>(env), args.toArray(String[]::new))) {
            int code = cmd.awaitExit();
            assertThat(code)
                    .as("%s: exit status; stdout=%s stderr=%s", what, cmd.stdoutLines(), cmd.stderr())
                    .isIn(1, 2);
            assertThat(cmd.stderr()).as("%s: a message on stderr", what).contains("voicetrack:");
            assertThat(cmd.stderr()).as("%s: no stack trace", what).doesNotContain("\tat ");
        }
        assertThat(withoutSqliteSharedMemory(before.diff(TreeSnapshot.of(work))))
                .as("%s: files created, changed or deleted", what)
                .isEmpty();
    }

    /**
     * The diff without the creation of a SQLite source's {@code -shm} and empty {@code -wal}: a read-only
     * connection to a WAL database needs SQLite's shared-memory file, cannot checkpoint, and so leaves
     * both behind; the database file itself is not changed (which the diff still checks).
     */
    private String withoutSqliteSharedMemory(String diff) throws Exception {
        StringBuilder kept = new StringBuilder();
        for (String line : diff.split("\n")) {
            boolean shm = line.startsWith("created ") && line.endsWith(".db-shm");
            boolean emptyWal = line.startsWith("created ")
                    && line.endsWith(".db-wal")
                    && Files.size(work.resolve(line.substring("created ".length()))) == 0;
            if (!line.isEmpty() && !shm && !emptyWal) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    @Test
    void everyCommandOnTheGoodPaths_stillWorks_andTouchesOnlyItsOwnOutput() throws Exception {
        TreeSnapshot before = TreeSnapshot.of(work);
        try (BotProcess cmd = BotProcess.start(work, Map.of(), "stats")) {
            assertThat(cmd.awaitExit()).as(cmd.stderr()).isZero();
        }
        try (BotProcess cmd = BotProcess.start(
                work, Map.of(), "migrate", "--from", "sqlite:data/voice-tracker.db", "--to", "json:data/json-out")) {
            assertThat(cmd.awaitExit()).as(cmd.stderr()).isZero();
        }
        try (BotProcess cmd = BotProcess.start(work, Map.of(), "restore", "--from", "data/backups/good.db")) {
            assertThat(cmd.awaitExit()).as(cmd.stderr()).isZero();
        }
        String diff = before.diff(TreeSnapshot.of(work));
        // Only the migrate target and the restored live database (and its own side files) may differ.
        for (String line : diff.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            assertThat(line).matches("(created|changed|deleted) data/(json-out/.*|voice-tracker\\.db.*)");
        }
    }
}

package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import dev.voicetrack.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups and their rotation, on real SQLite files (issue 15: rotation deleted the live database). */
class BackupsTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final long G = 7;

    @TempDir
    Path tmp;

    ManualClock clock = new ManualClock(NOW);
    SqliteStorage storage;
    Path live;

    @BeforeEach
    void open() {
        live = tmp.resolve("data").resolve("voice-tracker-live.db");
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(live).build());
        storage.init();
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 20; u++) {
            deltas.add(new MemberDelta(G, u, 3, LocalDate.of(2025, 3, 1), 60_000, 10, 1, 1, NOW));
        }
        storage.apply(new Batch(deltas, List.of()));
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private Backups backups(Path dir, Duration retention, int maxCount) {
        return new Backups(storage, dir, retention, maxCount, clock, new SimpleMeterRegistry());
    }

    private static Path lookAlike(Path dir, String name, Duration age) throws Exception {
        Path p = Files.createDirectories(dir).resolve(name);
        Files.writeString(p, "not a backup: " + name);
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
        return p;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long members(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM vt_members")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rotation_neverDeletesTheLiveDatabaseNorItsWalOrShm_whenBackupDirIsTheDatabaseDirectory() throws Exception {
        // The setup: SQLITE_DB_PATH=$D/voice-tracker-live.db BACKUP_DIR=$D BACKUP_MAX_COUNT=1
        Path dir = live.getParent();
        Files.setLastModifiedTime(live, FileTime.from(NOW.minus(Duration.ofDays(30))));
        Backups b = backups(dir, Duration.ofDays(7), 1);
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(5));
            assertThat(b.backup(i % 2 == 0 ? "voice-tracker-" : "shutdown-backup-")
                            .success())
                    .isTrue();
        }
        assertThat(live).exists();
        assertThat(Path.of(live + "-wal")).exists();
        assertThat(Path.of(live + "-shm")).exists();
        assertThat(storage.memberCount(G)).isEqualTo(20);
        assertThat(members(live)).isEqualTo(20);
        // exactly one backup is left: the newest
        assertThat(names(dir).stream().filter(n -> n.startsWith("shutdown-backup-") || n.matches("voice-tracker-2.*")))
                .hasSize(1)
                .allMatch(n -> n.startsWith("shutdown-backup-"));
    }

    @Test
    void rotation_neverDeletesTheLiveDatabase_underAnotherSpellingOfTheDirectory() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("data-link"), live.getParent());
        Backups b = backups(tmp.resolve("data/../data-link/."), Duration.ofDays(7), 1);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(5));
            assertThat(b.backup("voice-tracker-").success()).isTrue();
        }
        assertThat(live).exists();
        assertThat(link.resolve(live.getFileName())).exists();
        assertThat(members(live)).isEqualTo(20);
    }

    @Test
    void rotation_neverDeletesLookAlikeFiles() throws Exception {
        Path dir = tmp.resolve("backups");
        List<Path> foreign = List.of(
                lookAlike(dir, "voice-tracker-notes.db", Duration.ofDays(90)),
                lookAlike(dir, "shutdown-backup-keep-me.db", Duration.ofDays(90)),
                lookAlike(dir, "voice-tracker-2025-01-01T00-00-00-000.db", Duration.ofDays(60)),
                lookAlike(dir, "notes.txt", Duration.ofDays(10)),
                lookAlike(dir, "my-own-copy.db", Duration.ofDays(90)));
        Backups b = backups(dir, Duration.ofDays(7), 1);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofDays(8));
            assertThat(b.backup("voice-tracker-").success()).isTrue();
        }
        assertThat(foreign).allMatch(Files::exists);
    }

    @Test
    void rotation_deletesOnlyManifestProvenBackups_beyondCountAndAge() throws Exception {
        Path dir = tmp.resolve("backups");
        Backups b = backups(dir, Duration.ofDays(7), 3);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            written.add(Path.of(b.backup("voice-tracker-").location()));
            clock.advance(Duration.ofHours(6));
        }
        Path manual = Path.of(b.backup("manual-backup-").location());
        assertThat(written.get(0)).doesNotExist(); // the 4th automatic backup pushed the 1st past the cap
        clock.advance(Duration.ofHours(6));
        written.add(Path.of(b.backup("shutdown-backup-").location()));
        // count cap 3 among the automatic ones: the two oldest went, the manual one is never rotated
        assertThat(written.get(0)).doesNotExist();
        assertThat(written.get(1)).doesNotExist();
        assertThat(written.subList(2, 5)).allMatch(Files::exists);
        assertThat(manual).exists();

        // A listed backup that changed since it was written is no longer provably ours: it stays.
        Files.writeString(written.get(2), "replaced by the user");
        clock.advance(Duration.ofDays(8)); // everything but the next one is past retention
        Path last = Path.of(b.backup("voice-tracker-").location());
        assertThat(written.get(2)).exists().hasContent("replaced by the user");
        assertThat(written.get(3)).doesNotExist();
        assertThat(written.get(4)).doesNotExist();
        assertThat(last).exists();
        assertThat(manual).exists();
        String manifest = Files.readString(dir.resolve(Backups.MANIFEST));
        assertThat(manifest)
                .contains(last.getFileName().toString())
                .doesNotContain(written.get(2).getFileName().toString());
    }

    @Test
    void rotation_neverDeletesTheLiveDatabase_evenWhenTheManifestListsIt() throws Exception {
        Path dir = live.getParent();
        Backups b = backups(dir, Duration.ofDays(7), 1);
        assertThat(b.backup("voice-tracker-").success()).isTrue();
        // a tampered manifest that claims the live file (with its true size and hash) as an old backup
        String entry = String.join(
                "\t",
                "backup-v1",
                "scheduled",
                "0",
                Long.toString(Files.size(live)),
                Backups.sha256(live),
                live.getFileName().toString(),
                dev.voicetrack.storage.jdbc.SqliteFiles.realPath(live).toString());
        Files.writeString(dir.resolve(Backups.MANIFEST), entry + "\n", java.nio.file.StandardOpenOption.APPEND);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.backup("voice-tracker-").success()).isTrue();
        assertThat(live).exists();
        assertThat(members(live)).isEqualTo(20);
    }

    @Test
    void backupOfADatabaseWithoutTables_fails_countsAFailure_andDeletesNothing() throws Exception {
        Path dir = tmp.resolve("backups");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Backups b = new Backups(storage, dir, Duration.ofDays(7), 1, clock, registry);
        Path first = Path.of(b.backup("voice-tracker-").location());
        // the live file is deleted under the running store (what rotation used to do)
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(live + suffix));
        }
        clock.advance(Duration.ofDays(30));
        BackupResult r = b.backup("shutdown-backup-");
        assertThat(r.success()).isFalse();
        assertThat(first).exists();
        assertThat(names(dir))
                .containsExactlyInAnyOrder(
                        ".voicetrack-backups.lock",
                        Backups.MANIFEST,
                        first.getFileName().toString());
        assertThat(registry.get("voicetrack.backups")
                        .tag("result", "failure")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void failedBackup_removesNothing_andReportsFailure() throws Exception {
        Path dir = tmp.resolve("backups");
        Backups b = backups(dir, Duration.ofDays(7), 1);
        Path first = Path.of(b.backup("voice-tracker-").location());
        storage.close(); // failure injection: the live database cannot be read
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        clock.advance(Duration.ofDays(60));
        Backups again = new Backups(storage, dir, Duration.ofDays(7), 1, clock, registry);
        BackupResult r = again.backup("voice-tracker-");
        assertThat(r.success()).isFalse();
        assertThat(first).exists();
        assertThat(registry.get("voicetrack.backups")
                        .tag("result", "failure")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}

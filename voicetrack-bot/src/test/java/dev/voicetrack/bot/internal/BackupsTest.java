package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.jda.StorageAdmin.BackupResult;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupsTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    @TempDir
    Path tmp;

    private Path oldBackup(Path dir, String name, Duration age) throws Exception {
        Path p = Files.createDirectories(dir).resolve(name);
        Files.writeString(p, "old");
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
        return p;
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void goodBackup_removesOurBackupsPastRetentionAndCount_keepsOthers() throws Exception {
        Path dir = tmp.resolve("backups");
        Path expired = oldBackup(dir, "voice-tracker-2025-02-01.db", Duration.ofDays(28));
        Path recent1 = oldBackup(dir, "voice-tracker-2025-02-28a.db", Duration.ofHours(30));
        Path recent2 = oldBackup(dir, "shutdown-backup-2025-02-28b.db", Duration.ofHours(20));
        Path recent3 = oldBackup(dir, "voice-tracker-2025-02-28c.db", Duration.ofHours(10));
        Path foreign = oldBackup(dir, "my-own-copy.db", Duration.ofDays(90));
        try (JdbcStorage storage = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("live.db")).build())) {
            storage.init();
            Backups backups =
                    new Backups(storage, dir, Duration.ofDays(7), 3, new ManualClock(NOW), new SimpleMeterRegistry());
            BackupResult r = backups.backup("voice-tracker-");
            assertThat(r.success()).isTrue();
            assertThat(Path.of(r.location())).exists();
            // 3 kept: the new one and the two newest; the 7-day-old-plus and the count overflow go
            assertThat(expired).doesNotExist();
            assertThat(recent1).doesNotExist();
            assertThat(recent2).exists();
            assertThat(recent3).exists();
            assertThat(foreign).exists();
        }
    }

    @Test
    void failedBackup_removesNothing_andReportsFailure() throws Exception {
        Path dir = tmp.resolve("backups");
        Path expired = oldBackup(dir, "voice-tracker-2025-01-01.db", Duration.ofDays(60));
        JdbcStorage storage = JdbcStorage.sqlite(
                SqliteOptions.builder().file(tmp.resolve("live.db")).build());
        storage.init();
        storage.close(); // failure injection: the live database cannot be read
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Backups backups = new Backups(storage, dir, Duration.ofDays(7), 3, new ManualClock(NOW), registry);
        BackupResult r = backups.backup("voice-tracker-");
        assertThat(r.success()).isFalse();
        assertThat(expired).exists();
        assertThat(count(dir)).isEqualTo(1);
        assertThat(registry.get("voicetrack.backups")
                        .tag("result", "failure")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}

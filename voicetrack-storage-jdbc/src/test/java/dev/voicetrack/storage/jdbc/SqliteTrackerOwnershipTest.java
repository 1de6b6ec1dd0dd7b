package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code tracker.close()} closed neither the storage nor the cache it was handed, so the README's
 * snippet (which keeps no reference to the storage) left the SQLite database open with its -wal file behind; and
 * the maintenance the JDA commands need had to be adapted by hand from {@link JdbcStorage}.
 */
class SqliteTrackerOwnershipTest {

    @TempDir
    Path dir;

    @Test
    void trackerClose_closesTheSqliteStorageItWasHanded_andRemovesTheWalFile() {
        Path db = dir.resolve("voice-tracker.db");
        Path wal = dir.resolve("voice-tracker.db-wal");
        JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build());
        ManualClock clock = new ManualClock();
        VoiceTracker tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        tracker.start();
        tracker.accept(new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
        clock.advance(Duration.ofSeconds(20));
        tracker.tickNow();
        assertThat(wal).exists();

        tracker.close();

        assertThat(wal).doesNotExist();
        assertThatThrownBy(storage::guildIds).isInstanceOf(StorageException.class);
        try (JdbcStorage reopened =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            reopened.init();
            assertThat(reopened.member(1, 7).orElseThrow().voiceTimeMs()).isEqualTo(20_000);
        }
    }

    @Test
    void sqliteStorage_offersStatsBackupAndOptimize_asStorageMaintenance() throws Exception {
        try (SqliteStorage storage = JdbcStorage.sqlite(
                SqliteOptions.builder().file(dir.resolve("live.db")).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .manualTicks()
                    .storage(storage)
                    .ownsStorage(false)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                tracker.addXp(1, 7, 50);
                tracker.addXp(2, 8, 60);
            }
            StorageBackup m = storage;
            StorageMaintenance.MaintenanceStats stats = m.maintenanceStats();
            assertThat(stats.backend()).isEqualTo("SQLite");
            assertThat(stats.guilds()).isEqualTo(2);
            assertThat(stats.users()).isEqualTo(2);
            assertThat(stats.sizeBytes()).isPositive();
            assertThat(stats.location()).endsWith("live.db");

            Path copy = dir.resolve("backups").resolve("copy.db");
            Files.createDirectories(copy.getParent());
            assertThat(m.backup(copy)).isTrue();
            assertThat(copy).isNotEmptyFile();

            assertThat(storage.optimizeStorage().sizeBytesAfter()).isPositive();
        }
    }
}

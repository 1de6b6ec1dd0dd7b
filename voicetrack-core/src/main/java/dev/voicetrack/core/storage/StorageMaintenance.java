package dev.voicetrack.core.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * Maintenance a {@link Storage} backend offers about itself: statistics always; a verified backup
 * where the backend is also a {@link StorageBackup}, and an optimisation where it is also a {@link
 * StorageOptimizer}. What a backend cannot do, its type does not offer, so no call fails for one
 * backend only. A storage that implements this interface is found by whoever holds the storage, for
 * example the JDA adapter's {@code /dbstats}, {@code /backup} and {@code /optimize} commands through
 * {@code VoiceTracker.storage()}.
 *
 * <p>What each backend of this project offers: SQLite all three (online backup with integrity checks
 * of the live database and of the copy, {@code VACUUM}, file statistics); PostgreSQL statistics and
 * optimisation ({@code VACUUM (ANALYZE)}; back it up with {@code pg_dump}); the in-memory, JSON and
 * MongoDB storages statistics.
 *
 * <p>Every method blocks the calling thread for I/O and is thread safe; call it off gateway and tick
 * threads.
 *
 * <p>This is the one maintenance model of the project: the JDA adapter's commands show these records,
 * and the bot's scheduled backups report a {@link BackupResult} as its {@code /backup} does.
 */
public interface StorageMaintenance {

    /**
     * Counts and size of what is stored; cheap enough to run on request.
     *
     * @throws StorageException if the storage cannot be read
     */
    MaintenanceStats maintenanceStats();

    /**
     * What a backend holds.
     *
     * @param backend a short name for people: {@code SQLite}, {@code PostgreSQL}, {@code JSON}, {@code
     *     MongoDB}, {@code in-memory}
     * @param guilds guilds stored
     * @param users member rows stored (a user in two guilds counts twice)
     * @param sessions session rows stored, open and closed
     * @param sizeBytes the size of the data, or -1 when unknown
     * @param location the file, directory or database the data is in (never with a password), empty
     *     when not meaningful
     */
    record MaintenanceStats(String backend, long guilds, long users, long sessions, long sizeBytes, String location) {
        public MaintenanceStats {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(location, "location");
        }
    }

    /**
     * The outcome of {@link StorageOptimizer#optimizeStorage()}.
     *
     * @param took how long it ran
     * @param sizeBytesBefore the size before, or -1 when unknown
     * @param sizeBytesAfter the size after, or -1 when unknown
     */
    record Optimized(Duration took, long sizeBytesBefore, long sizeBytesAfter) {
        public Optimized {
            Objects.requireNonNull(took, "took");
        }
    }

    /**
     * The outcome of a backup as people are told it, whoever wrote it: the JDA adapter's {@code
     * /backup} over {@link StorageBackup#backup}, or a scheduler with a rotation of its own.
     *
     * @param success whether a verified backup was written; when false, earlier backups were left as
     *     they were
     * @param location where the backup is (a file path, a URI), empty when none was written
     * @param sizeBytes the backup's size, or -1 when unknown
     * @param message a short explanation for people (why it failed, what was verified)
     */
    record BackupResult(boolean success, String location, long sizeBytes, String message) {
        public BackupResult {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(message, "message");
        }
    }
}

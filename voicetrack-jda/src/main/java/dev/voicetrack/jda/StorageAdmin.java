package dev.voicetrack.jda;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Maintenance a storage backend may offer to the {@code /backup}, {@code /optimize} and {@code /dbstats}
 * commands. Only some backends can do this (SQLite: online backup with an integrity check, VACUUM, file
 * statistics); when none is given to {@link VoiceTrackJdaBuilder#storageAdmin}, the commands answer "not
 * supported by this storage".
 *
 * <p>Implementations must be thread safe and must never block the calling thread for I/O: every method starts
 * the work elsewhere and returns at once. The commands wait for the result on a command worker thread, never on
 * a JDA event thread, and show a deferred reply meanwhile.
 */
public interface StorageAdmin {

    /**
     * Writes a verified backup.
     *
     * @return completes with the outcome; completes exceptionally only if the backup could not be attempted
     */
    CompletionStage<BackupResult> backup();

    /** Reclaims space and refreshes the planner's statistics (SQLite: VACUUM and ANALYZE). */
    CompletionStage<OptimizeResult> optimize();

    /** Counts and sizes, cheap enough to run on request. */
    CompletionStage<StorageStats> stats();

    /**
     * The outcome of a backup.
     *
     * @param success whether a verified backup was written; when false, earlier backups were left as they were
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

    /**
     * The outcome of an optimisation.
     *
     * @param duration how long it took
     * @param sizeBytesBefore the size before, or -1 when unknown
     * @param sizeBytesAfter the size after, or -1 when unknown
     */
    record OptimizeResult(Duration duration, long sizeBytesBefore, long sizeBytesAfter) {
        public OptimizeResult {
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * What a backend holds, as {@code /dbstats} shows it.
     *
     * @param backend a short name such as {@code SQLite}
     * @param guilds guilds stored
     * @param users member rows stored (a user in two guilds counts twice)
     * @param sessions session rows stored
     * @param sizeBytes the size on disk, or -1 when unknown
     * @param location the file or database the data is in, empty when not meaningful
     */
    record StorageStats(String backend, long guilds, long users, long sessions, long sizeBytes, String location) {
        public StorageStats {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(location, "location");
        }
    }
}

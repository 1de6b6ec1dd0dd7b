package dev.voicetrack.jda;

import dev.voicetrack.core.storage.StorageMaintenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Maintenance behind the {@code /backup}, {@code /optimize} and {@code /dbstats} commands. {@link
 * VoiceTrackJda#install} builds one by itself with {@link #of} when the tracker's storage implements {@link
 * StorageMaintenance} (every storage of this project does: SQLite all three commands, PostgreSQL
 * {@code /dbstats} and {@code /optimize}, JSON, MongoDB and in-memory {@code /dbstats}); give one to {@link
 * VoiceTrackJdaBuilder#storageAdmin} to replace it, for example with backups of your own ({@link #withBackup}).
 * A command the storage does not support answers so, naming the command and the backend ("/backup is not supported by
 * PostgreSQL storage.").
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

    /** Whether {@link #backup()} can work; when false {@code /backup} answers "not supported" (default true). */
    default boolean supportsBackup() {
        return true;
    }

    /** Whether {@link #optimize()} can work; when false {@code /optimize} answers "not supported" (default true). */
    default boolean supportsOptimize() {
        return true;
    }

    /**
     * The commands over a storage's own maintenance. Every call runs on {@code executor}. A backup is written to
     * {@code backupDirectory} (created when missing) as {@code voicetrack-backup-<UTC time from clock>.db}; this
     * never deletes or rotates anything.
     *
     * @throws NullPointerException if an argument is null
     */
    static StorageAdmin of(StorageMaintenance maintenance, Path backupDirectory, Clock clock, Executor executor) {
        Objects.requireNonNull(maintenance, "maintenance must not be null");
        Objects.requireNonNull(backupDirectory, "backupDirectory must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        DateTimeFormatter names =
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
        return new StorageAdmin() {
            @Override
            public CompletionStage<BackupResult> backup() {
                return CompletableFuture.supplyAsync(
                        () -> {
                            Path target = backupDirectory.resolve(
                                    "voicetrack-backup-" + names.format(clock.instant()) + ".db");
                            try {
                                Files.createDirectories(backupDirectory);
                                if (!maintenance.backup(target)) {
                                    return new BackupResult(false, "", -1, "the integrity check failed");
                                }
                                return new BackupResult(
                                        true, target.toString(), Files.size(target), "integrity verified");
                            } catch (IOException | RuntimeException e) {
                                return new BackupResult(false, "", -1, String.valueOf(e.getMessage()));
                            }
                        },
                        executor);
            }

            @Override
            public CompletionStage<OptimizeResult> optimize() {
                return CompletableFuture.supplyAsync(
                        () -> {
                            StorageMaintenance.Optimized r = maintenance.optimizeStorage();
                            return new OptimizeResult(r.took(), r.sizeBytesBefore(), r.sizeBytesAfter());
                        },
                        executor);
            }

            @Override
            public CompletionStage<StorageStats> stats() {
                return CompletableFuture.supplyAsync(
                        () -> {
                            StorageMaintenance.MaintenanceStats s = maintenance.maintenanceStats();
                            return new StorageStats(
                                    s.backend(), s.guilds(), s.users(), s.sessions(), s.sizeBytes(), s.location());
                        },
                        executor);
            }

            @Override
            public boolean supportsBackup() {
                return maintenance.supportsBackup();
            }

            @Override
            public boolean supportsOptimize() {
                return maintenance.supportsOptimize();
            }
        };
    }

    /**
     * This admin with {@code /backup} replaced by {@code backup}, run on {@code executor}: for backups with a
     * rotation or a destination of your own.
     */
    default StorageAdmin withBackup(Supplier<BackupResult> backup, Executor executor) {
        Objects.requireNonNull(backup, "backup must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        StorageAdmin base = this;
        return new StorageAdmin() {
            @Override
            public CompletionStage<BackupResult> backup() {
                return CompletableFuture.supplyAsync(backup, executor);
            }

            @Override
            public CompletionStage<OptimizeResult> optimize() {
                return base.optimize();
            }

            @Override
            public CompletionStage<StorageStats> stats() {
                return base.stats();
            }

            @Override
            public boolean supportsOptimize() {
                return base.supportsOptimize();
            }
        };
    }

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

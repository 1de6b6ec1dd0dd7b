package dev.voicetrack.jda.internal;

import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code /backup}'s default: a verified copy written by the storage's own {@link StorageBackup#backup} into
 * a directory (created when missing) as {@code voicetrack-backup-<UTC time from the clock>.db}. Never deletes or
 * rotates anything. Blocks for I/O; never throws, a failure is a {@link BackupResult} that says why.
 */
final class DirectoryBackup implements Supplier<BackupResult> {
    private static final DateTimeFormatter NAMES =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final StorageBackup maintenance;
    private final Path directory;
    private final Clock clock;

    DirectoryBackup(StorageBackup maintenance, Path directory, Clock clock) {
        this.maintenance = maintenance;
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public BackupResult get() {
        Path target = directory.resolve("voicetrack-backup-" + NAMES.format(clock.instant()) + ".db");
        try {
            Files.createDirectories(directory);
            if (!maintenance.backup(target)) {
                return new BackupResult(false, "", -1, "the integrity check failed");
            }
            return new BackupResult(true, target.toString(), Files.size(target), "integrity verified");
        } catch (IOException | RuntimeException e) {
            return new BackupResult(false, "", -1, String.valueOf(e.getMessage()));
        }
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.jda.StorageAdmin.BackupResult;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified SQLite backups and their rotation (the original's {@code safeBackup} every 6 hours and
 * {@code cleanOldBackups(7)}), without its two gaps: rotation also caps the count (so disk use is
 * bounded), and it runs only after a backup that passed its integrity check, never removing the
 * newest good backup. Only files this class names ({@code voice-tracker-*.db}, {@code
 * shutdown-backup-*.db}) are ever deleted. Thread safe: backups are serialised.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss-SSS").withZone(ZoneOffset.UTC);

    private final JdbcStorage sqlite;
    private final Path dir;
    private final Duration retention;
    private final int maxCount;
    private final Clock clock;
    private final Counter ok;
    private final Counter failed;
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();

    public Backups(
            JdbcStorage sqlite, Path dir, Duration retention, int maxCount, Clock clock, MeterRegistry registry) {
        this.sqlite = sqlite;
        this.dir = dir;
        this.retention = retention;
        this.maxCount = maxCount;
        this.clock = clock;
        this.ok = Counter.builder("voicetrack.backups")
                .tag("result", "success")
                .description("Backups attempted, by result")
                .register(registry);
        this.failed =
                Counter.builder("voicetrack.backups").tag("result", "failure").register(registry);
        registry.gauge("voicetrack.backup.last.success.seconds", lastSuccessEpochSeconds, AtomicLong::doubleValue);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a verified backup named {@code <prefix><timestamp>.db}; rotates after a good one. */
    public synchronized BackupResult backup(String prefix) {
        Path target = dir.resolve(prefix + STAMP.format(clock.instant()) + ".db");
        boolean good;
        try {
            Files.createDirectories(dir);
            good = sqlite.safeBackup(target);
        } catch (IOException | RuntimeException e) {
            failed.increment();
            LOG.error("BACKUP FAILED ({}): {}; existing backups are preserved", target, e.toString());
            return new BackupResult(false, "", -1, "backup failed: " + e.getMessage());
        }
        if (!good) {
            failed.increment();
            LOG.error("BACKUP FAILED: the integrity check did not pass; existing backups are preserved."
                    + " Stop the bot, restore a recent backup (voicetrack restore --from FILE) and investigate.");
            return new BackupResult(false, "", -1, "integrity check failed; existing backups were left as they were");
        }
        ok.increment();
        lastSuccessEpochSeconds.set(clock.instant().getEpochSecond());
        long size = sizeOf(target);
        LOG.info("Backup written and verified: {} ({} KB)", target, size / 1024);
        rotate(target);
        return new BackupResult(true, target.toString(), size, "integrity verified");
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Removes our backups older than the retention, or beyond the count cap; never {@code keep}. */
    void rotate(Path keep) {
        List<Path> ours = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.startsWith("voice-tracker-") || n.startsWith("shutdown-backup-"))
                                && n.endsWith(".db");
                    })
                    .forEach(ours::add);
        } catch (IOException e) {
            LOG.warn("Cannot list {} for backup rotation: {}", dir, e.toString());
            return;
        }
        ours.sort(Comparator.comparing(Backups::modified).reversed());
        Instant oldest = clock.instant().minus(retention);
        int kept = 0;
        for (Path p : ours) {
            boolean isKeep = p.equals(keep);
            if (isKeep || (kept < maxCount && modified(p).isAfter(oldest))) {
                kept++;
                continue;
            }
            try {
                Files.deleteIfExists(p);
                LOG.info("Deleted old backup {}", p.getFileName());
            } catch (IOException e) {
                LOG.warn("Cannot delete old backup {}: {}", p, e.toString());
            }
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.storage.jdbc.SqliteFiles;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified SQLite backups and their rotation (the original's {@code safeBackup} every 6 hours and
 * {@code cleanOldBackups(7)}), without its gaps: rotation also caps the count (so disk use is bounded),
 * and it runs only after a backup that passed verification, never removing the newest good backup.
 * Thread safe: backups are serialised.
 *
 * <h2>Which files rotation may delete</h2>
 *
 * Only files this bot wrote as backups and can prove it wrote. A file name proves nothing (the live
 * database may be called {@code voice-tracker-live.db}, a user may keep {@code
 * shutdown-backup-keep-me.db}), so after each verified backup its name, kind, time, size, SHA-256 and
 * the real path of the database it copies are appended to a manifest, {@value #MANIFEST}, in the backup
 * directory (written to a temporary file and moved into place, under an OS lock so two processes
 * sharing the directory do not lose each other's entries). Rotation considers only entries of the
 * manifest that are automatic backups ({@code voice-tracker-*}, {@code shutdown-backup-*}; manual
 * backups are never rotated) of the same live database, and deletes one only if all of these hold at
 * that moment:
 *
 * <ul>
 *   <li>its name is a plain file name in the backup directory (no separator, no leading dot);
 *   <li>it is a regular file, not a symlink;
 *   <li>its real path is neither the live database nor its {@code -wal}, {@code -shm}, {@code -journal}
 *       or {@code .lock} file (compared by real path, so {@code BACKUP_DIR} equal to the data directory,
 *       symlinks and {@code ./x/../x} spellings change nothing);
 *   <li>its size and SHA-256 are still those recorded when it was written.
 * </ul>
 *
 * An entry whose file is gone, or whose file no longer matches, is dropped from the manifest and the
 * file (if any) is left alone. Files that are not in the manifest (backups of older versions, notes,
 * anything else) are never touched. The live database's path is asked of the store at the first
 * backup (its {@code stats()}); while that fails, nothing is rotated.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss-SSS").withZone(ZoneOffset.UTC);

    /** The manifest of the backups this bot wrote, in the backup directory. */
    public static final String MANIFEST = "voicetrack-backups.manifest";

    private static final String MANIFEST_LOCK = ".voicetrack-backups.lock";
    private static final String ENTRY_TAG = "backup-v1";
    /** The JDK refuses two overlapping OS locks in one JVM: manifest updates of this JVM queue here first. */
    private static final Object MANIFEST_MUTEX = new Object();

    private final SqliteStorage sqlite;
    private final Path dir;
    private final Duration retention;
    private final int maxCount;
    private final Clock clock;
    private final Counter ok;
    private final Counter failed;
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    /** The real path of the live database, asked of the store once (guarded by this). */
    private @Nullable Path live;

    public Backups(
            SqliteStorage sqlite, Path dir, Duration retention, int maxCount, Clock clock, MeterRegistry registry) {
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

    /** One line of the manifest. */
    record Entry(String kind, long createdMillis, long size, String sha256, String name, String source) {
        String line() {
            return String.join(
                    "\t", ENTRY_TAG, kind, Long.toString(createdMillis), Long.toString(size), sha256, name, source);
        }

        static @Nullable Entry parse(String line) {
            String[] f = line.split("\t", -1);
            if (f.length != 7 || !f[0].equals(ENTRY_TAG)) {
                return null;
            }
            try {
                return new Entry(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4], f[5], f[6]);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        boolean rotatable() {
            return kind.equals("scheduled") || kind.equals("shutdown");
        }
    }

    private static String kindOf(String prefix) {
        return switch (prefix) {
            case "voice-tracker-" -> "scheduled";
            case "shutdown-backup-" -> "shutdown";
            default -> "manual";
        };
    }

    /**
     * Writes a verified backup named {@code <prefix><timestamp>.db}, records it in the manifest and
     * rotates after a good one.
     */
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
            LOG.error("BACKUP FAILED: the live database or its copy did not pass verification (integrity, VoiceTrack"
                    + " tables, row counts; the reason is logged above); existing backups are preserved."
                    + " Stop the bot, restore a recent backup (voicetrack restore --from FILE) and investigate.");
            return new BackupResult(
                    false, "", -1, "verification failed; existing backups were left as they were (see the log)");
        }
        ok.increment();
        lastSuccessEpochSeconds.set(clock.instant().getEpochSecond());
        long size = sizeOf(target);
        LOG.info("Backup written and verified: {} ({} KB)", target, size / 1024);
        Path db = liveDatabase();
        try {
            Entry entry = new Entry(
                    kindOf(prefix),
                    clock.millis(),
                    size,
                    sha256(target),
                    target.getFileName().toString(),
                    db == null ? "" : db.toString());
            updateManifest(entry, db);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot record {} in {} (it will never be rotated): {}", target, MANIFEST, e.toString());
        }
        return new BackupResult(true, target.toString(), size, "integrity, schema and row counts verified");
    }

    private @Nullable Path liveDatabase() {
        Path known = live;
        if (known != null) {
            return known;
        }
        try {
            known = SqliteFiles.realPath(Path.of(sqlite.stats().filename()));
            live = known;
            return known;
        } catch (RuntimeException e) {
            LOG.warn("Cannot tell which file the live database is ({}); old backups are not rotated", e.toString());
            return null;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Adds {@code added} to the manifest and rotates, under the manifest's lock. */
    private void updateManifest(Entry added, @Nullable Path live) throws IOException {
        synchronized (MANIFEST_MUTEX) {
            try (FileChannel lockChannel = FileChannel.open(
                            dir.resolve(MANIFEST_LOCK),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                if (!lock.isValid()) {
                    throw new IOException("the lock of " + dir.resolve(MANIFEST_LOCK) + " was lost");
                }
                List<Entry> entries = readManifest();
                entries.add(added);
                if (live != null) {
                    entries = rotate(entries, added, live);
                }
                writeManifest(entries);
            }
        }
    }

    /** The backups this bot wrote that are still in the manifest, oldest first. */
    List<Entry> list() throws IOException {
        synchronized (MANIFEST_MUTEX) {
            return List.copyOf(readManifest());
        }
    }

    private List<Entry> readManifest() throws IOException {
        Path m = dir.resolve(MANIFEST);
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(m)) {
            return entries;
        }
        for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
            Entry e = Entry.parse(line);
            if (e != null) {
                entries.add(e);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                LOG.warn("Ignoring a line of {} that is not a backup entry: {}", m, line);
            }
        }
        return entries;
    }

    private void writeManifest(List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder("# Backups VoiceTrack wrote and verified; rotation deletes only"
                + " these (and only while they are unchanged).\n# One per line: " + ENTRY_TAG
                + " kind created-ms size sha256 file source-database (tab-separated). Do not edit.\n");
        for (Entry e : entries) {
            sb.append(e.line()).append('\n');
        }
        Path tmp = dir.resolve("." + MANIFEST + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Deletes this database's automatic backups older than the retention, or beyond the count cap,
     * that are still provably ours; never {@code keep}. Returns the entries that remain.
     */
    List<Entry> rotate(List<Entry> entries, Entry keep, Path live) {
        String source = live.toString();
        List<Entry> ours = new ArrayList<>();
        for (Entry e : entries) {
            if (e.rotatable() && e.source().equals(source)) {
                ours.add(e);
            }
        }
        ours.sort(Comparator.comparingLong(Entry::createdMillis).reversed());
        long oldest = clock.instant().minus(retention).toEpochMilli();
        List<Entry> remaining = new ArrayList<>(entries);
        int kept = 0;
        for (Entry e : ours) {
            if (e.equals(keep) || (kept < maxCount && e.createdMillis() > oldest)) {
                kept++;
                continue;
            }
            String why = notDeletable(e, live);
            if (!Files.exists(dir.resolve(e.name()), LinkOption.NOFOLLOW_LINKS)) {
                LOG.debug("Old backup {} is already gone", e.name());
            } else if (why == null) {
                Path p = dir.resolve(e.name());
                try {
                    Files.delete(p);
                    LOG.info("Deleted old backup {}", e.name());
                } catch (IOException ex) {
                    LOG.warn("Cannot delete old backup {}: {}", p, ex.toString());
                    continue; // still ours: try again after the next backup
                }
            } else {
                LOG.warn("Not deleting {}: {}; it is no longer treated as a backup", e.name(), why);
            }
            remaining.remove(e);
        }
        return remaining;
    }

    /** Null if the file of {@code e} may be deleted, else why not. */
    private @Nullable String notDeletable(Entry e, Path live) {
        String name = e.name();
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            return "its name is not a plain file name";
        }
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return "it is not a regular file";
        }
        String clash = SqliteFiles.liveFile(live, p);
        if (clash != null) {
            return "it is " + clash;
        }
        try {
            if (Files.size(p) != e.size() || !sha256(p).equals(e.sha256())) {
                return "it changed since VoiceTrack wrote it (size or SHA-256 differ from " + MANIFEST + ")";
            }
        } catch (IOException ex) {
            return "it cannot be read: " + ex;
        }
        return null;
    }
}

package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.CorruptDatabaseException;
import dev.voicetrack.storage.jdbc.OptimizeResult;
import dev.voicetrack.storage.jdbc.SqliteFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance of a SQLite store's file: verified online backups, restore with the store running, and
 * optimisation. What each promises is documented on {@code SqliteStorage}; the checks they rely on are
 * {@link SqliteChecks}'s.
 *
 * <p>A backup runs beside other calls ({@link Database#withPool}) and takes {@link Database#writeLock()} only
 * when a concurrent commit spoiled its first copy; optimize takes the write lock throughout (a tick
 * waits, never fails). A restore verifies and copies the backup holding nothing, then swaps the file
 * inside {@link Database#exclusively} and {@link DatabaseLock#exclusively}: no call of this process
 * and no store of another process has the file open meanwhile.
 */
final class SqliteMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteMaintenance.class);
    private static final int MAX_ATTEMPTS = Database.MAX_ATTEMPTS;

    private final Database db;
    private final SqliteTarget sqlite;
    private final Ranks ranks;

    SqliteMaintenance(Database db, SqliteTarget sqlite, Ranks ranks) {
        this.db = db;
        this.sqlite = sqlite;
        this.ranks = ranks;
    }

    // ------------------------------------------------------------------ optimize

    /** See {@code JdbcStorage#optimize()}: {@code PRAGMA optimize}, VACUUM if pages are free, WAL truncated. */
    OptimizeResult optimize() {
        db.refuseIfReadOnly("optimize");
        long started = System.nanoTime();
        return db.withPool(ds -> {
            db.writeLock().lock();
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                // Both sizes are bytes on disk (file plus WAL): page_count * page_size counts pages that
                // still sit in the WAL and not the WAL itself, so before and after measured different things.
                long before = bytesOnDisk();
                s.execute("PRAGMA optimize");
                boolean vacuum = Database.count(c, "PRAGMA freelist_count") > 0;
                if (vacuum) {
                    s.execute("VACUUM");
                }
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                return new OptimizeResult(vacuum, before, bytesOnDisk(), Duration.ofNanos(System.nanoTime() - started));
            } catch (SQLException | IOException e) {
                throw new StorageException("optimize failed: " + e.getMessage(), e);
            } finally {
                db.writeLock().unlock();
            }
        });
    }

    /** The SQLite file plus its WAL, in bytes on disk. */
    private long bytesOnDisk() throws IOException {
        Path live = sqlite.file();
        Path wal = Path.of(live + "-wal");
        return Files.size(live) + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    // ------------------------------------------------------------------ backup

    /** See {@code SqliteStorage#safeBackup}. */
    boolean safeBackup(Path target) {
        Objects.requireNonNull(target, "target must not be null");
        return db.withPool(ds -> {
            Path live = sqlite.file();
            Path dest = target.toAbsolutePath().normalize();
            String clash = SqliteFiles.liveFile(live, dest);
            if (clash != null) {
                LOG.warn("backup refused: the target " + dest + " is " + clash);
                return false;
            }
            Path dir = Objects.requireNonNull(dest.getParent());
            Path tmp = dir.resolve("." + dest.getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                Files.createDirectories(dir);
                if (!Files.isRegularFile(live)) {
                    LOG.error("backup refused: the live database " + live + " is missing (deleted or moved while"
                            + " the store had it open?)");
                    return false;
                }
                Map<String, Long> expected;
                // A fresh connection reads the file itself, not pages a pooled connection has cached.
                try (Connection c = SqliteChecks.openExisting(
                        live, (int) sqlite.options().busyTimeout().toMillis())) {
                    String problem = SqliteChecks.integrityProblem(c);
                    if (problem != null) {
                        LOG.error("backup refused: " + live + " failed its integrity check: " + problem);
                        return false;
                    }
                    List<String> tables = SqliteChecks.vtTables(c);
                    problem = SqliteChecks.missingSchema(tables);
                    if (problem != null) {
                        LOG.error("backup refused: the live database " + live + " holds no VoiceTrack data (" + problem
                                + ")");
                        return false;
                    }
                    expected = copyCounted(c, tables, tmp);
                    if (expected == null) {
                        LOG.error("backup refused: " + live + " changed during each of " + MAX_ATTEMPTS
                                + " copies (another process writing?), so no copy could be checked"
                                + " against its source");
                        return false;
                    }
                }
                try (Connection c = sqlite.openDirect(tmp, true)) {
                    String problem = SqliteChecks.integrityProblem(c);
                    if (problem == null) {
                        List<String> tables = SqliteChecks.vtTables(c);
                        problem = SqliteChecks.missingSchema(tables);
                        if (problem == null) {
                            Map<String, Long> actual = SqliteChecks.rowCounts(c, tables);
                            if (!actual.equals(expected)) {
                                problem = "its row counts " + actual + " differ from the live database's " + expected;
                            }
                        }
                    }
                    if (problem != null) {
                        LOG.error("backup refused: the copy failed verification: " + problem);
                        return false;
                    }
                }
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } catch (SQLException | IOException | RuntimeException e) {
                // An operator's mistake (a directory, a full disk) more often than a bug: the message, no trace.
                LOG.error("backup to " + dest + " failed: " + e);
                LOG.debug("backup to " + dest + " failed", e);
                return false;
            } finally {
                deleteQuietly(tmp);
            }
        });
    }

    /**
     * Copies the database of {@code c} to {@code tmp} with {@code VACUUM INTO} and returns the row counts
     * of the snapshot that was copied. {@code PRAGMA data_version} tells whether any other connection
     * (of this process or another) committed between the counts and the copy; if one did, the copy is
     * made again, holding this process's write lock from the second attempt on (so only writes of other
     * processes can still interfere). Returns null if no attempt saw a quiet database.
     */
    private @Nullable Map<String, Long> copyCounted(Connection c, List<String> tables, Path tmp)
            throws SQLException, IOException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            boolean hold = attempt > 1;
            if (hold) {
                db.writeLock().lock();
            }
            try {
                long before = Database.count(c, "PRAGMA data_version");
                Map<String, Long> counts = SqliteChecks.rowCounts(c, tables);
                Files.deleteIfExists(tmp);
                try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                    ps.setString(1, tmp.toString());
                    ps.execute();
                }
                if (Database.count(c, "PRAGMA data_version") == before) {
                    return counts;
                }
            } finally {
                if (hold) {
                    db.writeLock().unlock();
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ restore

    /** See {@code SqliteStorage#restore}. */
    Optional<Path> restore(Path backup) {
        Objects.requireNonNull(backup, "backup must not be null");
        db.refuseIfReadOnly("restore");
        Path src = backup.toAbsolutePath().normalize();
        Path live = sqlite.file();
        if (!Files.isRegularFile(src)) {
            throw new StorageException("restore refused: backup " + src + " does not exist or is not a file");
        }
        String clash = SqliteFiles.liveFile(live, src);
        if (clash != null) {
            throw new StorageException("restore refused: " + src + " is " + clash);
        }
        Path tmp = live.resolveSibling("." + live.getFileName() + ".restore-" + UUID.randomUUID());
        try {
            // Verify and copy without holding any lock: the live database keeps serving meanwhile.
            try {
                Files.createDirectories(live.getParent()); // a store never initialised may have no directory
                Files.copy(src, tmp);
            } catch (IOException e) {
                throw new StorageException("restore refused: cannot copy " + src + ": " + e.getMessage(), e);
            }
            verifyBackup(src, tmp);
            return db.exclusively(() -> {
                // Another process with the file open would go on writing to the replaced file and lose it all.
                Path[] keptAside = {null};
                DatabaseLock.exclusively(
                        live, sqlite.holdsSharedLock(), "restore", () -> keptAside[0] = swapIn(tmp, live));
                ranks.clear(); // the rank indexes held the replaced database
                return Optional.ofNullable(keptAside[0]);
            });
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void verifyBackup(Path src, Path copy) {
        try (Connection c = sqlite.openDirect(copy, true)) {
            String problem = SqliteChecks.integrityProblem(c);
            if (problem != null) {
                throw new StorageException(
                        "restore refused: backup " + src + " failed its integrity check: " + problem);
            }
            String missing = SqliteChecks.missingSchema(SqliteChecks.vtTables(c));
            if (missing != null) {
                throw new StorageException(
                        "restore refused: " + src + " is not a VoiceTrack database (" + missing + ")");
            }
            int version;
            try {
                version = Migrations.recordedVersion(c);
            } catch (SQLException e) {
                throw new StorageException("restore refused: " + src + " is not a VoiceTrack database", e);
            }
            if (version > db.migrations().latest()) {
                throw new StorageException("restore refused: backup " + src + " has schema version " + version
                        + ", newer than this VoiceTrack supports ("
                        + db.migrations().latest() + ")");
            }
        } catch (SQLException e) {
            throw new StorageException("restore refused: backup " + src + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** What SQLite tells of the live file before a swap: another connection has it open, or it is no database. */
    private record LiveFile(@Nullable String busy, @Nullable String damaged) {}

    /**
     * First whether {@code live} is damaged: the same read-only quick_check as {@link #init()}, within
     * {@code checkBudget} (zero: none). A damaged file or one that is no database cannot be asked
     * whether another connection has it open; the OS lock, already held, is what guards it then.
     * Otherwise, whether another connection has it open, as far as SQLite can tell: leaving WAL mode
     * needs the only connection to the file, so {@code PRAGMA journal_mode=DELETE} fails with {@code
     * SQLITE_BUSY} while any other process (one that does not take {@link DatabaseLock}, say the sqlite3
     * shell) holds it open. The file is about to be replaced, so leaving WAL is harmless.
     */
    private static LiveFile inspectLive(Path live, Duration checkBudget) {
        if (!Files.exists(live)) {
            return new LiveFile(null, null);
        }
        if (!checkBudget.isZero()) {
            try {
                SqliteChecks.checkIntegrity(live, checkBudget);
            } catch (CorruptDatabaseException e) {
                return new LiveFile(null, e.getMessage());
            } catch (StorageException e) {
                // not known to be damaged: SQLite's own check below tells whether it is in use
            }
        }
        try (Connection c = SqliteChecks.openExisting(live, 0);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode=DELETE")) {
            rs.next();
            return new LiveFile(null, null);
        } catch (SQLException e) {
            if (SqliteChecks.isCorruption(e)) {
                return new LiveFile(null, e.getMessage());
            }
            return new LiveFile(
                    "the database " + live + " is open in another process (SQLite: " + e.getMessage()
                            + "). Stop the bot (or that process) first, then run restore again. Nothing was changed.",
                    null);
        }
    }

    private static final java.time.format.DateTimeFormatter ASIDE_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);

    /**
     * Swaps the verified copy in; called under the lifecycle write lock and the exclusive file lock.
     *
     * @return where a damaged live file was kept aside, or null
     */
    private @Nullable Path swapIn(Path copy, Path live) {
        boolean wasOpen = db.suspendPool();
        LiveFile state = inspectLive(live, sqlite.options().openCheckTimeout());
        if (state.busy() != null) {
            if (wasOpen) {
                db.resumePool();
            }
            throw new StorageException("restore refused: " + state.busy());
        }
        String aside = state.damaged() == null ? ".replaced-" + UUID.randomUUID() : damagedAside(live);
        List<String> suffixes = List.of("", "-wal", "-shm", "-journal");
        var moved = new ArrayList<String>();
        boolean copied = false;
        try {
            // The old WAL must go with the old file, or SQLite would replay it into the restored one.
            for (String suffix : suffixes) {
                Path p = Path.of(live + suffix);
                if (Files.exists(p)) {
                    Files.move(p, Path.of(live + aside + suffix), StandardCopyOption.ATOMIC_MOVE);
                    moved.add(suffix);
                }
            }
            Files.move(copy, live, StandardCopyOption.ATOMIC_MOVE);
            copied = true;
            if (wasOpen) {
                db.resumePool(); // verified, or the database that was running
            }
        } catch (IOException | RuntimeException e) {
            try {
                // Only files this swap put in place go; an original that was not moved aside yet stays.
                if (copied) {
                    for (String suffix : suffixes) {
                        Files.deleteIfExists(Path.of(live + suffix));
                    }
                }
                for (String suffix : moved) {
                    Files.move(Path.of(live + aside + suffix), Path.of(live + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
                moved.clear();
                if (wasOpen) {
                    db.resumePool(); // the database that was running
                }
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw new StorageException("restore failed, the previous database was put back: " + e.getMessage(), e);
        }
        if (state.damaged() != null) {
            Path kept = Path.of(live + aside);
            LOG.warn("restore: " + state.damaged() + "; the replaced file was kept as " + kept);
            return kept;
        }
        for (String suffix : moved) {
            deleteQuietly(Path.of(live + aside + suffix));
        }
        return null;
    }

    /** {@code .damaged-<UTC time>}, with a counter if a file of that name exists already. */
    private static String damagedAside(Path live) {
        String base = ".damaged-" + ASIDE_TIME.format(Instant.now());
        String name = base;
        for (int i = 2; Files.exists(Path.of(live + name)); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete " + p + ": " + e.getMessage());
        }
    }
}

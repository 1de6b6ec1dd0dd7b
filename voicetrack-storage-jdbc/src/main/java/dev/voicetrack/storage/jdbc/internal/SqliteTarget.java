package dev.voicetrack.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A SQLite file as a {@link Target}. Opening checks the file first ({@link SqliteChecks#prepareFile})
 * and, for a store that writes, takes one of this process's shared users of the file's OS lock
 * ({@link DatabaseLock}), which tells a restore in any process that the file is in use.
 */
final class SqliteTarget implements Target {

    private final SqliteOptions options;
    private final Path file;
    /** Whether this store holds one of this process's shared users of the file's lock. */
    private volatile boolean sharedLock;

    SqliteTarget(SqliteOptions options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.file = options.file().toAbsolutePath().normalize();
    }

    SqliteOptions options() {
        return options;
    }

    /** The database file, absolute and normalised (not resolved: see {@code SqliteFiles}). */
    Path file() {
        return file;
    }

    /** Whether this store currently holds a shared user of the file's lock (a restore must count it). */
    boolean holdsSharedLock() {
        return sharedLock;
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public boolean readOnly() {
        return options.readOnly();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public HikariConfig poolConfig() {
        var hc = new HikariConfig();
        hc.setReadOnly(options.readOnly());
        var ds = new SQLiteDataSource(connectionConfig(options.readOnly()));
        ds.setUrl("jdbc:sqlite:" + file);
        hc.setDataSource(ds);
        hc.setMaximumPoolSize(options.poolSize());
        hc.setPoolName("voicetrack-sqlite");
        hc.setConnectionTimeout(Math.max(30_000, options.busyTimeout().toMillis() * 2));
        hc.setMinimumIdle(1);
        return hc;
    }

    /** A connection outside the pool with the pool's pragmas (backups read and verify through these). */
    Connection openDirect(Path path, boolean readOnly) throws SQLException {
        return connectionConfig(readOnly).createConnection("jdbc:sqlite:" + path);
    }

    /** The pragmas of every SQLite connection (seed 002): WAL, NORMAL sync, 10,000-page cache, mmap. */
    private SQLiteConfig connectionConfig(boolean readOnly) {
        var cfg = new SQLiteConfig();
        cfg.setBusyTimeout((int) options.busyTimeout().toMillis());
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        if (readOnly) {
            cfg.setReadOnly(true);
        } else {
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
            cfg.setCacheSize(10_000);
            cfg.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(256L * 1024 * 1024));
        }
        return cfg;
    }

    @Override
    public void beforeOpen(boolean checkFirst) {
        SqliteChecks.prepareFile(options, file, checkFirst);
        if (!options.readOnly()) {
            // Only once the file is known sound (or new): a refused or read-only open (a migration's
            // source) leaves no file beside the database.
            lockShared();
        }
    }

    @Override
    public void released() {
        if (sharedLock) {
            sharedLock = false;
            DatabaseLock.releaseShared(file);
        }
    }

    /** The shared lock that tells a restore in another process that this store has the file open. */
    private void lockShared() {
        if (sharedLock) {
            return;
        }
        try {
            DatabaseLock.acquireShared(file);
            sharedLock = true;
        } catch (IOException e) {
            throw new StorageException(
                    "cannot lock " + DatabaseLock.lockFile(file) + " (it tells other processes that " + file
                            + " is open): " + e.getMessage(),
                    e);
        }
    }
}

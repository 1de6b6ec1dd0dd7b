package dev.voicetrack.storage.jdbc.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.Lifecycle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;

/**
 * The connection pool of one store, and the three ways work runs on it: {@link #read}
 * (auto-commit), {@link #snapshot} (one read transaction) and {@link #write} (one write transaction,
 * retried when PostgreSQL reports a deadlock or serialization failure).
 *
 * <p>Whether the store is initialised or closed is the kernel's {@link Lifecycle} (the store's own,
 * handed in): {@link #init()} and {@link #close()} only open and close the pool; every call checks the
 * lifecycle under the read lock below, so none runs against a pool being closed or swapped.
 *
 * <h2>Concurrency</h2>
 *
 * A read-write lock ({@code lifecycle}) guards the pool: every call holds its read side, so calls run
 * concurrently; {@link #init()}, {@link #exclusively} (a restore) and {@link #close()} hold its write
 * side, so a restore swaps the database file only when no call is using it and holds new calls until
 * the new file is open. On SQLite, write transactions also take {@link #writeLock()}: SQLite allows
 * one writer per file, and queueing in Java is fairer and cheaper than SQLite's busy handler (which
 * sleeps and retries); maintenance takes the same lock, so a tick waits for a VACUUM instead of
 * failing with {@code SQLITE_BUSY}. On PostgreSQL writes run concurrently; rows are always written in
 * (guild, user, ...) order, so two batches cannot deadlock on each other, and a transaction that fails
 * with a deadlock or serialization error is run again (at most {@value #MAX_ATTEMPTS} times).
 */
final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    static final int MAX_ATTEMPTS = 3;

    private final Target target;
    private final Dialect dialect;
    private final Migrations migrations;
    private final Clock clock;
    private final Lifecycle state;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock writeLock = new ReentrantLock(true);
    /** Kept read statements of each SQLite connection; a closed connection's are dropped (see query). */
    private final Map<Connection, KeptStatements> statements = new HashMap<>();

    private volatile @Nullable HikariDataSource pool;

    Database(Target target, String migrationsDir, Clock clock, Lifecycle state) {
        this.target = target;
        this.dialect = target.dialect();
        this.migrations = new Migrations(dialect, migrationsDir);
        this.clock = clock;
        this.state = state;
    }

    Dialect dialect() {
        return dialect;
    }

    Clock clock() {
        return clock;
    }

    Migrations migrations() {
        return migrations;
    }

    /** The database for messages: a file path, or a JDBC URL with any password hidden. */
    String describe() {
        return target.describe();
    }

    /** The lock SQLite writes of this process queue on; unused (never taken by writes) on PostgreSQL. */
    ReentrantLock writeLock() {
        return writeLock;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Opens the pool and migrates; see {@code JdbcStorage#init()}. Called once, by the kernel's {@code
     * init()}, which checks the lifecycle and marks the store initialised after it.
     */
    void init() {
        lifecycle.writeLock().lock();
        try {
            state.checkOpen();
            try {
                pool = openPool(true);
            } catch (RuntimeException e) {
                target.released();
                throw e;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Opens a pool and migrates the database (a read-only store only checks its schema version);
     * closes the pool again if that fails. An existing SQLite file is integrity-checked first when
     * {@code checkFirst}.
     */
    private HikariDataSource openPool(boolean checkFirst) {
        target.beforeOpen(checkFirst);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(target.poolConfig());
        } catch (RuntimeException e) {
            throw new StorageException(
                    "cannot open the " + dialect.kind() + " database " + describe() + ": " + rootMessage(e), e);
        }
        try (Connection c = ds.getConnection()) {
            if (target.readOnly()) {
                checkReadableSchema(c);
            } else {
                c.setAutoCommit(false);
                try {
                    migrations.migrate(c, clock);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        } catch (SQLException | RuntimeException e) {
            ds.close();
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException(
                    "cannot migrate the " + dialect.kind() + " database " + describe() + ": " + rootMessage(e), e);
        }
        return ds;
    }

    /**
     * A read-only store reads the schema as it is: version 1 (whose tables an export reads) up to
     * this build's, without creating the version table.
     */
    private void checkReadableSchema(Connection c) throws SQLException {
        int version;
        try {
            version = Migrations.recordedVersion(c);
        } catch (SQLException e) {
            throw new StorageException(
                    "the " + dialect.kind() + " database " + describe()
                            + " is not a VoiceTrack database (it has no vt_schema_version table)",
                    e);
        }
        if (version < 1) {
            throw new StorageException("the " + dialect.kind() + " database " + describe()
                    + " is not a VoiceTrack database (no schema version recorded)");
        }
        if (version > migrations.latest()) {
            throw new StorageException("database schema version " + version + " of " + describe()
                    + " is newer than this VoiceTrack supports (" + migrations.latest() + "); upgrade VoiceTrack");
        }
    }

    private HikariDataSource ready() {
        state.checkReady();
        HikariDataSource ds = pool;
        if (ds == null) { // a restore could not reopen the database it swapped in
            throw new StorageException("the " + dialect.kind() + " database " + describe()
                    + " is not open: reopening it after a restore failed; restart the store");
        }
        return ds;
    }

    /**
     * Closes the pool, once the calls in progress are done, and releases the file. Called once, by the
     * kernel's {@code close()}, which has already marked the store closed.
     */
    void close() {
        lifecycle.writeLock().lock();
        try {
            HikariDataSource ds = pool;
            pool = null;
            if (ds != null) {
                ds.close();
            }
            target.released();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Runs {@code work} with no call in progress and new ones held until it returns (a restore swaps
     * the file meanwhile, see {@link #suspendPool()}).
     *
     * @throws StorageException if the store is closed
     */
    <T> T exclusively(Supplier<T> work) {
        lifecycle.writeLock().lock();
        try {
            state.checkOpen();
            return work.get();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Closes the pool for a file swap; returns whether one was open. Only inside {@link #exclusively}. */
    boolean suspendPool() {
        HikariDataSource old = pool;
        pool = null;
        if (old != null) {
            old.close();
        }
        return old != null;
    }

    /**
     * Opens the pool again after {@link #suspendPool()}, migrating without a new integrity check (the
     * file is a verified backup or the one that was running); no effect if it is open. Only inside
     * {@link #exclusively}.
     */
    void resumePool() {
        if (pool == null) {
            pool = openPool(false);
        }
    }

    /** Runs {@code work} with the pool of an initialised store; calls of others go on beside it. */
    <T> T withPool(Function<HikariDataSource, T> work) {
        lifecycle.readLock().lock();
        try {
            return work.apply(ready());
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The migration version recorded in the database. */
    int migrationVersion() {
        return read("migrationVersion", Migrations::currentVersion);
    }

    /** @throws StorageException naming {@code op} if the store is read-only */
    void refuseIfReadOnly(String op) {
        if (target.readOnly()) {
            throw new StorageException(op + " refused: " + describe() + " is open read-only, nothing was written");
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** Work on a connection the caller lends: it must not close it, nor keep it beyond the call. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work on a prepared statement that may be kept for the next call: bind, run, never close. */
    @FunctionalInterface
    interface StatementWork<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    /**
     * Runs work on a prepared statement of {@code sql}. On SQLite the statement is prepared once per
     * connection and kept (for the hot reads: leaderboards and ranks), since preparing costs more than
     * running a small query; sqlite-jdbc finalises a connection's statements when it closes. The
     * PostgreSQL driver caches prepared statements on its own.
     */
    <T> T query(Connection c, String sql, StatementWork<T> work) throws SQLException {
        if (dialect != Dialect.SQLITE) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                return work.run(ps);
            }
        }
        Connection raw = c.unwrap(SQLiteConnection.class);
        KeptStatements mine;
        synchronized (statements) {
            mine = statements.get(raw);
            if (mine == null) {
                // a connection the pool has not handed out before: forget those it has closed since
                statements.keySet().removeIf(Database::isClosedQuietly);
                mine = new KeptStatements();
                statements.put(raw, mine);
            }
        }
        PreparedStatement ps = mine.get(sql); // the connection is this thread's until it goes back to the pool
        if (ps == null || ps.isClosed()) {
            ps = raw.prepareStatement(sql);
            mine.put(sql, ps);
        }
        return work.run(ps);
    }

    /** The kept statements of one connection: the 64 used last (a leaderboard's text depends on its limit). */
    private static final class KeptStatements extends LinkedHashMap<String, PreparedStatement> {
        private static final long serialVersionUID = 1L;
        private static final int MAX = 64;

        KeptStatements() {
            super(16, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX) {
                return false;
            }
            try {
                eldest.getValue().close();
            } catch (SQLException e) {
                LOG.debug("closing a kept statement failed", e);
            }
            return true;
        }
    }

    private static boolean isClosedQuietly(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Runs read-only work on a pooled connection in auto-commit mode. */
    <T> T read(String op, Work<T> work) {
        lifecycle.readLock().lock();
        try {
            HikariDataSource ds = ready();
            try (Connection c = ds.getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                throw new StorageException(op + " failed: " + e.getMessage(), e);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs read-only work in one transaction, so that it sees one snapshot. */
    <T> T snapshot(String op, Work<T> work) {
        return read(op, c -> {
            if (dialect == Dialect.POSTGRES) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            return inTransaction(c, work);
        });
    }

    /** Runs work in one write transaction: all of it commits or none of it does. */
    <T> T write(String op, Work<T> work) {
        lifecycle.readLock().lock();
        try {
            HikariDataSource ds = ready();
            refuseIfReadOnly(op);
            boolean serial = dialect.serializesWrites();
            if (serial) {
                writeLock.lock();
            }
            try {
                for (int attempt = 1; ; attempt++) {
                    try (Connection c = ds.getConnection()) {
                        return inTransaction(c, work);
                    } catch (SQLException e) {
                        if (attempt < MAX_ATTEMPTS && dialect.isRetryable(e)) {
                            continue;
                        }
                        throw new StorageException(op + " failed, nothing was written: " + e.getMessage(), e);
                    }
                }
            } finally {
                if (serial) {
                    writeLock.unlock();
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs work in one transaction on {@code c}: commits what it did, or rolls it all back and rethrows. */
    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    private static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    /** The single number {@code sql} returns (a count, a pragma). */
    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs an update with long arguments; returns the rows it changed. */
    static int update(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}

package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.storage.jdbc.internal.JdbcStore;
import java.nio.file.Path;

/**
 * A {@link Storage} on SQLite or PostgreSQL through JDBC, with a connection pool (HikariCP) and
 * versioned migrations applied by {@link #init()}.
 *
 * <pre>{@code
 * JdbcStorage storage = JdbcStorage.sqlite(SqliteOptions.defaults()); // ./data/voice-tracker.db
 * storage.init();
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * Everything {@link Storage} promises, plus:
 *
 * <ul>
 *   <li><b>Writes.</b> {@link #apply} is one transaction of multi-row upserts (100 rows per
 *       statement) that add to the stored totals ({@code x = x + excluded.x}) and return the new member
 *       totals; increments of one member, channel or day within a batch are summed first, so a tick
 *       writes each row it touches once. Nothing is ever written back from a copy of a member, and no
 *       write deletes rows it does not name.
 *   <li><b>Ranks.</b> The all-time rank of a member of a guild with 20,000 members or more comes from
 *       an index in memory (built from the database at the first rank query of that guild and metric,
 *       then kept up to date by this store's own writes; 16 bytes per member per metric), in
 *       microseconds instead of a count of everyone ahead. It stays exact when other processes write
 *       the same database: every write moves a per-guild sequence ({@code vt_guild_writes}), and an
 *       index that missed a write is rebuilt. Smaller guilds and windowed ranks are counted in SQL.
 *   <li><b>Time</b> is stored as epoch milliseconds, days as epoch days.
 *   <li><b>Sorting.</b> Every leaderboard and rank orders by a fixed column chosen by the {@code
 *       Metric} enum; no SQL is ever built from caller strings.
 *   <li><b>SQLite</b> runs in WAL mode with {@code synchronous=NORMAL}; writes of one process are
 *       serialised in Java (SQLite has one writer) and reads run beside them. The busy timeout
 *       applies to other processes using the same file.
 *   <li><b>Maintenance</b> ({@link StorageMaintenance}, what the JDA adapter's {@code /dbstats},
 *       {@code /backup} and {@code /optimize} use): {@link #stats()}, {@link #safeBackup} (SQLite
 *       only) and {@link #optimize()} under backend-neutral names.
 *   <li><b>Opening.</b> {@link #init()} on an existing SQLite file first runs {@code PRAGMA quick_check}
 *       on a read-only connection, before any pragma, migration or write, and throws {@link
 *       CorruptDatabaseException} if the file is damaged; the check has a time budget ({@link
 *       SqliteOptions#openCheckTimeout()}, 10 s by default: files up to about 1 GB are checked to the
 *       end, a larger one is opened after a warning, unchecked beyond its header and schema). A missing file is created unless {@link
 *       SqliteOptions#mustExist()}. A {@link SqliteOptions#readOnly() read-only} store (or {@link
 *       PostgresOptions#readOnly()}) never writes: no journal-mode change, no migration; writes,
 *       {@link #restore} and {@link #optimize} throw.
 *   <li><b>Thread safety.</b> Every method may be called from any thread. {@link #restore} waits for
 *       the calls in progress and holds new ones until it is done.
 * </ul>
 */
public interface JdbcStorage extends Storage, StorageMaintenance {

    /**
     * A SQLite store on {@code options.file()}; nothing is opened before {@link #init()}.
     *
     * @throws NullPointerException if {@code options} is null
     */
    static JdbcStorage sqlite(SqliteOptions options) {
        return JdbcStore.sqlite(options);
    }

    /**
     * A PostgreSQL store; nothing is opened before {@link #init()}.
     *
     * @throws NullPointerException if {@code options} is null
     */
    static JdbcStorage postgres(PostgresOptions options) {
        return JdbcStore.postgres(options);
    }

    /**
     * Claims the SQLite file {@code db} for one long-running writer (a bot) until the returned handle
     * is closed: an exclusive OS lock on a byte of {@code <db>.lock} that no store or command takes,
     * so stores and short commands (stats, backup) still open the file beside it, while a second claim
     * by any process is refused. The OS drops the lock with a process that dies, so it is never stale.
     *
     * @throws StorageException if another process (or another claim in this one) holds it, naming the
     *     file and, on Linux, the process; nothing is written to the database then
     */
    static OwnerClaim claimSqliteOwner(Path db) {
        JdbcStore.acquireOwner(db);
        var held = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (held.getAndSet(false)) {
                JdbcStore.releaseOwner(db);
            }
        };
    }

    /** A held {@link #claimSqliteOwner} claim; {@link #close()} releases it (again: no effect). */
    @FunctionalInterface
    interface OwnerClaim extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code sqlite} or {@code postgresql}. */
    String databaseKind();

    /**
     * Counts and size of what is stored (the original's {@code getStats()}). Cost: three {@code
     * count(*)} queries.
     *
     * @throws StorageException if the database cannot be read
     */
    StorageStats stats();

    /**
     * Writes a verified copy of the database to {@code target} (SQLite only), the original's {@code
     * safeBackup}: checks the integrity of the live database and that it holds the VoiceTrack schema,
     * copies it online ({@code VACUUM INTO}, a consistent snapshot that does not block writers) and
     * counts the rows of every {@code vt_} table in the snapshot it copied, then verifies the copy:
     * integrity check, the same tables, schema version and row counts. Only then is it moved into place
     * atomically. If another connection commits between the count and the copy, the copy is made again
     * with this store's writes held back (at most three attempts). Runs on the calling thread; call it
     * off the tick thread.
     *
     * <p>A target that is the live database or one of its {@code -wal}, {@code -shm}, {@code -journal}
     * or {@code .lock} files (compared by real path: symlinks and {@code ./x/../x} spellings count) is
     * refused. A live file that is missing, or holds no VoiceTrack tables (say it was deleted and
     * recreated empty under the store), is never "verified".
     *
     * @return true if {@code target} now holds a good copy; false if any step failed, in which case
     *     {@code target} and every other existing file are untouched
     * @throws UnsupportedOperationException on PostgreSQL (use {@code pg_dump})
     * @throws StorageException if the storage is closed or not initialised
     */
    boolean safeBackup(Path target);

    /**
     * Replaces the live database with a backup made by {@link #safeBackup} (SQLite only), with the
     * store running: the backup is verified first (integrity, the VoiceTrack tables and schema version),
     * then calls in progress finish, the database file is swapped atomically, migrations run, and
     * waiting calls go on against the restored data. The backup file itself is left as it is. A tracker
     * running on this store should clear its caches afterwards. On a store that was never initialised
     * (for instance because {@link #init()} refused a damaged file) the file is only swapped, without
     * opening the damaged one; migrations then run at the next {@link #init()}.
     *
     * <p>Refused while any other process, or another store of this process, has the database open:
     * it would go on writing to the replaced file, and everything it wrote would be lost. Every
     * initialised SQLite store holds a shared OS lock on {@code <db>.lock} until it is closed (the OS
     * drops it when a process dies, so it is never stale); a restore needs the exclusive lock, and
     * also checks with SQLite that no other connection (say the sqlite3 shell) has the file open.
     *
     * <p>A live file that is damaged (it fails the same quick_check as {@link #init()}, within {@link
     * SqliteOptions#openCheckTimeout()}) or is no database at all cannot be asked whether another
     * SQLite connection has it open; only the OS lock guards it then. Such a file is not deleted: it is
     * kept aside as {@code <db>.damaged-<UTC time>} (with its {@code -wal}/{@code -shm}/{@code
     * -journal} files), since it holds data VoiceTrack did not write.
     *
     * @return where the damaged live file was kept aside; empty if the replaced file was a sound
     *     database (it is deleted) or there was none
     * @throws StorageException naming the reason if the backup is missing, corrupt, not a VoiceTrack
     *     database or of a newer schema, or if another process has the database open (naming the file
     *     and, on Linux, the process); the live database is then untouched. Also if the swap failed (the
     *     previous database is then put back)
     * @throws UnsupportedOperationException on PostgreSQL (use {@code pg_restore})
     */
    java.util.Optional<Path> restore(Path backup);

    /**
     * Tidies the database: SQLite runs {@code PRAGMA optimize}, then {@code VACUUM} only if there are
     * free pages to reclaim, then truncates the WAL; writes of this process wait meanwhile (a tick is
     * delayed, never failed), reads go on. PostgreSQL runs {@code VACUUM (ANALYZE)} on the VoiceTrack
     * tables, which blocks nobody. Runs on the calling thread; call it off the tick thread. The
     * sizes it reports are measured the same way before and after: on SQLite the bytes on disk of the
     * file plus its WAL (after the final checkpoint the WAL is empty). The first optimize of a
     * database may report it a few pages larger: {@code PRAGMA optimize} stores the planner's
     * statistics ({@code sqlite_stat1}, {@code sqlite_stat4}) once.
     *
     * @throws StorageException if the database fails
     */
    OptimizeResult optimize();
    /** {@link #stats()}, with {@code SQLite} or {@code PostgreSQL} as the backend's name. */
    @Override
    default MaintenanceStats maintenanceStats() {
        StorageStats s = stats();
        return new MaintenanceStats(
                databaseKind().equals("sqlite") ? "SQLite" : "PostgreSQL",
                s.guilds(),
                s.users(),
                s.sessions(),
                s.databaseSizeBytes(),
                s.filename());
    }

    /** True on SQLite; PostgreSQL is backed up with {@code pg_dump}. */
    @Override
    default boolean supportsBackup() {
        return databaseKind().equals("sqlite");
    }

    /**
     * {@link #safeBackup(Path)}.
     *
     * @throws UnsupportedOperationException on PostgreSQL (use {@code pg_dump})
     */
    @Override
    default boolean backup(Path target) {
        if (!supportsBackup()) {
            throw new UnsupportedOperationException("backup is not supported on PostgreSQL: use pg_dump");
        }
        return safeBackup(target);
    }

    /** True on both databases. */
    @Override
    default boolean supportsOptimize() {
        return true;
    }

    /** {@link #optimize()}. */
    @Override
    default Optimized optimizeStorage() {
        OptimizeResult r = optimize();
        return new Optimized(r.took(), r.sizeBeforeBytes(), r.sizeAfterBytes());
    }
}

package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageOptimizer;
import dev.voicetrack.storage.jdbc.internal.JdbcStore;
import java.nio.file.Path;

/**
 * A {@link Storage} on SQLite or PostgreSQL through JDBC, with a connection pool (HikariCP) and
 * versioned migrations applied by {@link #init()}. It is one of two types, each made by its factory
 * from its options object: a {@link SqliteStorage} ({@link #sqlite}, {@link SqliteOptions}), which also
 * makes verified backups and restores them, and a {@link PostgresStorage} ({@link #postgres}, {@link
 * PostgresOptions}), backed up with the server's own tools. Code that backs up asks for the type
 * ({@code storage instanceof SqliteStorage sqlite}); no method of either throws {@link
 * UnsupportedOperationException} for its database.
 *
 * <pre>{@code
 * SqliteStorage storage = JdbcStorage.sqlite(SqliteOptions.defaults()); // ./data/voice-tracker.db
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
 *       totals; the storage kernel in core folds the batch first (increments of one member, channel or
 *       day summed, the streak run and latest last-seen found), so a tick writes each row it touches
 *       once, and the streak and last-seen rules run in the member upsert in the kernel's SQL form.
 *       Nothing is ever written back from a copy of a member, and no write deletes rows it does not
 *       name.
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
 *       {@code /backup} and {@code /optimize} use): {@link #stats()}, {@link #optimize()} and, on
 *       SQLite, {@link SqliteStorage#safeBackup} under backend-neutral names.
 *   <li><b>Opening.</b> {@link #init()} on an existing SQLite file first runs {@code PRAGMA quick_check}
 *       on a read-only connection, before any pragma, migration or write, and throws {@link
 *       CorruptDatabaseException} if the file is damaged; the check has a time budget ({@link
 *       SqliteOptions#openCheckTimeout()}, 10 s by default: files up to about 1 GB are checked to the
 *       end, a larger one is opened after a warning, unchecked beyond its header and schema). A missing file is created unless {@link
 *       SqliteOptions#mustExist()}. A {@link SqliteOptions#readOnly() read-only} store (or {@link
 *       PostgresOptions#readOnly()}) never writes: no journal-mode change, no migration; writes,
 *       {@link SqliteStorage#restore} and {@link #optimize} throw.
 *   <li><b>Thread safety.</b> Every method may be called from any thread. {@link SqliteStorage#restore}
 *       waits for the calls in progress and holds new ones until it is done.
 * </ul>
 */
public sealed interface JdbcStorage extends Storage, StorageOptimizer permits SqliteStorage, PostgresStorage {

    /**
     * A SQLite store on {@code options.file()}; nothing is opened before {@link #init()}.
     *
     * @throws NullPointerException if {@code options} is null
     */
    static SqliteStorage sqlite(SqliteOptions options) {
        return JdbcStore.sqlite(options);
    }

    /**
     * A PostgreSQL store; nothing is opened before {@link #init()}.
     *
     * @throws NullPointerException if {@code options} is null
     */
    static PostgresStorage postgres(PostgresOptions options) {
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

    /** {@link #optimize()}. */
    @Override
    default Optimized optimizeStorage() {
        OptimizeResult r = optimize();
        return new Optimized(r.took(), r.sizeBeforeBytes(), r.sizeAfterBytes());
    }
}

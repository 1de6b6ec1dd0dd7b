package dev.voicetrack.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.RankIndex;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.CorruptDatabaseException;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.OptimizeResult;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteFiles;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.StorageStats;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * The JDBC store behind {@link JdbcStorage}.
 *
 * <h2>Concurrency</h2>
 *
 * A read-write lock ({@code lifecycle}) guards the pool: every operation holds its read side, so
 * they run concurrently; {@link #init()}, {@link #restore} and {@link #close()} hold its write side,
 * so a restore swaps the database file only when no call is using it and holds new calls until the
 * new file is open. On SQLite, write transactions also take {@code writeLock}: SQLite allows one
 * writer per file, and queueing in Java is fairer and cheaper than SQLite's busy handler (which sleeps
 * and retries). {@link #optimize()} takes the same lock, so a tick waits for a VACUUM instead of
 * failing with {@code SQLITE_BUSY}. On PostgreSQL writes run concurrently; rows are always written in
 * (guild, user, ...) order, so two batches cannot deadlock on each other, and a transaction that
 * fails with a deadlock or serialization error is run again (at most three times).
 *
 * <h2>Writes</h2>
 *
 * {@link #apply} sums a batch's increments per member, per (member, channel) and per (member, day,
 * channel) in Java, checks the sums for overflow, then writes each table with multi-row upserts in
 * key order ({@link MultiRow}) in one transaction; the member upserts return the new totals. On
 * SQLite, members whose increments hold no message and no session get an upsert that leaves those
 * columns alone, which spares the messages index. The streak is folded in SQL: the days of a batch are
 * reduced to the strictly increasing sequence that can change it (usually one day), the first applied
 * by the member upsert, any later ones by an UPDATE each.
 */
public final class JdbcStore implements JdbcStorage {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final int MAX_ATTEMPTS = 3;

    private final Dialect dialect;
    private final Migrations migrations;
    private final Clock clock;
    private final @Nullable SqliteOptions sqlite;
    private final @Nullable PostgresOptions postgres;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final RankCache ranks = new RankCache();
    /** Guilds with fewer members are ranked in SQL; see {@link RankCache#MIN_MEMBERS}. */
    private volatile long rankIndexMinMembers = RankCache.MIN_MEMBERS;

    private final AtomicLong rankIndexBuilds = new AtomicLong();
    /** Kept read statements of each SQLite connection; a closed connection's are dropped (see query). */
    private final Map<Connection, KeptStatements> statements = new HashMap<>();

    private volatile @Nullable HikariDataSource pool;
    private volatile boolean initialized;
    private volatile boolean closed;
    /** Whether this store holds one of this process's shared users of the SQLite file's lock. */
    private volatile boolean sharedLock;

    private JdbcStore(
            Dialect dialect,
            String migrationsDir,
            Clock clock,
            @Nullable SqliteOptions sqlite,
            @Nullable PostgresOptions postgres) {
        this.dialect = dialect;
        this.migrations = new Migrations(dialect, migrationsDir);
        this.clock = clock;
        this.sqlite = sqlite;
        this.postgres = postgres;
    }

    public static JdbcStore sqlite(SqliteOptions options) {
        return sqlite(options, Dialect.SQLITE.migrationsResourceDir());
    }

    /** A SQLite store whose migrations come from another resource directory (tests). */
    public static JdbcStore sqlite(SqliteOptions options, String migrationsDir) {
        Objects.requireNonNull(options, "options must not be null");
        return new JdbcStore(Dialect.SQLITE, migrationsDir, options.clock(), options, null);
    }

    public static JdbcStore postgres(PostgresOptions options) {
        return postgres(options, Dialect.POSTGRES.migrationsResourceDir());
    }

    /** A PostgreSQL store whose migrations come from another resource directory (tests). */
    public static JdbcStore postgres(PostgresOptions options, String migrationsDir) {
        Objects.requireNonNull(options, "options must not be null");
        return new JdbcStore(Dialect.POSTGRES, migrationsDir, options.clock(), null, options);
    }

    // ------------------------------------------------------------------ SQL

    /** Adds a member's increments; returns its new totals. */
    static final MultiRow MEMBER_UPSERT = new MultiRow(
                    "INSERT INTO vt_members (guild_id, user_id, voice_ms, xp, level, sessions, messages,"
                            + " last_seen_ms, streak, last_active_day) VALUES ",
                    "(?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                    " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                            + " voice_ms = vt_members.voice_ms + excluded.voice_ms,"
                            + " xp = vt_members.xp + excluded.xp,"
                            + " sessions = vt_members.sessions + excluded.sessions,"
                            + " messages = vt_members.messages + excluded.messages,"
                            + " last_seen_ms = CASE WHEN excluded.last_seen_ms > vt_members.last_seen_ms"
                            + " THEN excluded.last_seen_ms ELSE vt_members.last_seen_ms END,"
                            + " streak = CASE WHEN excluded.last_active_day <= vt_members.last_active_day"
                            + " THEN vt_members.streak WHEN excluded.last_active_day = vt_members.last_active_day + 1"
                            + " THEN vt_members.streak + 1 ELSE 1 END,"
                            + " last_active_day = CASE WHEN excluded.last_active_day > vt_members.last_active_day"
                            + " THEN excluded.last_active_day ELSE vt_members.last_active_day END",
                    9)
            .returning("guild_id, user_id, xp, level, voice_ms, messages");

    /** {@link #MEMBER_UPSERT} for a member the batch adds no message and no session to. */
    static final MultiRow LEAN_MEMBER_UPSERT = new MultiRow(
            MEMBER_UPSERT.head(),
            MEMBER_UPSERT.tuple(),
            MEMBER_UPSERT
                    .tail()
                    .replace(" sessions = vt_members.sessions + excluded.sessions,", "")
                    .replace(" messages = vt_members.messages + excluded.messages,", ""),
            9);

    /** Moves a guild's write sequence; returns the value it replaced (0 for a new row) and the new one. */
    static final MultiRow GUILD_WRITE = new MultiRow(
                    "INSERT INTO vt_guild_writes (guild_id, seq, prev_seq) VALUES ",
                    "(?, ?, 0)",
                    " ON CONFLICT (guild_id) DO UPDATE SET prev_seq = vt_guild_writes.seq,"
                            + " seq = CASE WHEN excluded.seq > vt_guild_writes.seq THEN excluded.seq"
                            + " ELSE vt_guild_writes.seq + 1 END",
                    2)
            .returning("guild_id, prev_seq, seq");

    private static final String STREAK_STEP = "UPDATE vt_members SET"
            + " streak = CASE WHEN ? <= last_active_day THEN streak WHEN ? = last_active_day + 1 THEN streak + 1"
            + " ELSE 1 END,"
            + " last_active_day = CASE WHEN ? > last_active_day THEN ? ELSE last_active_day END"
            + " WHERE guild_id = ? AND user_id = ?";

    static final MultiRow CHANNEL_UPSERT = new MultiRow(
            "INSERT INTO vt_member_channels (guild_id, user_id, channel_id, voice_ms, sessions) VALUES ",
            "(?, ?, ?, ?, ?)",
            " ON CONFLICT (guild_id, user_id, channel_id) DO UPDATE SET"
                    + " voice_ms = vt_member_channels.voice_ms + excluded.voice_ms,"
                    + " sessions = vt_member_channels.sessions + excluded.sessions",
            5);

    static final MultiRow DAILY_UPSERT = new MultiRow(
            "INSERT INTO vt_daily_activity (guild_id, user_id, day, channel_id, voice_ms, xp, messages) VALUES ",
            "(?, ?, ?, ?, ?, ?, ?)",
            " ON CONFLICT (guild_id, user_id, day, channel_id) DO UPDATE SET"
                    + " voice_ms = vt_daily_activity.voice_ms + excluded.voice_ms,"
                    + " xp = vt_daily_activity.xp + excluded.xp,"
                    + " messages = vt_daily_activity.messages + excluded.messages",
            7);

    private static final String SESSION_COLUMNS = "id, guild_id, user_id, channel_id, start_ms, end_ms,"
            + " last_accrual_ms, duration_ms, xp_earned, muted_ms, deafened_ms";

    private static final String SESSION_UPSERT = "INSERT INTO vt_sessions (" + SESSION_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " guild_id = excluded.guild_id, user_id = excluded.user_id, channel_id = excluded.channel_id,"
            + " start_ms = excluded.start_ms, end_ms = excluded.end_ms,"
            + " last_accrual_ms = excluded.last_accrual_ms, duration_ms = excluded.duration_ms,"
            + " xp_earned = excluded.xp_earned, muted_ms = excluded.muted_ms, deafened_ms = excluded.deafened_ms";

    private static final String ENSURE_MEMBER = "INSERT INTO vt_members (guild_id, user_id, voice_ms, xp, level,"
            + " sessions, messages, last_seen_ms, streak, last_active_day) VALUES (?, ?, 0, ?, ?, 0, 0, 0, 0, 0)";

    private static final String WINDOW_CTE = "WITH w AS (SELECT user_id, SUM(xp) AS xp, SUM(voice_ms) AS voice_ms,"
            + " SUM(messages) AS messages FROM vt_daily_activity WHERE guild_id = ? AND day BETWEEN ? AND ?"
            + " GROUP BY user_id HAVING SUM(voice_ms) > 0 OR SUM(xp) > 0 OR SUM(messages) > 0) ";

    /** The sort column of each metric: fixed strings, never built from input. */
    private static final Map<Metric, String> COLUMN = new EnumMap<>(
            Map.of(Metric.XP, "xp", Metric.VOICE_TIME, "voice_ms", Metric.LEVEL, "level", Metric.MESSAGES, "messages"));

    static final Map<Metric, String> BOARD = new EnumMap<>(Metric.class);
    static final Map<Metric, String> RANK = new EnumMap<>(Metric.class);
    static final Map<Metric, String> WINDOW_BOARD = new EnumMap<>(Metric.class);
    static final Map<Metric, String> WINDOW_RANK = new EnumMap<>(Metric.class);
    /** A member's value of the metric and its guild's write sequence, for a rank from memory. */
    static final Map<Metric, String> VALUE_AND_SEQ = new EnumMap<>(Metric.class);

    static {
        for (Metric m : Metric.values()) {
            String col = COLUMN.get(m);
            VALUE_AND_SEQ.put(
                    m,
                    "SELECT me." + col + ", COALESCE((SELECT seq FROM vt_guild_writes WHERE guild_id = ?), 0)"
                            + " FROM vt_members me WHERE me.guild_id = ? AND me.user_id = ?");
            BOARD.put(
                    m,
                    "SELECT user_id, xp, voice_ms, messages, level FROM vt_members WHERE guild_id = ?" + " ORDER BY "
                            + col + " DESC, user_id");
            RANK.put(
                    m,
                    // two counts, each a range of the metric's index (one with OR would scan the guild)
                    "SELECT (SELECT COUNT(*) FROM vt_members o WHERE o.guild_id = me.guild_id AND o." + col + " > me."
                            + col + ") + (SELECT COUNT(*) FROM vt_members o WHERE o.guild_id = me.guild_id AND o." + col
                            + " = me." + col + " AND o.user_id < me.user_id) + 1"
                            + " FROM vt_members me WHERE me.guild_id = ? AND me.user_id = ?");
            if (m != Metric.LEVEL) {
                WINDOW_BOARD.put(
                        m,
                        WINDOW_CTE + "SELECT w.user_id, w.xp, w.voice_ms, w.messages, COALESCE(m.level, 0)"
                                + " FROM w LEFT JOIN vt_members m ON m.guild_id = ? AND m.user_id = w.user_id"
                                + " ORDER BY w." + col + " DESC, w.user_id");
                WINDOW_RANK.put(
                        m,
                        WINDOW_CTE + "SELECT (SELECT COUNT(*) FROM w o WHERE o." + col + " > me." + col + " OR (o."
                                + col + " = me." + col + " AND o.user_id < me.user_id)) + 1 FROM w me"
                                + " WHERE me.user_id = ?");
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public String databaseKind() {
        return dialect.kind();
    }

    @Override
    public void init() {
        lifecycle.writeLock().lock();
        try {
            ensureOpen();
            if (initialized) {
                return;
            }
            try {
                pool = openPool(true);
            } catch (RuntimeException e) {
                unlockShared();
                throw e;
            }
            initialized = true;
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
        if (sqlite != null) {
            prepareSqliteFile(checkFirst);
            if (!readOnly()) {
                // Only once the file is known sound (or new): a refused or read-only open (a migration's
                // source) leaves no file beside the database.
                lockShared();
            }
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(poolConfig());
        } catch (RuntimeException e) {
            throw new StorageException(
                    "cannot open the " + dialect.kind() + " database " + describe() + ": " + rootMessage(e), e);
        }
        try (Connection c = ds.getConnection()) {
            if (readOnly()) {
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

    private boolean readOnly() {
        return sqlite != null
                ? sqlite.readOnly()
                : Objects.requireNonNull(postgres).readOnly();
    }

    /**
     * Before any connection with pragmas opens the file: refuses a missing file when it must exist
     * (else creates its directory), and integrity-checks an existing one.
     */
    private void prepareSqliteFile(boolean checkFirst) {
        SqliteOptions o = Objects.requireNonNull(sqlite);
        Path file = sqliteFile();
        if (!Files.exists(file)) {
            if (o.mustExist()) {
                throw new StorageException("the SQLite database " + file + " does not exist (nothing was created)");
            }
            try {
                Path dir = file.getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                throw new StorageException("cannot create the directory of " + file + ": " + e, e);
            }
            LOG.debug("creating a new SQLite database at " + file);
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new StorageException("the SQLite database " + file + " is not a regular file");
        }
        if (checkFirst && !o.openCheckTimeout().isZero()) {
            checkIntegrity(file, o.openCheckTimeout());
        }
    }

    /**
     * {@code PRAGMA quick_check} of an existing file on a read-only connection that sets no journal
     * mode, so nothing is written to a damaged file. quick_check reads every page of every table and
     * index: it finds torn or overwritten pages, bad b-tree structure, pages used twice or lost, bad
     * record formats and NOT NULL violations, but not an index whose entries differ from its table
     * (only {@code integrity_check}, run with every backup, compares those). A progress handler stops
     * the check when the budget is spent; quick_check gives its verdict only at its end, so such a file
     * is opened with a warning and only its header and schema read (a damaged schema still fails the
     * open), and the full {@code integrity_check} of each backup is what covers it.
     *
     * @throws CorruptDatabaseException if the check reports a problem or the file is not a database
     */
    private static void checkIntegrity(Path file, Duration budget) {
        long started = System.nanoTime();
        boolean[] cut = {false};
        var problems = new ArrayList<String>();
        try (Connection c = readOnlyConnection(file)) {
            ProgressHandler.setHandler(c, 1_000, new ProgressHandler() {
                @Override
                protected int progress() {
                    if (System.nanoTime() - started > budget.toNanos()) {
                        cut[0] = true;
                        return 1; // interrupts the statement
                    }
                    return 0;
                }
            });
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA quick_check(" + MAX_REPORTED_PROBLEMS + ")")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (cut[0]) {
                LOG.warn("the integrity check of " + file + " did not finish within " + budget.toMillis()
                        + " ms and was stopped; opening it without a verdict (every backup runs a full"
                        + " integrity_check)");
                return;
            }
            if (isCorruption(e)) {
                throw new CorruptDatabaseException(file, e.getMessage());
            }
            throw new StorageException("cannot check the SQLite database " + file + ": " + e.getMessage(), e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw new CorruptDatabaseException(file, "PRAGMA quick_check reported " + summary(problems));
        }
        LOG.debug("integrity check of " + file + " passed in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    /** Problems of a damaged file asked of quick_check, at most (it stops there). */
    private static final int MAX_REPORTED_PROBLEMS = 10;

    /** The first three problems, and how many more quick_check reported. */
    private static String summary(List<String> problems) {
        List<String> real = problems.stream()
                .filter(p -> !p.startsWith("*** in database"))
                .map(p -> p.replace('\n', ' '))
                .toList();
        String shown = String.join("; ", real.subList(0, Math.min(3, real.size())));
        int more = real.size() - 3;
        return shown
                + (more <= 0
                        ? ""
                        : "; and " + (real.size() >= MAX_REPORTED_PROBLEMS ? "at least " : "") + more + " more");
    }

    private static boolean isCorruption(SQLException e) {
        int code = e instanceof org.sqlite.SQLiteException se ? se.getResultCode().code : e.getErrorCode();
        int primary = code & 0xff;
        return primary == 11 /* SQLITE_CORRUPT */ || primary == 26 /* SQLITE_NOTADB */;
    }

    /** A connection that can only read and sets nothing that could write (no journal mode). */
    private static Connection readOnlyConnection(Path file) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    /**
     * A read-only store reads the schema as it is: version 1 (whose tables an export reads) up to
     * this build's, without creating the version table.
     */
    private void checkReadableSchema(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM vt_schema_version")) {
            rs.next();
            version = rs.getInt(1);
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

    private HikariConfig poolConfig() {
        var hc = new HikariConfig();
        hc.setReadOnly(readOnly());
        if (sqlite != null) {
            Path file = sqliteFile();
            var ds = new SQLiteDataSource(sqliteConfig(sqlite.readOnly()));
            ds.setUrl("jdbc:sqlite:" + file);
            hc.setDataSource(ds);
            hc.setMaximumPoolSize(sqlite.poolSize());
            hc.setPoolName("voicetrack-sqlite");
            hc.setConnectionTimeout(Math.max(30_000, sqlite.busyTimeout().toMillis() * 2));
        } else {
            PostgresOptions o = Objects.requireNonNull(postgres);
            hc.setJdbcUrl(o.jdbcUrl());
            hc.setUsername(o.user());
            if (!o.password().isEmpty()) {
                hc.setPassword(o.password());
            }
            hc.setMaximumPoolSize(o.poolSize());
            hc.setConnectionTimeout(o.connectionTimeout().toMillis());
            // Checking an idle connection before lending it must not outlast the wait for one.
            hc.setValidationTimeout(
                    Math.max(250, Math.min(5_000, o.connectionTimeout().toMillis())));
            hc.setPoolName("voicetrack-postgres");
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            if (o.readOnly()) {
                hc.addDataSourceProperty("readOnlyMode", "always"); // refused in auto-commit mode too
            }
            String connect = Long.toString(wholeSeconds(o.connectTimeout()));
            hc.addDataSourceProperty("connectTimeout", connect);
            hc.addDataSourceProperty("loginTimeout", connect);
            if (!o.socketTimeout().isZero()) {
                hc.addDataSourceProperty("socketTimeout", Long.toString(wholeSeconds(o.socketTimeout())));
            }
            if (!o.statementTimeout().isZero()) {
                hc.addDataSourceProperty(
                        "options",
                        "-c statement_timeout=" + o.statementTimeout().toMillis());
            }
        }
        hc.setMinimumIdle(1);
        return hc;
    }

    /** A driver timeout in whole seconds, rounded up (the PostgreSQL driver counts in seconds). */
    private static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** The pragmas of every SQLite connection (seed 002): WAL, NORMAL sync, 10,000-page cache, mmap. */
    private SQLiteConfig sqliteConfig(boolean readOnly) {
        SqliteOptions o = Objects.requireNonNull(sqlite);
        var cfg = new SQLiteConfig();
        cfg.setBusyTimeout((int) o.busyTimeout().toMillis());
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

    private Path sqliteFile() {
        return Objects.requireNonNull(sqlite).file().toAbsolutePath().normalize();
    }

    private String describe() {
        return sqlite != null
                ? sqliteFile().toString()
                : redact(Objects.requireNonNull(postgres).jdbcUrl());
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    private HikariDataSource ready() {
        ensureOpen();
        HikariDataSource ds = pool;
        if (!initialized || ds == null) {
            throw new StorageException("storage is not initialized: call init() first");
        }
        return ds;
    }

    @Override
    public int schemaVersion() {
        return dev.voicetrack.core.storage.Storage.SCHEMA_VERSION;
    }

    /** The migration version recorded in the database. */
    public int migrationVersion() {
        return read("migrationVersion", Migrations::currentVersion);
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            closed = true;
            HikariDataSource ds = pool;
            pool = null;
            if (ds != null) {
                ds.close();
            }
            unlockShared();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** See {@link JdbcStorage#claimSqliteOwner}. */
    public static void acquireOwner(Path db) {
        DatabaseLock.acquireOwner(db);
    }

    /** Undoes {@link #acquireOwner}; no effect if not held. */
    public static void releaseOwner(Path db) {
        DatabaseLock.releaseOwner(db);
    }

    /** SQLite: the shared lock that tells a restore in another process that this store has the file open. */
    private void lockShared() {
        if (sqlite == null || sharedLock) {
            return;
        }
        try {
            DatabaseLock.acquireShared(sqliteFile());
            sharedLock = true;
        } catch (IOException e) {
            throw new StorageException(
                    "cannot lock " + DatabaseLock.lockFile(sqliteFile()) + " (it tells other processes that "
                            + sqliteFile() + " is open): " + e.getMessage(),
                    e);
        }
    }

    private void unlockShared() {
        if (sharedLock) {
            sharedLock = false;
            DatabaseLock.releaseShared(sqliteFile());
        }
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface StatementWork<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    /**
     * Runs work on a prepared statement of {@code sql}. On SQLite the statement is prepared once per
     * connection and kept (for the hot reads: leaderboards and ranks), since preparing costs more than
     * running a small query; sqlite-jdbc finalises a connection's statements when it closes. The
     * PostgreSQL driver caches prepared statements on its own.
     */
    private <T> T query(Connection c, String sql, StatementWork<T> work) throws SQLException {
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
                statements.keySet().removeIf(JdbcStore::isClosedQuietly);
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
    private <T> T read(String op, Work<T> work) {
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
    private <T> T snapshot(String op, Work<T> work) {
        return read(op, c -> {
            if (dialect == Dialect.POSTGRES) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
            }
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        });
    }

    /** What a committed write did to the members of one guild, for the rank indexes (null: drop them). */
    @FunctionalInterface
    private interface RankChanges<T> {
        @Nullable
        List<RankCache.Change> of(long guildId, T result);
    }

    /** For writes whose effect on ranks is not followed (admin operations): the guild's indexes are rebuilt. */
    private static final RankChanges<Object> DROP_INDEXES = (g, r) -> null;

    /**
     * Runs a write that changes member totals of {@code guildIds}: in the same transaction, first
     * moves the guilds' write sequences (taking their row locks, in guild order, before any member row),
     * then the work; once committed, brings the rank indexes along (see {@link RankCache}).
     */
    private <T> T rankedWrite(String op, Collection<Long> guildIds, Work<T> work, RankChanges<? super T> changes) {
        List<RankCache.Guild> held = ranks.begin(guildIds);
        try {
            var seqs = new HashMap<Long, long[]>();
            T result = write(op, c -> {
                seqs.clear(); // a retried transaction starts over
                moveWriteSeqs(c, guildIds, seqs);
                return work.run(c);
            });
            seqs.forEach((g, s) -> ranks.committed(g, s[0], s[1], () -> changes.of(g, result)));
            return result;
        } finally {
            ranks.end(held);
        }
    }

    /** Moves each guild's write sequence forward; puts {prev_seq, seq} per guild into {@code out}. */
    private void moveWriteSeqs(Connection c, Collection<Long> guildIds, Map<Long, long[]> out) throws SQLException {
        Instant now = clock.instant();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
        MultiRow.write(
                c,
                GUILD_WRITE,
                List.copyOf(new TreeSet<>(guildIds)),
                (ps, i, g) -> {
                    ps.setLong(i, g);
                    ps.setLong(i + 1, micros);
                },
                rs -> out.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)}));
    }

    /** Runs work in one write transaction: all of it commits or none of it does. */
    private <T> T write(String op, Work<T> work) {
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
                        c.setAutoCommit(false);
                        try {
                            T result = work.run(c);
                            c.commit();
                            return result;
                        } catch (SQLException | RuntimeException e) {
                            rollbackQuietly(c, e);
                            throw e;
                        }
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

    // ------------------------------------------------------------------ guilds

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        String text = read("guildConfig", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return text == null ? Optional.empty() : Optional.of(decodeConfig(guildId, text));
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        String text = ConfigCodec.encode(config);
        long now = clock.millis();
        write("saveGuildConfig", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO vt_guilds (guild_id, config, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (guild_id) DO UPDATE SET config = excluded.config,"
                            + " updated_at_ms = excluded.updated_at_ms")) {
                ps.setLong(1, guildId);
                ps.setString(2, text);
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Long> guildIds() {
        return read("guildIds", c -> {
            var out = new ArrayList<Long>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT guild_id FROM vt_guilds UNION SELECT guild_id FROM vt_members ORDER BY 1")) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return List.copyOf(out);
        });
    }

    // ------------------------------------------------------------------ apply

    @Override
    public List<MemberTotals> apply(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.isEmpty()) {
            return List.of();
        }
        BatchPlan plan = BatchPlan.of(batch);
        return rankedWrite(
                "apply", plan.guildIds(), c -> plan.write(c, dialect.serializesWrites()), (g, r) -> plan.changes(g));
    }

    /** Reads one member's totals (the member must exist). */
    private static MemberTotals memberTotals(Connection c, long guildId, long userId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT xp, level, voice_ms FROM vt_members WHERE guild_id = ? AND user_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("member " + userId + " of guild " + guildId + " vanished mid-write");
                }
                return new MemberTotals(guildId, userId, rs.getLong(1), rs.getInt(2), rs.getLong(3));
            }
        }
    }

    static String streakStepSql() {
        return STREAK_STEP;
    }

    static String sessionUpsertSql() {
        return SESSION_UPSERT;
    }

    // ------------------------------------------------------------------ levels and admin

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        Objects.requireNonNull(raises, "raises must not be null");
        var list = List.copyOf(raises);
        if (list.isEmpty()) {
            return List.of();
        }
        var guildIds = new HashSet<Long>();
        list.forEach(r -> guildIds.add(r.guildId()));
        return rankedWrite(
                "raiseLevels",
                guildIds,
                c -> {
                    var out = new ArrayList<LevelChange>();
                    try (PreparedStatement sel = c.prepareStatement(
                                    "SELECT level, xp FROM vt_members WHERE guild_id = ? AND user_id = ?"
                                            + dialect.forUpdate());
                            PreparedStatement upd = c.prepareStatement(
                                    "UPDATE vt_members SET level = ? WHERE guild_id = ? AND user_id = ?")) {
                        for (LevelRaise r : list) {
                            sel.setLong(1, r.guildId());
                            sel.setLong(2, r.userId());
                            int level;
                            long xp;
                            try (ResultSet rs = sel.executeQuery()) {
                                if (!rs.next()) {
                                    continue;
                                }
                                level = rs.getInt(1);
                                xp = rs.getLong(2);
                            }
                            if (r.level() > level) {
                                upd.setInt(1, r.level());
                                upd.setLong(2, r.guildId());
                                upd.setLong(3, r.userId());
                                upd.executeUpdate();
                                out.add(new LevelChange(r.guildId(), r.userId(), level, r.level(), xp));
                            }
                        }
                    }
                    return out;
                },
                JdbcStore::levelChanges);
    }

    /** The level changes of one guild, for the rank indexes (only the level index moves). */
    private static List<RankCache.Change> levelChanges(long guildId, List<LevelChange> changes) {
        var out = new ArrayList<RankCache.Change>();
        int level = Metric.LEVEL.ordinal();
        for (LevelChange lc : changes) {
            if (lc.guildId() == guildId) {
                long[] before = RankCache.unchanged();
                long[] after = RankCache.unchanged();
                before[level] = lc.oldLevel();
                after[level] = lc.newLevel();
                out.add(new RankCache.Change(lc.userId(), before, after));
            }
        }
        return out;
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
        return rankedWrite(
                "setXp",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            ENSURE_MEMBER
                                    + " ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = excluded.xp, level = excluded.level")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, xp);
                        ps.setInt(4, level);
                        ps.executeUpdate();
                    }
                    return memberTotals(c, guildId, userId);
                },
                DROP_INDEXES);
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        return rankedWrite(
                "setLevel",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            ENSURE_MEMBER + " ON CONFLICT (guild_id, user_id) DO UPDATE SET level = excluded.level")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, 0);
                        ps.setInt(4, level);
                        ps.executeUpdate();
                    }
                    return memberTotals(c, guildId, userId);
                },
                DROP_INDEXES);
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        return rankedWrite(
                "resetMember",
                List.of(guildId),
                c -> {
                    int updated = update(
                            c,
                            "UPDATE vt_members SET voice_ms = 0, xp = 0, level = 0, sessions = 0, messages = 0,"
                                    + " last_seen_ms = 0, streak = 0, last_active_day = 0 WHERE guild_id = ? AND user_id = ?",
                            guildId,
                            userId);
                    if (updated == 0) {
                        return false;
                    }
                    update(c, "DELETE FROM vt_member_channels WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    update(c, "DELETE FROM vt_daily_activity WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    update(c, "DELETE FROM vt_sessions WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    return true;
                },
                DROP_INDEXES);
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return rankedWrite(
                "deleteMember",
                List.of(guildId),
                c -> {
                    int members =
                            update(c, "DELETE FROM vt_members WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    update(c, "DELETE FROM vt_member_channels WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    update(c, "DELETE FROM vt_member_metadata WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    update(c, "DELETE FROM vt_daily_activity WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    int sessions =
                            update(c, "DELETE FROM vt_sessions WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    return members > 0 || sessions > 0;
                },
                DROP_INDEXES);
    }

    @Override
    public void deleteGuild(long guildId) {
        rankedWrite(
                "deleteGuild",
                List.of(guildId),
                c -> {
                    for (String table : GUILD_TABLES) {
                        update(c, "DELETE FROM " + table + " WHERE guild_id = ?", guildId);
                    }
                    return null;
                },
                DROP_INDEXES);
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        Map<String, String> puts = Map.copyOf(set);
        var removes = new LinkedHashSet<String>();
        for (String key : remove) {
            if (key != null) {
                removes.add(key);
            }
        }
        rankedWrite(
                "updateMetadata",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(ENSURE_MEMBER + " ON CONFLICT (guild_id, user_id) DO NOTHING")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, 0);
                        ps.setInt(4, 0);
                        ps.executeUpdate();
                    }
                    if (!puts.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO vt_member_metadata (guild_id, user_id, key, value) VALUES (?, ?, ?, ?)"
                                        + " ON CONFLICT (guild_id, user_id, key) DO UPDATE SET value = excluded.value")) {
                            for (var e : puts.entrySet()) {
                                ps.setLong(1, guildId);
                                ps.setLong(2, userId);
                                ps.setString(3, e.getKey());
                                ps.setString(4, e.getValue());
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    if (!removes.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "DELETE FROM vt_member_metadata WHERE guild_id = ? AND user_id = ? AND key = ?")) {
                            for (String key : removes) {
                                ps.setLong(1, guildId);
                                ps.setLong(2, userId);
                                ps.setString(3, key);
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    return null;
                },
                DROP_INDEXES);
    }

    private static int update(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return snapshot("member", c -> {
            long voice, xp, sessions, messages, lastSeen, lastDay;
            int level, streak;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT voice_ms, xp, level, sessions, messages, last_seen_ms, streak, last_active_day"
                            + " FROM vt_members WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    voice = rs.getLong(1);
                    xp = rs.getLong(2);
                    level = rs.getInt(3);
                    sessions = rs.getLong(4);
                    messages = rs.getLong(5);
                    lastSeen = rs.getLong(6);
                    streak = rs.getInt(7);
                    lastDay = rs.getLong(8);
                }
            }
            var channels = new HashMap<Long, MemberStats.ChannelStats>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT channel_id, voice_ms, sessions FROM vt_member_channels"
                            + " WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ch = rs.getLong(1);
                        channels.put(ch, new MemberStats.ChannelStats(ch, rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
            var metadata = new HashMap<String, String>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key, value FROM vt_member_metadata WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        metadata.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return Optional.of(new MemberStats(
                    guildId,
                    userId,
                    voice,
                    xp,
                    level,
                    sessions,
                    messages,
                    Instant.ofEpochMilli(lastSeen),
                    streak,
                    LocalDate.ofEpochDay(lastDay),
                    channels,
                    metadata));
        });
    }

    private static void checkRanked(Metric metric, @Nullable DayRange range) {
        Objects.requireNonNull(metric, "metric must not be null");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
        checkRanked(metric, range);
        return read("leaderboard", c -> {
            // LIMIT as a literal (a validated int): SQLite runs a top-N scan much faster when it knows N
            // at prepare time; the few statement texts this gives are kept per connection
            String sql =
                    (range == null ? BOARD.get(metric) : WINDOW_BOARD.get(metric)) + " LIMIT " + limit + " OFFSET ?";
            return query(c, sql, ps -> {
                int i = 1;
                if (range != null) {
                    ps.setLong(i++, guildId);
                    ps.setLong(i++, range.from().toEpochDay());
                    ps.setLong(i++, range.to().toEpochDay());
                }
                ps.setLong(i++, guildId);
                ps.setInt(i, offset);
                var out = new ArrayList<LeaderboardEntry>();
                try (ResultSet rs = ps.executeQuery()) {
                    int rank = offset;
                    while (rs.next()) {
                        out.add(new LeaderboardEntry(
                                ++rank, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)));
                    }
                }
                return out;
            });
        });
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        checkRanked(metric, range);
        if (range == null) {
            RankCache.Guild g = ranks.guild(guildId);
            @Nullable OptionalInt fromIndex = null;
            long builds = rankIndexBuilds.get();
            synchronized (g) {
                if (isLarge(g, guildId)) {
                    fromIndex = rankFromIndex(g, guildId, userId, metric);
                }
            }
            if (fromIndex != null) {
                if (rankIndexBuilds.get() != builds) {
                    ranks.enforceBound(); // an index was built: keep them all within the memory bound
                }
                return fromIndex;
            }
        }
        return countRank(guildId, userId, metric, range);
    }

    /** Whether a guild is large enough for rank indexes; its size is checked now and then. Holds g. */
    private boolean isLarge(RankCache.Guild g, long guildId) {
        if (g.large == 1) {
            return true;
        }
        if (g.large == -1 || ++g.sqlRanksSinceSizeCheck >= RankCache.SIZE_CHECK_EVERY) {
            g.sqlRanksSinceSizeCheck = 0;
            g.large = memberCount(guildId) >= rankIndexMinMembers ? 1 : 0;
        }
        return g.large == 1;
    }

    /**
     * The rank from the guild's index of the metric, (re)built when the database has writes the index
     * does not hold; waits for writes of this process in flight instead of rebuilding for them. Holds g.
     */
    private OptionalInt rankFromIndex(RankCache.Guild g, long guildId, long userId, Metric metric) {
        int m = metric.ordinal();
        String sql = VALUE_AND_SEQ.get(metric);
        int waits = 0;
        for (int builds = 0; ; ) {
            long[] valueAndSeq = read(
                    "rank",
                    c -> query(c, sql, ps -> {
                        ps.setLong(1, guildId);
                        ps.setLong(2, guildId);
                        ps.setLong(3, userId);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
                        }
                    }));
            if (valueAndSeq == null) {
                return OptionalInt.empty();
            }
            RankIndex idx = g.index[m];
            if (idx != null && g.seq[m] == valueAndSeq[1]) {
                int pos = idx.positionOf(valueAndSeq[0], userId);
                if (pos >= 0) {
                    g.used[m] = ranks.tick();
                    return OptionalInt.of(pos + 1);
                }
                g.drop(m); // cannot happen while the sequences agree; rebuild rather than answer wrong
            } else if (g.writesInFlight > 0 && waits < 4) {
                // most likely a write of ours that committed a moment ago; if it is not (another process
                // wrote meanwhile), give up waiting after 200 ms and rebuild
                waits++;
                try {
                    g.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("interrupted while waiting for a write to finish", e);
                }
                continue;
            }
            if (builds++ == 3) {
                // the guild is written faster than its index can be built: count instead
                return countRank(guildId, userId, metric, null);
            }
            buildIndex(g, guildId, metric);
        }
    }

    /** Reads a guild's entries of one metric and its write sequence in one snapshot into a new index. Holds g. */
    private void buildIndex(RankCache.Guild g, long guildId, Metric metric) {
        String col = COLUMN.get(metric);
        snapshot("rankIndex", c -> {
            long seq;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT COALESCE((SELECT seq FROM vt_guild_writes WHERE guild_id = ?), 0)")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            long[] values = new long[1024];
            long[] users = new long[1024];
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + col + ", user_id FROM vt_members"
                    + " WHERE guild_id = ? ORDER BY " + col + " DESC, user_id")) {
                ps.setFetchSize(10_000);
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (n == values.length) {
                            values = Arrays.copyOf(values, n * 2);
                            users = Arrays.copyOf(users, n * 2);
                        }
                        values[n] = rs.getLong(1);
                        users[n] = rs.getLong(2);
                        n++;
                    }
                }
            }
            var idx = new RankIndex();
            idx.load(values, users, n);
            rankIndexBuilds.incrementAndGet();
            g.index[metric.ordinal()] = idx;
            g.seq[metric.ordinal()] = seq;
            g.used[metric.ordinal()] = ranks.tick();
            return null;
        });
    }

    /** Sets the size from which a guild's all-time ranks come from memory (tests set 0 to use it always). */
    void rankIndexMinMembers(long members) {
        rankIndexMinMembers = members;
        ranks.clear();
    }

    /** How many rank indexes were built (read in full from the database) so far. */
    /** Sets the bound on entries over all rank indexes (tests). */
    void rankIndexMaxEntries(long max) {
        ranks.maxEntries(max);
    }

    /** How many rank indexes were dropped to stay within the bound (tests). */
    long rankIndexEvictions() {
        return ranks.evictions();
    }

    long rankIndexBuilds() {
        return rankIndexBuilds.get();
    }

    /** The rank counted in SQL. */
    private OptionalInt countRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return read("rank", c -> {
            String sql = range == null ? RANK.get(metric) : WINDOW_RANK.get(metric);
            return query(c, sql, ps -> {
                ps.setLong(1, guildId);
                if (range == null) {
                    ps.setLong(2, userId);
                } else {
                    ps.setLong(2, range.from().toEpochDay());
                    ps.setLong(3, range.to().toEpochDay());
                    ps.setLong(4, userId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalInt.of(Math.toIntExact(rs.getLong(1))) : OptionalInt.empty();
                }
            });
        });
    }

    @Override
    public long memberCount(long guildId) {
        return read("memberCount", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM vt_members WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        Objects.requireNonNull(range, "range must not be null");
        return read("activity", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT day, channel_id, voice_ms, xp, messages FROM vt_daily_activity WHERE guild_id = ?"
                            + " AND user_id = ? AND day BETWEEN ? AND ? ORDER BY day, channel_id")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                ps.setLong(3, range.from().toEpochDay());
                ps.setLong(4, range.to().toEpochDay());
                var out = new ArrayList<ActivityRow>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ActivityRow(
                                LocalDate.ofEpochDay(rs.getLong(1)),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<VoiceSession> openSessions() {
        return read("openSessions", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + SESSION_COLUMNS + " FROM vt_sessions WHERE end_ms IS NULL ORDER BY start_ms, id")) {
                return sessionsOf(ps);
            }
        });
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return read("sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SESSION_COLUMNS
                    + " FROM vt_sessions WHERE guild_id = ? AND user_id = ? ORDER BY start_ms DESC, id LIMIT ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                ps.setInt(3, limit);
                return sessionsOf(ps);
            }
        });
    }

    private static List<VoiceSession> sessionsOf(PreparedStatement ps) throws SQLException {
        var out = new ArrayList<VoiceSession>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long end = rs.getLong(6);
                Instant endAt = rs.wasNull() ? null : Instant.ofEpochMilli(end);
                out.add(new VoiceSession(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        Instant.ofEpochMilli(rs.getLong(5)),
                        endAt,
                        Instant.ofEpochMilli(rs.getLong(7)),
                        rs.getLong(8),
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getLong(11)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ snapshots

    /** One consistent read (a single transaction) of everything stored about the guild. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        return snapshot("exportGuild", c -> {
            GuildConfig config = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        config = decodeConfig(guildId, rs.getString(1));
                    }
                }
            }
            var channels = new HashMap<Long, Map<Long, MemberStats.ChannelStats>>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT user_id, channel_id, voice_ms, sessions FROM vt_member_channels WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ch = rs.getLong(2);
                        channels.computeIfAbsent(rs.getLong(1), u -> new HashMap<>())
                                .put(ch, new MemberStats.ChannelStats(ch, rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            var metadata = new HashMap<Long, Map<String, String>>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT user_id, key, value FROM vt_member_metadata WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        metadata.computeIfAbsent(rs.getLong(1), u -> new HashMap<>())
                                .put(rs.getString(2), rs.getString(3));
                    }
                }
            }
            var activity = new HashMap<Long, List<ActivityRow>>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, day, channel_id, voice_ms, xp, messages"
                    + " FROM vt_daily_activity WHERE guild_id = ? AND day BETWEEN ? AND ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, GuildSnapshot.ALL_DAYS.from().toEpochDay());
                ps.setLong(3, GuildSnapshot.ALL_DAYS.to().toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        activity.computeIfAbsent(rs.getLong(1), u -> new ArrayList<>())
                                .add(new ActivityRow(
                                        LocalDate.ofEpochDay(rs.getLong(2)),
                                        rs.getLong(3),
                                        rs.getLong(4),
                                        rs.getLong(5),
                                        rs.getLong(6)));
                    }
                }
            }
            var members = new ArrayList<GuildSnapshot.Member>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, voice_ms, xp, level, sessions, messages,"
                    + " last_seen_ms, streak, last_active_day FROM vt_members WHERE guild_id = ? ORDER BY user_id")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long user = rs.getLong(1);
                        var stats = new MemberStats(
                                guildId,
                                user,
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getInt(4),
                                rs.getLong(5),
                                rs.getLong(6),
                                Instant.ofEpochMilli(rs.getLong(7)),
                                rs.getInt(8),
                                LocalDate.ofEpochDay(rs.getLong(9)),
                                channels.getOrDefault(user, Map.of()),
                                metadata.getOrDefault(user, Map.of()));
                        members.add(new GuildSnapshot.Member(stats, activity.getOrDefault(user, List.of())));
                    }
                }
            }
            List<VoiceSession> sessions;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + SESSION_COLUMNS + " FROM vt_sessions WHERE guild_id = ? ORDER BY id")) {
                ps.setLong(1, guildId);
                sessions = sessionsOf(ps);
            }
            return new GuildSnapshot(guildId, config, members, sessions);
        });
    }

    /**
     * Replaces the guild's rows with the snapshot's, exactly (streaks and totals as they are, whatever
     * the activity rows say), in one transaction: a failure leaves the previous data.
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        long guildId = snapshot.guildId();
        String config = snapshot.config() == null ? null : ConfigCodec.encode(snapshot.config());
        long now = clock.millis();
        rankedWrite(
                "importGuild",
                List.of(snapshot.guildId()),
                c -> {
                    for (String table : GUILD_TABLES) {
                        update(c, "DELETE FROM " + table + " WHERE guild_id = ?", guildId);
                    }
                    if (config != null) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO vt_guilds (guild_id, config, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)")) {
                            ps.setLong(1, guildId);
                            ps.setString(2, config);
                            ps.setLong(3, now);
                            ps.setLong(4, now);
                            ps.executeUpdate();
                        }
                    }
                    try (PreparedStatement m =
                                    c.prepareStatement("INSERT INTO vt_members (guild_id, user_id, voice_ms, xp,"
                                            + " level, sessions, messages, last_seen_ms, streak, last_active_day)"
                                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                            PreparedStatement ch =
                                    c.prepareStatement("INSERT INTO vt_member_channels (guild_id, user_id,"
                                            + " channel_id, voice_ms, sessions) VALUES (?, ?, ?, ?, ?)");
                            PreparedStatement md = c.prepareStatement(
                                    "INSERT INTO vt_member_metadata (guild_id, user_id, key, value) VALUES (?, ?, ?, ?)");
                            PreparedStatement day = c.prepareStatement(
                                    "INSERT INTO vt_daily_activity (guild_id, user_id,"
                                            + " day, channel_id, voice_ms, xp, messages) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        for (GuildSnapshot.Member member : snapshot.members()) {
                            MemberStats s = member.stats();
                            m.setLong(1, guildId);
                            m.setLong(2, s.userId());
                            m.setLong(3, s.voiceTimeMs());
                            m.setLong(4, s.xp());
                            m.setInt(5, s.level());
                            m.setLong(6, s.sessions());
                            m.setLong(7, s.messages());
                            m.setLong(8, s.lastSeen().toEpochMilli());
                            m.setInt(9, s.streak());
                            m.setLong(10, s.lastActiveDay().toEpochDay());
                            m.addBatch();
                            for (MemberStats.ChannelStats cs : s.channels().values()) {
                                ch.setLong(1, guildId);
                                ch.setLong(2, s.userId());
                                ch.setLong(3, cs.channelId());
                                ch.setLong(4, cs.voiceTimeMs());
                                ch.setLong(5, cs.sessions());
                                ch.addBatch();
                            }
                            for (var e : s.metadata().entrySet()) {
                                md.setLong(1, guildId);
                                md.setLong(2, s.userId());
                                md.setString(3, e.getKey());
                                md.setString(4, e.getValue());
                                md.addBatch();
                            }
                            for (ActivityRow a : member.activity()) {
                                day.setLong(1, guildId);
                                day.setLong(2, s.userId());
                                day.setLong(3, a.day().toEpochDay());
                                day.setLong(4, a.channelId());
                                day.setLong(5, a.voiceMs());
                                day.setLong(6, a.xp());
                                day.setLong(7, a.messages());
                                day.addBatch();
                            }
                        }
                        m.executeBatch();
                        ch.executeBatch();
                        md.executeBatch();
                        day.executeBatch();
                    }
                    if (!snapshot.sessions().isEmpty()) {
                        // A session id is unique across guilds: a row of another guild with the same id moves here.
                        new BatchPlan.SessionWriter(snapshot.sessions()).write(c);
                    }
                    return null;
                },
                DROP_INDEXES);
    }

    private static final List<String> GUILD_TABLES = List.of(
            "vt_guilds", "vt_members", "vt_member_channels", "vt_member_metadata", "vt_daily_activity", "vt_sessions");

    private static GuildConfig decodeConfig(long guildId, String text) {
        try {
            return ConfigCodec.decode(text);
        } catch (IllegalArgumentException e) {
            throw new StorageException("the stored config of guild " + guildId + " is invalid: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ operations

    @Override
    public StorageStats stats() {
        return snapshot("stats", c -> {
            long guilds = count(
                    c, "SELECT COUNT(*) FROM (SELECT guild_id FROM vt_guilds UNION SELECT guild_id FROM vt_members) g");
            long users = count(c, "SELECT COUNT(*) FROM vt_members");
            long sessions = count(c, "SELECT COUNT(*) FROM vt_sessions");
            return new StorageStats(guilds, users, sessions, databaseSize(c), describe());
        });
    }

    private long databaseSize(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            return count(c, "PRAGMA page_count") * count(c, "PRAGMA page_size");
        }
        return count(c, "SELECT pg_database_size(current_database())");
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public OptimizeResult optimize() {
        refuseIfReadOnly("optimize");
        long started = System.nanoTime();
        lifecycle.readLock().lock();
        try {
            HikariDataSource ds = ready();
            if (dialect == Dialect.POSTGRES) {
                try (Connection c = ds.getConnection();
                        Statement s = c.createStatement()) {
                    long before = databaseSize(c);
                    s.execute("VACUUM (ANALYZE) vt_guilds, vt_members, vt_member_channels, vt_member_metadata,"
                            + " vt_daily_activity, vt_sessions, vt_schema_version");
                    return new OptimizeResult(
                            true, before, databaseSize(c), Duration.ofNanos(System.nanoTime() - started));
                } catch (SQLException e) {
                    throw new StorageException("optimize failed: " + e.getMessage(), e);
                }
            }
            writeLock.lock();
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                // Both sizes are bytes on disk (file plus WAL): page_count * page_size counts pages that
                // still sit in the WAL and not the WAL itself, so before and after measured different things.
                long before = bytesOnDisk();
                s.execute("PRAGMA optimize");
                boolean vacuum = count(c, "PRAGMA freelist_count") > 0;
                if (vacuum) {
                    s.execute("VACUUM");
                }
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                return new OptimizeResult(vacuum, before, bytesOnDisk(), Duration.ofNanos(System.nanoTime() - started));
            } catch (SQLException | IOException e) {
                throw new StorageException("optimize failed: " + e.getMessage(), e);
            } finally {
                writeLock.unlock();
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The SQLite file plus its WAL, in bytes on disk. */
    private long bytesOnDisk() throws IOException {
        Path live = sqliteFile();
        Path wal = Path.of(live + "-wal");
        return Files.size(live) + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    private void refuseIfReadOnly(String op) {
        if (readOnly()) {
            throw new StorageException(op + " refused: " + describe() + " is open read-only, nothing was written");
        }
    }

    private void requireSqlite(String op) {
        if (dialect != Dialect.SQLITE) {
            throw new UnsupportedOperationException(op + " is SQLite only; on PostgreSQL use pg_dump and pg_restore");
        }
    }

    private Connection openDirect(Path file, boolean readOnly) throws SQLException {
        return sqliteConfig(readOnly).createConnection("jdbc:sqlite:" + file);
    }

    /** Runs {@code PRAGMA integrity_check}; returns null if the database is sound, else what is wrong. */
    private static @Nullable String integrityProblem(Connection c) throws SQLException {
        var problems = new ArrayList<String>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        }
        return problems.equals(List.of("ok")) ? null : String.join("; ", problems);
    }

    /**
     * The tables every VoiceTrack database has from schema version 1 on; a backup or a restore source
     * without them is not a VoiceTrack database (or has lost its data).
     */
    private static final List<String> REQUIRED_TABLES;

    static {
        var t = new ArrayList<String>(GUILD_TABLES);
        t.add("vt_schema_version");
        REQUIRED_TABLES = List.copyOf(t);
    }

    /** A connection to an existing SQLite file that never creates one (a missing file is an error). */
    private static Connection openExisting(Path file, int busyTimeoutMs) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setBusyTimeout(busyTimeoutMs);
        cfg.resetOpenMode(SQLiteOpenMode.CREATE);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    /** The {@code vt_} tables of a database, sorted. */
    private static List<String> vtTables(Connection c) throws SQLException {
        var names = new TreeSet<String>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vt\\_%' ESCAPE '\\'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return List.copyOf(names);
    }

    /** Null if {@code tables} hold the VoiceTrack schema, else which tables are missing. */
    private static @Nullable String missingSchema(List<String> tables) {
        var missing = new ArrayList<String>();
        for (String t : REQUIRED_TABLES) {
            if (!tables.contains(t)) {
                missing.add(t);
            }
        }
        return missing.isEmpty() ? null : "tables missing: " + String.join(", ", missing);
    }

    /**
     * Row counts of {@code tables} and the schema version, read in one statement (one snapshot); the
     * version is under the key {@code "schema version"}.
     */
    private static Map<String, Long> rowCounts(Connection c, List<String> tables) throws SQLException {
        var sql = new StringBuilder("SELECT (SELECT COALESCE(MAX(version), 0) FROM vt_schema_version)");
        for (String t : tables) {
            sql.append(", (SELECT COUNT(*) FROM \"")
                    .append(t.replace("\"", "\"\""))
                    .append("\")");
        }
        var counts = new LinkedHashMap<String, Long>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            counts.put("schema version", rs.getLong(1));
            for (int i = 0; i < tables.size(); i++) {
                counts.put(tables.get(i), rs.getLong(i + 2));
            }
        }
        return counts;
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
                writeLock.lock();
            }
            try {
                long before = count(c, "PRAGMA data_version");
                Map<String, Long> counts = rowCounts(c, tables);
                Files.deleteIfExists(tmp);
                try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                    ps.setString(1, tmp.toString());
                    ps.execute();
                }
                if (count(c, "PRAGMA data_version") == before) {
                    return counts;
                }
            } finally {
                if (hold) {
                    writeLock.unlock();
                }
            }
        }
        return null;
    }

    @Override
    public boolean safeBackup(Path target) {
        Objects.requireNonNull(target, "target must not be null");
        requireSqlite("safeBackup");
        lifecycle.readLock().lock();
        try {
            ready();
            Path live = sqliteFile();
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
                try (Connection c = openExisting(
                        live, (int) Objects.requireNonNull(sqlite).busyTimeout().toMillis())) {
                    String problem = integrityProblem(c);
                    if (problem != null) {
                        LOG.error("backup refused: " + live + " failed its integrity check: " + problem);
                        return false;
                    }
                    List<String> tables = vtTables(c);
                    problem = missingSchema(tables);
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
                try (Connection c = openDirect(tmp, true)) {
                    String problem = integrityProblem(c);
                    if (problem == null) {
                        List<String> tables = vtTables(c);
                        problem = missingSchema(tables);
                        if (problem == null) {
                            Map<String, Long> actual = rowCounts(c, tables);
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
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public Optional<Path> restore(Path backup) {
        Objects.requireNonNull(backup, "backup must not be null");
        requireSqlite("restore");
        refuseIfReadOnly("restore");
        Path src = backup.toAbsolutePath().normalize();
        Path live = sqliteFile();
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
            lifecycle.writeLock().lock();
            try {
                ensureOpen();
                // Another process with the file open would go on writing to the replaced file and lose it all.
                Path[] keptAside = {null};
                DatabaseLock.exclusively(live, sharedLock, "restore", () -> keptAside[0] = swapIn(tmp, live));
                ranks.clear(); // the rank indexes held the replaced database
                return Optional.ofNullable(keptAside[0]);
            } finally {
                lifecycle.writeLock().unlock();
            }
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void verifyBackup(Path src, Path copy) {
        try (Connection c = openDirect(copy, true)) {
            String problem = integrityProblem(c);
            if (problem != null) {
                throw new StorageException(
                        "restore refused: backup " + src + " failed its integrity check: " + problem);
            }
            String missing = missingSchema(vtTables(c));
            if (missing != null) {
                throw new StorageException(
                        "restore refused: " + src + " is not a VoiceTrack database (" + missing + ")");
            }
            int version;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM vt_schema_version")) {
                rs.next();
                version = rs.getInt(1);
            } catch (SQLException e) {
                throw new StorageException("restore refused: " + src + " is not a VoiceTrack database", e);
            }
            if (version > migrations.latest()) {
                throw new StorageException("restore refused: backup " + src + " has schema version " + version
                        + ", newer than this VoiceTrack supports (" + migrations.latest() + ")");
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
                checkIntegrity(live, checkBudget);
            } catch (CorruptDatabaseException e) {
                return new LiveFile(null, e.getMessage());
            } catch (StorageException e) {
                // not known to be damaged: SQLite's own check below tells whether it is in use
            }
        }
        try (Connection c = openExisting(live, 0);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode=DELETE")) {
            rs.next();
            return new LiveFile(null, null);
        } catch (SQLException e) {
            if (isCorruption(e)) {
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
        boolean wasOpen = pool != null;
        HikariDataSource old = pool;
        pool = null;
        if (old != null) {
            old.close();
        }
        LiveFile state = inspectLive(live, Objects.requireNonNull(sqlite).openCheckTimeout());
        if (state.busy() != null) {
            if (wasOpen) {
                pool = openPool(false);
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
                pool = openPool(false); // verified, or the database that was running
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
                if (wasOpen && pool == null) {
                    pool = openPool(false); // the database that was running
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

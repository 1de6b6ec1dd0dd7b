package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.StorageArgs;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.StorageStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC store behind {@link JdbcStorage}, a backend of the storage kernel ({@link AbstractStorage}:
 * it checks the arguments, keeps the lifecycle and folds each batch; this class implements its
 * primitives). {@link SqliteStore} and {@link PostgresStore} add what differs between the databases
 * (the size of the data, maintenance) to what this class composes:
 *
 * <ul>
 *   <li>{@link Database}: the pool, its lifecycle, transactions and retries;
 *   <li>{@link Records}: reads and writes of rows, folded batches through {@link BatchPlan};
 *   <li>{@link Ranks}: leaderboards, ranks and the in-memory rank indexes every write keeps current;
 *   <li>{@link GuildSnapshots}: a guild's export and import.
 * </ul>
 *
 * It implements {@link JdbcStorage}'s methods; the public type each subclass implements ({@code
 * SqliteStorage}, {@code PostgresStorage}) is what the factories of {@link JdbcStorage} hand out.
 * Thread safe: see {@link Database} for how calls, writes and a restore are ordered.
 */
public abstract sealed class JdbcStore extends AbstractStorage permits SqliteStore, PostgresStore {

    final Database db;
    final Ranks ranks;
    private final Records records;
    private final GuildSnapshots snapshots;

    JdbcStore(Target target, String migrationsDir, Clock clock) {
        this.db = new Database(target, migrationsDir, clock, lifecycle);
        this.ranks = new Ranks(db);
        this.records = new Records(db, ranks);
        this.snapshots = new GuildSnapshots(db, ranks);
    }

    /** A SQLite store on {@code options.file()}; nothing is opened before {@link #init()}. */
    public static SqliteStore sqlite(SqliteOptions options) {
        return sqlite(options, Dialect.SQLITE.migrationsResourceDir());
    }

    /** A SQLite store whose migrations come from another resource directory (tests). */
    public static SqliteStore sqlite(SqliteOptions options, String migrationsDir) {
        Objects.requireNonNull(options, "options must not be null");
        return new SqliteStore(options, migrationsDir);
    }

    /** A PostgreSQL store; nothing is opened before {@link #init()}. */
    public static PostgresStore postgres(PostgresOptions options) {
        return postgres(options, Dialect.POSTGRES.migrationsResourceDir());
    }

    /** A PostgreSQL store whose migrations come from another resource directory (tests). */
    public static PostgresStore postgres(PostgresOptions options, String migrationsDir) {
        Objects.requireNonNull(options, "options must not be null");
        return new PostgresStore(options, migrationsDir);
    }

    /** See {@link JdbcStorage#claimSqliteOwner}. */
    public static void acquireOwner(Path db) {
        DatabaseLock.acquireOwner(db);
    }

    /** Undoes {@link #acquireOwner}; no effect if not held. */
    public static void releaseOwner(Path db) {
        DatabaseLock.releaseOwner(db);
    }

    // ------------------------------------------------------------------ lifecycle

    /** See {@link JdbcStorage#databaseKind()}. */
    public String databaseKind() {
        return db.dialect().kind();
    }

    @Override
    protected void open() {
        db.init();
    }

    @Override
    protected void release() {
        db.close();
    }

    @Override
    public int schemaVersion() {
        return Storage.SCHEMA_VERSION;
    }

    /** The migration version recorded in the database. */
    public int migrationVersion() {
        return db.migrationVersion();
    }

    /** See {@link JdbcStorage#stats()}. */
    public StorageStats stats() {
        return db.snapshot("stats", c -> {
            long guilds = Database.count(
                    c, "SELECT COUNT(*) FROM (" + Records.MEMBER_GUILDS + " UNION SELECT guild_id FROM vt_guilds) g");
            long users = Database.count(c, "SELECT COUNT(*) FROM vt_members");
            long sessions = Database.count(c, "SELECT COUNT(*) FROM vt_sessions");
            return new StorageStats(guilds, users, sessions, databaseSize(c), db.describe());
        });
    }

    /** The size of the database in bytes, as its engine counts it. */
    abstract long databaseSize(Connection c) throws SQLException;

    // ------------------------------------------------------------------ rows (the kernel checked the arguments)

    @Override
    protected Optional<GuildConfig> readConfig(long guildId) {
        return records.guildConfig(guildId);
    }

    @Override
    protected void writeConfig(long guildId, GuildConfig stored) {
        records.saveGuildConfig(guildId, stored);
    }

    @Override
    protected List<Long> readGuildIds() {
        return records.guildIds();
    }

    @Override
    protected List<MemberTotals> writeFolded(FoldedBatch batch) {
        return records.apply(batch);
    }

    @Override
    protected List<LevelChange> writeLevelRaises(List<LevelRaise> raises) {
        return records.raiseLevels(raises);
    }

    @Override
    protected MemberTotals writeXp(long guildId, long userId, long xp, int level) {
        return records.setXp(guildId, userId, xp, level);
    }

    @Override
    protected MemberTotals writeLevel(long guildId, long userId, int level) {
        return records.setLevel(guildId, userId, level);
    }

    @Override
    protected boolean resetMemberRows(long guildId, long userId) {
        return records.resetMember(guildId, userId);
    }

    @Override
    protected boolean deleteMemberRows(long guildId, long userId) {
        return records.deleteMember(guildId, userId);
    }

    @Override
    protected void deleteGuildRows(long guildId) {
        records.deleteGuild(guildId);
    }

    @Override
    protected void writeMetadata(long guildId, long userId, Map<String, String> set, List<String> remove) {
        records.updateMetadata(guildId, userId, set, remove);
    }

    @Override
    protected Optional<MemberStats> readMember(long guildId, long userId) {
        return records.member(guildId, userId);
    }

    /** One snapshot transaction of three queries (members, their channels, their metadata). */
    @Override
    protected void readMembers(long guildId, Consumer<? super MemberStats> action) {
        snapshots.members(guildId).forEach(action);
    }

    @Override
    protected List<ActivityRow> readActivity(long guildId, long userId, DayRange range) {
        return records.activity(guildId, userId, range);
    }

    @Override
    protected List<long[]> readHourly(long guildId, long from, long end) {
        return records.hourly(guildId, from, end);
    }

    @Override
    protected List<VoiceSession> readOpenSessions() {
        return records.openSessions();
    }

    @Override
    protected List<VoiceSession> readSessions(long guildId, long userId, int limit) {
        return records.sessions(guildId, userId, limit);
    }

    // ------------------------------------------------------------------ ranked reads

    @Override
    protected List<LeaderboardEntry> readLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return ranks.leaderboard(guildId, metric, range, limit, offset);
    }

    @Override
    protected OptionalInt readRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return ranks.rank(guildId, userId, metric, range);
    }

    @Override
    protected long countMembers(long guildId) {
        return ranks.memberCount(guildId);
    }

    /** Sets the size from which a guild's all-time ranks come from memory (tests set 0 to use it always). */
    void rankIndexMinMembers(long members) {
        ranks.rankIndexMinMembers(members);
    }

    /** Sets the offset from which all-time pages of large guilds come from the rank index (tests). */
    void indexPagesFrom(int offset) {
        ranks.indexPagesFrom(offset);
    }

    /** Sets the bound on entries over all kept windowed boards (tests set 0 to page every window in SQL). */
    void windowBoardMaxEntries(long max) {
        ranks.windowBoardMaxEntries(max);
    }

    /** Sets the bound on entries over all rank indexes (tests). */
    void rankIndexMaxEntries(long max) {
        ranks.rankIndexMaxEntries(max);
    }

    /** How many rank indexes were dropped to stay within the bound (tests). */
    long rankIndexEvictions() {
        return ranks.rankIndexEvictions();
    }

    /** How many windowed boards were read whole from the database so far (tests). */
    long windowBoardReads() {
        return ranks.windowBoardReads();
    }

    /** How many rank indexes were built (read in full from the database) so far (tests). */
    long rankIndexBuilds() {
        return ranks.rankIndexBuilds();
    }

    // ------------------------------------------------------------------ snapshots

    /** One consistent read (a single transaction) of everything stored about the guild. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        checkReady();
        return snapshots.exportGuild(guildId);
    }

    /**
     * Replaces the guild's rows with the snapshot's, exactly (streaks and totals as they are, whatever
     * the activity rows say), in one transaction: a failure leaves the previous data.
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        StorageArgs.notNull(snapshot, "snapshot");
        checkReady();
        snapshots.importGuild(snapshot);
    }
}

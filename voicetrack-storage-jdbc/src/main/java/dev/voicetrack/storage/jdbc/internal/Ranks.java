package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.RankIndex;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.internal.Database.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Ranked reads (leaderboards, ranks, member counts) and the write path that keeps their in-memory
 * indexes exact.
 *
 * <p>The all-time rank of a member of a guild with {@link RankCache#MIN_MEMBERS} members or more comes
 * from a {@link RankIndex} per guild and metric, built from the database at the first rank query and
 * then kept up to date by this store's own writes. Every write that changes member totals goes through
 * {@link #write}: in its transaction it first moves the guild's write sequence ({@code
 * vt_guild_writes}), and once committed it hands the changes to the index; an index whose sequence
 * differs from the database's missed a write (of another process) and is rebuilt. Smaller guilds and
 * windowed ranks are counted in SQL. All-time leaderboards are read in SQL: a top-N scan of the metric's
 * index. A windowed board is read whole once and its pages served from memory while the guild's write
 * sequence holds, by the same rule ({@link WindowBoards}).
 *
 * <p>Every sort column comes from the {@link Metric} enum ({@link #BOARD}, {@link #RANK} and the
 * windowed forms are built once, here); no SQL is built from caller strings.
 */
final class Ranks {

    /** Moves a guild's write sequence; returns the value it replaced (0 for a new row) and the new one. */
    static final MultiRow GUILD_WRITE = new MultiRow(
                    "INSERT INTO vt_guild_writes (guild_id, seq, prev_seq) VALUES ",
                    "(?, ?, 0)",
                    " ON CONFLICT (guild_id) DO UPDATE SET prev_seq = vt_guild_writes.seq,"
                            + " seq = CASE WHEN excluded.seq > vt_guild_writes.seq THEN excluded.seq"
                            + " ELSE vt_guild_writes.seq + 1 END",
                    2)
            .returning("guild_id, prev_seq, seq");

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

    /** All-time pages from this offset on come from a large guild's rank index; before it a short index scan is cheaper. */
    static final int INDEX_PAGES_FROM = 1_000;

    private final Database db;
    private final RankCache ranks = new RankCache();
    private final WindowBoards windowBoards = new WindowBoards();
    private final Map<Long, long[]> memberCounts = new java.util.concurrent.ConcurrentHashMap<>(); // {seq, count}
    private final Object[] countLocks = newLocks(64);
    /** Guilds with fewer members are ranked in SQL; see {@link RankCache#MIN_MEMBERS}. */
    private volatile long rankIndexMinMembers = RankCache.MIN_MEMBERS;

    private volatile int indexPagesFrom = INDEX_PAGES_FROM;

    private final AtomicLong rankIndexBuilds = new AtomicLong();
    private final AtomicLong windowBoardReads = new AtomicLong();

    Ranks(Database db) {
        this.db = db;
    }

    private static Object[] newLocks(int n) {
        Object[] locks = new Object[n];
        for (int i = 0; i < n; i++) {
            locks[i] = new Object();
        }
        return locks;
    }

    // ------------------------------------------------------------------ writes

    /** What a committed write did to the members of one guild, for the rank indexes (null: drop them). */
    @FunctionalInterface
    interface RankChanges<T> {
        @Nullable
        List<RankCache.Change> of(long guildId, T result);
    }

    /** For writes whose effect on ranks is not followed (admin operations): the guild's indexes are rebuilt. */
    static final RankChanges<Object> DROP_INDEXES = (g, r) -> null;

    /**
     * Runs a write that changes member totals of {@code guildIds}: in the same transaction, first
     * moves the guilds' write sequences (taking their row locks, in guild order, before any member row),
     * then the work; once committed, brings the rank indexes along (see {@link RankCache}).
     */
    <T> T write(String op, Collection<Long> guildIds, Work<T> work, RankChanges<? super T> changes) {
        List<RankCache.Guild> held = ranks.begin(guildIds);
        try {
            var seqs = new HashMap<Long, long[]>();
            T result = db.write(op, c -> {
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
        Instant now = db.clock().instant();
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

    /** Forgets every index (the database was replaced by a restore). */
    void clear() {
        ranks.clear();
        windowBoards.clear();
        memberCounts.clear();
    }

    /** Sets the offset from which all-time pages of large guilds come from the rank index (tests). */
    void indexPagesFrom(int offset) {
        indexPagesFrom = offset;
    }

    /** Sets the bound on entries over all kept windowed boards (tests set 0 to page every window in SQL). */
    void windowBoardMaxEntries(long max) {
        windowBoards.maxEntries(max);
    }

    // ------------------------------------------------------------------ reads

    List<LeaderboardEntry> leaderboard(long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (range != null && WINDOW_BOARD.containsKey(metric)) {
            return windowLeaderboard(guildId, metric, range, limit, offset);
        }
        if (range == null && offset >= indexPagesFrom) {
            RankCache.Guild g = ranks.guild(guildId);
            @Nullable List<LeaderboardEntry> fromIndex = null;
            long builds = rankIndexBuilds.get();
            synchronized (g) {
                if (isLarge(g, guildId)) {
                    fromIndex = pageFromIndex(g, guildId, metric, limit, offset);
                }
            }
            if (rankIndexBuilds.get() != builds) {
                ranks.enforceBound();
            }
            if (fromIndex != null) {
                return fromIndex;
            }
        }
        return sqlLeaderboard(guildId, metric, range, limit, offset);
    }

    /**
     * Waits up to 50 ms, releasing g, for a write of this store that is committing to hand its changes to
     * the guild's indexes (the writer notifies g). Holds g.
     */
    private static void awaitWrite(RankCache.Guild g) {
        try {
            g.wait(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a write to finish", e);
        }
    }

    /**
     * A deep all-time page of a large guild from its rank index: the members at the page's positions, then
     * their rows by id, in one snapshot whose write sequence the index holds. SQL would step through every
     * entry before the offset (half a million for the middle of a million-member guild). Null when the
     * guild is written faster than its index can be built (the caller pages in SQL). Holds g.
     */
    private @Nullable List<LeaderboardEntry> pageFromIndex(
            RankCache.Guild g, long guildId, Metric metric, int limit, int offset) {
        int m = metric.ordinal();
        int waits = 0;
        for (int builds = 0; ; ) {
            RankIndex idx = g.index[m];
            long indexSeq = g.seq[m];
            List<LeaderboardEntry> page = idx == null
                    ? null
                    : db.snapshot("leaderboard", c -> {
                        if (writeSeq(c, guildId) != indexSeq) {
                            return null;
                        }
                        long[] users = new long[limit];
                        int[] n = {0};
                        idx.forRange(offset, limit, (pos, value, user) -> users[n[0]++] = user);
                        return rowsInOrder(c, guildId, Arrays.copyOf(users, n[0]), offset);
                    });
            if (page != null) {
                g.used[m] = ranks.tick();
                return page;
            }
            if (idx != null && g.writesInFlight > 0 && waits < 4) {
                waits++; // most likely a write of ours committing: wait for it to move the index along
                awaitWrite(g);
                continue;
            }
            if (builds++ == 3) {
                return null;
            }
            buildIndex(g, guildId, metric);
        }
    }

    /** The members' rows in the order given, ranked from {@code offset + 1}; null if one is missing. */
    private static @Nullable List<LeaderboardEntry> rowsInOrder(Connection c, long guildId, long[] users, int offset)
            throws SQLException {
        if (users.length == 0) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder(
                "SELECT user_id, xp, voice_ms, messages, level FROM vt_members WHERE guild_id = ? AND user_id IN (");
        for (int i = 0; i < users.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        Map<Long, LeaderboardEntry> byUser = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, guildId);
            for (int i = 0; i < users.length; i++) {
                ps.setLong(i + 2, users[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byUser.put(
                            rs.getLong(1),
                            new LeaderboardEntry(
                                    0, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5)));
                }
            }
        }
        var out = new ArrayList<LeaderboardEntry>(users.length);
        for (int i = 0; i < users.length; i++) {
            LeaderboardEntry e = byUser.get(users[i]);
            if (e == null) {
                return null; // cannot happen while the sequences agree; the caller rebuilds
            }
            out.add(new LeaderboardEntry(offset + i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
        }
        return out;
    }

    /**
     * A page of a windowed board from the whole board kept in {@link WindowBoards}, read again when the
     * guild's write sequence moved; a board too large to keep is paged in SQL.
     */
    private List<LeaderboardEntry> windowLeaderboard(
            long guildId, Metric metric, DayRange range, int limit, int offset) {
        var key = new WindowBoards.Key(
                guildId, metric, range.from().toEpochDay(), range.to().toEpochDay());
        synchronized (windowBoards.lock(key)) {
            if (windowBoards.maxEntries() == 0) {
                return sqlLeaderboard(guildId, metric, range, limit, offset);
            }
            long seq = db.read("leaderboard", c -> writeSeq(c, guildId));
            WindowBoards.Board board = windowBoards.get(key, seq);
            if (board == null) {
                if (windowBoards.tooLarge(key, seq)) {
                    return sqlLeaderboard(guildId, metric, range, limit, offset);
                }
                board = readWindowBoard(guildId, metric, range, windowBoards.maxEntries());
                if (board == null) {
                    windowBoards.markTooLarge(key, seq);
                    return sqlLeaderboard(guildId, metric, range, limit, offset);
                }
                windowBoards.put(key, board);
            }
            return board.page(offset, limit);
        }
    }

    /** The whole windowed board and the write sequence it was read at, or null beyond {@code max} entries. */
    private WindowBoards.@Nullable Board readWindowBoard(long guildId, Metric metric, DayRange range, long max) {
        windowBoardReads.incrementAndGet();
        return db.snapshot("leaderboard", c -> {
            long seq = writeSeq(c, guildId);
            return db.query(c, WINDOW_BOARD.get(metric), ps -> {
                ps.setLong(1, guildId);
                ps.setLong(2, range.from().toEpochDay());
                ps.setLong(3, range.to().toEpochDay());
                ps.setLong(4, guildId);
                ps.setFetchSize(10_000);
                var rows = new WindowBoards.Builder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rows.size() >= max) {
                            return null;
                        }
                        rows.add(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5));
                    }
                }
                return rows.build(seq);
            });
        });
    }

    /** The guild's write sequence (0 before its first write). */
    private static long writeSeq(Connection c, long guildId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT COALESCE((SELECT seq FROM vt_guild_writes WHERE guild_id = ?), 0)")) {
            ps.setLong(1, guildId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<LeaderboardEntry> sqlLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return db.read("leaderboard", c -> {
            // LIMIT as a literal (a validated int): SQLite runs a top-N scan much faster when it knows N
            // at prepare time; the few statement texts this gives are kept per connection
            String sql =
                    (range == null ? BOARD.get(metric) : WINDOW_BOARD.get(metric)) + " LIMIT " + limit + " OFFSET ?";
            return db.query(c, sql, ps -> {
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

    OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
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
            long[] valueAndSeq = db.read(
                    "rank",
                    c -> db.query(c, sql, ps -> {
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
                awaitWrite(g);
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
        db.snapshot("rankIndex", c -> {
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

    /** Sets the bound on entries over all rank indexes (tests). */
    void rankIndexMaxEntries(long max) {
        ranks.maxEntries(max);
    }

    /** How many rank indexes were dropped to stay within the bound (tests). */
    long rankIndexEvictions() {
        return ranks.evictions();
    }

    /** How many windowed boards were read whole from the database so far. */
    long windowBoardReads() {
        return windowBoardReads.get();
    }

    /** How many rank indexes were built (read in full from the database) so far. */
    long rankIndexBuilds() {
        return rankIndexBuilds.get();
    }

    /** The rank counted in SQL. */
    private OptionalInt countRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return db.read("rank", c -> {
            String sql = range == null ? RANK.get(metric) : WINDOW_RANK.get(metric);
            return db.query(c, sql, ps -> {
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

    /**
     * The guild's member count; counting a large guild reads its whole index (a million-member guild takes
     * tens of milliseconds), so a count is kept with the write sequence it was read at and used while the
     * sequence holds, like the rank indexes. Concurrent callers for one guild count once.
     */
    long memberCount(long guildId) {
        synchronized (countLocks[(int) Math.floorMod(guildId, (long) countLocks.length)]) {
            long seq = db.read("memberCount", c -> writeSeq(c, guildId));
            long[] kept = memberCounts.get(guildId);
            if (kept != null && kept[0] == seq) {
                return kept[1];
            }
            long[] counted =
                    db.snapshot("memberCount", c -> new long[] {writeSeq(c, guildId), countMembers(c, guildId)});
            if (memberCounts.size() >= 100_000) {
                memberCounts.clear(); // a bound; a count read again only costs time
            }
            memberCounts.put(guildId, counted);
            return counted[1];
        }
    }

    private static long countMembers(Connection c, long guildId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM vt_members WHERE guild_id = ?")) {
            ps.setLong(1, guildId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

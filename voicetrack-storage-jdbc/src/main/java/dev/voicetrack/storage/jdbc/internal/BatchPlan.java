package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Batch} summed into one row per member, per (member, channel) and per (member, day,
 * channel), checked for overflow, and written as multi-row upserts per table in key order (so that
 * concurrent PostgreSQL transactions take row locks in the same order and never deadlock).
 */
final class BatchPlan {

    // ------------------------------------------------------------------ the SQL that applies a plan

    // The domain rules a batch is folded by (sums, later last-seen, the streak) live in these statements
    // and in of() below; nothing else in this package writes them.

    /** Adds a member's increments; returns its new totals. */
    private static final MultiRow MEMBER_UPSERT = new MultiRow(
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
    private static final MultiRow LEAN_MEMBER_UPSERT = new MultiRow(
            MEMBER_UPSERT.head(),
            MEMBER_UPSERT.tuple(),
            MEMBER_UPSERT
                    .tail()
                    .replace(" sessions = vt_members.sessions + excluded.sessions,", "")
                    .replace(" messages = vt_members.messages + excluded.messages,", ""),
            9);

    /** Applies one later active day of a member to its streak (a batch spanning midnight). */
    private static final String STREAK_STEP = "UPDATE vt_members SET"
            + " streak = CASE WHEN ? <= last_active_day THEN streak WHEN ? = last_active_day + 1 THEN streak + 1"
            + " ELSE 1 END,"
            + " last_active_day = CASE WHEN ? > last_active_day THEN ? ELSE last_active_day END"
            + " WHERE guild_id = ? AND user_id = ?";

    private static final MultiRow CHANNEL_UPSERT = new MultiRow(
            "INSERT INTO vt_member_channels (guild_id, user_id, channel_id, voice_ms, sessions) VALUES ",
            "(?, ?, ?, ?, ?)",
            " ON CONFLICT (guild_id, user_id, channel_id) DO UPDATE SET"
                    + " voice_ms = vt_member_channels.voice_ms + excluded.voice_ms,"
                    + " sessions = vt_member_channels.sessions + excluded.sessions",
            5);

    private static final MultiRow DAILY_UPSERT = new MultiRow(
            "INSERT INTO vt_daily_activity (guild_id, user_id, day, channel_id, voice_ms, xp, messages) VALUES ",
            "(?, ?, ?, ?, ?, ?, ?)",
            " ON CONFLICT (guild_id, user_id, day, channel_id) DO UPDATE SET"
                    + " voice_ms = vt_daily_activity.voice_ms + excluded.voice_ms,"
                    + " xp = vt_daily_activity.xp + excluded.xp,"
                    + " messages = vt_daily_activity.messages + excluded.messages",
            7);

    // Member keys hash their ids through a mixing step: small ids (tests, benchmarks) and snowflakes
    // that share their high bits would otherwise collide in Objects.hash-style sums, and colliding
    // HashMap bins turn into trees that compare keys on every lookup.

    /** Mixes two longs into a well-spread int hash (the finaliser of a 64-bit multiplicative hash). */
    static int mix(long a, long b) {
        long h = a * 0x9E3779B97F4A7C15L + b;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return (int) (h ^ (h >>> 32));
    }

    record MemberKey(long guildId, long userId) {
        static final Comparator<Map.Entry<MemberKey, ?>> ORDER = (x, y) -> {
            MemberKey a = x.getKey();
            MemberKey b = y.getKey();
            int c = Long.compare(a.guildId, b.guildId);
            return c != 0 ? c : Long.compare(a.userId, b.userId);
        };

        @Override
        public boolean equals(Object o) {
            return o instanceof MemberKey k && k.guildId == guildId && k.userId == userId;
        }

        @Override
        public int hashCode() {
            return mix(guildId, userId);
        }
    }

    /** One channel or daily row of a member: {@link MemberSum#channels} or {@link MemberSum#daily} values. */
    private record Row(MemberKey member, long[] values) {}

    /** Orders a member's channel rows by channel, its daily rows by day then channel (the tables' key order). */
    private static final Comparator<long[]> BY_FIRST_TWO = (a, b) -> {
        int c = Long.compare(a[0], b[0]);
        return c != 0 ? c : Long.compare(a[1], b[1]);
    };

    private static final class MemberSum {
        long voiceMs;
        long xp;
        long messages;
        long sessions;
        long lastSeenMs = Long.MIN_VALUE;
        /** The totals the write returned (null until written) and the message count it returned with them. */
        @Nullable
        MemberTotals after;

        long messagesAfter;

        /** {channelId, voiceMs, sessions} per channel the batch credits; null if none. */
        @Nullable
        List<long[]> channels;

        /** {day, channelId, voiceMs, xp, messages} per day and channel the batch credits; null if none. */
        @Nullable
        List<long[]> daily;

        /**
         * The active days that can change the streak, strictly increasing, in batch order: the first
         * ({@link Long#MIN_VALUE} if none), and the later ones if any (rare: a batch spanning midnight).
         */
        long firstDay = Long.MIN_VALUE;

        @Nullable
        List<Long> laterDays;

        long lastDay() {
            return laterDays == null ? firstDay : laterDays.get(laterDays.size() - 1);
        }

        void addDay(long day) {
            if (firstDay == Long.MIN_VALUE) {
                firstDay = day;
            } else {
                if (laterDays == null) {
                    laterDays = new ArrayList<>(2);
                }
                laterDays.add(day);
            }
        }
    }

    // Each member carries its own channel and daily rows (a tick gives a member one or two of each), so
    // one sort of the members puts every table's rows in key order.
    private final Map<MemberKey, MemberSum> members; // first-appearance order, for the returned totals
    private final List<VoiceSession> sessions;
    private @Nullable Map<Long, List<RankCache.Change>> changesByGuild;

    private BatchPlan(Map<MemberKey, MemberSum> members, List<VoiceSession> sessions) {
        this.members = members;
        this.sessions = sessions;
    }

    /** The row of {@code rows} whose first {@code keys} values are {@code a} (and {@code b}), added if absent. */
    private static long[] rowOf(List<long[]> rows, int width, int keys, long a, long b) {
        for (long[] r : rows) {
            if (r[0] == a && (keys == 1 || r[1] == b)) {
                return r;
            }
        }
        long[] r = new long[width];
        r[0] = a;
        if (keys == 2) {
            r[1] = b;
        }
        rows.add(r);
        return r;
    }

    /** @throws StorageException if the increments of one member overflow a {@code long} */
    static BatchPlan of(Batch batch) {
        var members = new LinkedHashMap<MemberKey, MemberSum>(
                (int) Math.min(1 << 30, batch.deltas().size() / 3L * 4 + 16));
        var byId = new TreeMap<String, VoiceSession>();
        for (VoiceSession s : batch.sessions()) {
            byId.put(s.id(), s); // a later row of the same id wins, as it would row by row
        }
        var plan = new BatchPlan(members, List.copyOf(byId.values()));
        for (MemberDelta d : batch.deltas()) {
            MemberSum m = members.computeIfAbsent(new MemberKey(d.guildId(), d.userId()), k -> new MemberSum());
            try {
                m.voiceMs = Math.addExact(m.voiceMs, d.voiceMs());
                m.xp = Math.addExact(m.xp, d.xp());
                m.messages = Math.addExact(m.messages, d.messages());
                m.sessions = Math.addExact(m.sessions, d.sessions());
                m.lastSeenMs = Math.max(m.lastSeenMs, d.lastSeen().toEpochMilli());
                if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                    if (m.channels == null) {
                        m.channels = new ArrayList<>(1);
                    }
                    long[] c = rowOf(m.channels, 3, 1, d.channelId(), 0);
                    c[1] = Math.addExact(c[1], d.voiceMs());
                    c[2] = Math.addExact(c[2], d.sessions());
                }
                if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                    long day = d.day().toEpochDay();
                    if (m.daily == null) {
                        m.daily = new ArrayList<>(1);
                    }
                    long[] a = rowOf(m.daily, 5, 2, day, d.channelId());
                    a[2] = Math.addExact(a[2], d.voiceMs());
                    a[3] = Math.addExact(a[3], d.xp());
                    a[4] = Math.addExact(a[4], d.messages());
                    // After day D is applied the stored last day is >= D, so a later day <= D is a no-op.
                    if (m.firstDay == Long.MIN_VALUE || day > m.lastDay()) {
                        m.addDay(day);
                    }
                }
            } catch (ArithmeticException e) {
                throw new StorageException(
                        "batch rejected: increments overflow for member " + d.userId() + " of guild " + d.guildId());
            }
        }
        return plan;
    }

    /**
     * Writes the batch and returns the new totals of every member it names, once each, in order of
     * first appearance (read from the member upserts' {@code RETURNING} rows, so no query follows).
     *
     * @param leanUpserts whether members whose batch adds no message and no session are written by an
     *     upsert that leaves those two columns out of its SET list, so that SQLite does not rewrite the
     *     messages index for them (it rewrites the index of every column a SET names, changed or not).
     *     Only for a dialect that serialises writes: it splits the members over two statements, which
     *     would let concurrent PostgreSQL transactions lock rows in different orders.
     */
    List<MemberTotals> write(Connection c, boolean leanUpserts) throws SQLException {
        List<Map.Entry<MemberKey, MemberSum>> sorted = inKeyOrder(members, MemberKey.ORDER);
        if (!members.isEmpty()) {
            var full = new ArrayList<Map.Entry<MemberKey, MemberSum>>(leanUpserts ? 16 : sorted.size());
            var lean = new ArrayList<Map.Entry<MemberKey, MemberSum>>(leanUpserts ? sorted.size() : 0);
            boolean moreDays = false;
            for (var e : sorted) {
                MemberSum m = e.getValue();
                (leanUpserts && m.messages == 0 && m.sessions == 0 ? lean : full).add(e);
                moreDays |= m.laterDays != null;
            }
            MultiRow.RowReader collect = rs -> {
                long guild = rs.getLong(1);
                long user = rs.getLong(2);
                MemberSum m = members.get(new MemberKey(guild, user));
                if (m != null) {
                    m.after = new MemberTotals(guild, user, rs.getLong(3), rs.getInt(4), rs.getLong(5));
                    m.messagesAfter = rs.getLong(6);
                }
            };
            MultiRow.write(c, MEMBER_UPSERT, full, BatchPlan::bindMember, collect);
            MultiRow.write(c, LEAN_MEMBER_UPSERT, lean, BatchPlan::bindMember, collect);
            if (moreDays) {
                writeStreakSteps(c, sorted);
            }
        }
        var channelRows = new ArrayList<Row>(sorted.size());
        var dailyRows = new ArrayList<Row>(sorted.size());
        for (var e : sorted) {
            addInOrder(channelRows, e.getKey(), e.getValue().channels);
            addInOrder(dailyRows, e.getKey(), e.getValue().daily);
        }
        // channel rows: guild, user, then {channelId, voiceMs, sessions}; daily rows: guild, user, then
        // {day, channelId, voiceMs, xp, messages}: both in the column order of their upserts
        MultiRow.write(c, CHANNEL_UPSERT, channelRows, BatchPlan::bindRow, null);
        MultiRow.write(c, DAILY_UPSERT, dailyRows, BatchPlan::bindRow, null);
        if (!sessions.isEmpty()) {
            SessionRows.write(c, sessions);
        }
        var out = new ArrayList<MemberTotals>(members.size());
        for (var e : members.entrySet()) {
            MemberTotals t = e.getValue().after;
            if (t == null) {
                MemberKey k = e.getKey();
                throw new SQLException("member " + k.userId() + " of guild " + k.guildId() + " was not returned");
            }
            out.add(t);
        }
        return out;
    }

    /** A member's values in {@link Metric} order. */
    private static long[] metricValues(long xp, long voiceMs, int level, long messages) {
        long[] v = new long[RankCache.METRICS.length];
        v[Metric.XP.ordinal()] = xp;
        v[Metric.VOICE_TIME.ordinal()] = voiceMs;
        v[Metric.LEVEL.ordinal()] = level;
        v[Metric.MESSAGES.ordinal()] = messages;
        return v;
    }

    /** The guilds the batch names. */
    Set<Long> guildIds() {
        var ids = new HashSet<Long>();
        for (MemberKey k : members.keySet()) {
            ids.add(k.guildId());
        }
        return ids;
    }

    /**
     * What {@link #write} did to each member of a guild, for the rank indexes: the totals it returned,
     * and those before (the totals less the batch's sums; the level is not changed by a batch). Built
     * for every guild at the first call, in one pass.
     */
    List<RankCache.Change> changes(long guildId) {
        if (changesByGuild == null) {
            var byGuild = new HashMap<Long, List<RankCache.Change>>();
            members.forEach((k, m) -> {
                MemberTotals t = m.after;
                if (t != null) {
                    long[] after = metricValues(t.xp(), t.voiceTimeMs(), t.level(), m.messagesAfter);
                    long[] before = metricValues(
                            t.xp() - m.xp, t.voiceTimeMs() - m.voiceMs, t.level(), m.messagesAfter - m.messages);
                    byGuild.computeIfAbsent(k.guildId(), g -> new ArrayList<>())
                            .add(new RankCache.Change(k.userId(), before, after));
                }
            });
            changesByGuild = byGuild;
        }
        return changesByGuild.getOrDefault(guildId, List.of());
    }

    private static void bindMember(PreparedStatement ps, int i, Map.Entry<MemberKey, MemberSum> e) throws SQLException {
        MemberSum m = e.getValue();
        // A new member starts at streak 0 on the epoch day; its first active day after that gives it a
        // streak of 1. Days on or before the epoch change nothing.
        long firstDay = Math.max(0, m.firstDay);
        ps.setLong(i, e.getKey().guildId());
        ps.setLong(i + 1, e.getKey().userId());
        ps.setLong(i + 2, m.voiceMs);
        ps.setLong(i + 3, m.xp);
        ps.setLong(i + 4, m.sessions);
        ps.setLong(i + 5, m.messages);
        ps.setLong(i + 6, Math.max(0, m.lastSeenMs));
        ps.setInt(i + 7, firstDay > 0 ? 1 : 0);
        ps.setLong(i + 8, firstDay);
    }

    /** Applies each member's active days after its first, in order (the member upsert applied the first). */
    private static void writeStreakSteps(Connection c, List<Map.Entry<MemberKey, MemberSum>> sorted)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STREAK_STEP)) {
            for (var e : sorted) {
                List<Long> days = e.getValue().laterDays;
                if (days == null) {
                    continue;
                }
                for (long day : days) {
                    ps.setLong(1, day);
                    ps.setLong(2, day);
                    ps.setLong(3, day);
                    ps.setLong(4, day);
                    ps.setLong(5, e.getKey().guildId());
                    ps.setLong(6, e.getKey().userId());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** Adds a member's rows to {@code out} in key order. */
    private static void addInOrder(List<Row> out, MemberKey member, @Nullable List<long[]> rows) {
        if (rows == null) {
            return;
        }
        if (rows.size() > 1) {
            rows.sort(BY_FIRST_TWO);
        }
        for (long[] r : rows) {
            out.add(new Row(member, r));
        }
    }

    private static void bindRow(PreparedStatement ps, int i, Row r) throws SQLException {
        ps.setLong(i, r.member().guildId());
        ps.setLong(i + 1, r.member().userId());
        long[] v = r.values();
        for (int k = 0; k < v.length; k++) {
            ps.setLong(i + 2 + k, v[k]);
        }
    }

    private static <K, V> List<Map.Entry<K, V>> inKeyOrder(Map<K, V> map, Comparator<Map.Entry<K, ?>> order) {
        var entries = new ArrayList<>(map.entrySet());
        entries.sort(order);
        return entries;
    }
}

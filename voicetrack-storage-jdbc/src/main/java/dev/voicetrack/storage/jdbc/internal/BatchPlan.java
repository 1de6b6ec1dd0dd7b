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
import java.sql.Types;
import java.time.Instant;
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

    // The keys hash their ids through a mixing step: small ids (tests, benchmarks) and snowflakes that
    // share their high bits would otherwise collide in Objects.hash-style sums, and colliding HashMap
    // bins turn into trees that compare keys on every lookup. Each key type sorts with its own
    // comparator, so every compare call is monomorphic.

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

    private record ChannelKey(long guildId, long userId, long channelId) {
        static final Comparator<Map.Entry<ChannelKey, ?>> ORDER = (x, y) -> {
            ChannelKey a = x.getKey();
            ChannelKey b = y.getKey();
            int c = Long.compare(a.guildId, b.guildId);
            c = c != 0 ? c : Long.compare(a.userId, b.userId);
            return c != 0 ? c : Long.compare(a.channelId, b.channelId);
        };

        @Override
        public boolean equals(Object o) {
            return o instanceof ChannelKey k && k.guildId == guildId && k.userId == userId && k.channelId == channelId;
        }

        @Override
        public int hashCode() {
            return mix(mix(guildId, userId), channelId);
        }
    }

    private record DayKey(long guildId, long userId, long day, long channelId) {
        static final Comparator<Map.Entry<DayKey, ?>> ORDER = (x, y) -> {
            DayKey a = x.getKey();
            DayKey b = y.getKey();
            int c = Long.compare(a.guildId, b.guildId);
            c = c != 0 ? c : Long.compare(a.userId, b.userId);
            c = c != 0 ? c : Long.compare(a.day, b.day);
            return c != 0 ? c : Long.compare(a.channelId, b.channelId);
        };

        @Override
        public boolean equals(Object o) {
            return o instanceof DayKey k
                    && k.guildId == guildId
                    && k.userId == userId
                    && k.day == day
                    && k.channelId == channelId;
        }

        @Override
        public int hashCode() {
            return mix(mix(guildId, userId), day * 0x100000001B3L + channelId);
        }
    }

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

    private final Map<MemberKey, MemberSum> members; // first-appearance order, for the returned totals
    // Hash maps while summing, sorted once when written: a tick's deltas arrive in long runs of
    // ascending keys, which the merge sort of List.sort takes in near-linear time.
    private final Map<ChannelKey, long[]> channels; // voiceMs, sessions
    private final Map<DayKey, long[]> daily; // voiceMs, xp, messages
    private final List<VoiceSession> sessions;
    private @Nullable Map<Long, List<RankCache.Change>> changesByGuild;

    private BatchPlan(Map<MemberKey, MemberSum> members, List<VoiceSession> sessions, int capacity) {
        this.members = members;
        this.sessions = sessions;
        this.channels = new HashMap<>(capacity);
        this.daily = new HashMap<>(capacity);
    }

    /** A hash map capacity that holds {@code n} entries without resizing. */
    private static int capacityFor(int n) {
        return (int) Math.min(1 << 30, n / 3L * 4 + 16);
    }

    /** @throws StorageException if the increments of one member overflow a {@code long} */
    static BatchPlan of(Batch batch) {
        int capacity = capacityFor(batch.deltas().size());
        var members = new LinkedHashMap<MemberKey, MemberSum>(capacity);
        var byId = new TreeMap<String, VoiceSession>();
        for (VoiceSession s : batch.sessions()) {
            byId.put(s.id(), s); // a later row of the same id wins, as it would row by row
        }
        var plan = new BatchPlan(members, List.copyOf(byId.values()), capacity);
        for (MemberDelta d : batch.deltas()) {
            MemberSum m = members.computeIfAbsent(new MemberKey(d.guildId(), d.userId()), k -> new MemberSum());
            try {
                m.voiceMs = Math.addExact(m.voiceMs, d.voiceMs());
                m.xp = Math.addExact(m.xp, d.xp());
                m.messages = Math.addExact(m.messages, d.messages());
                m.sessions = Math.addExact(m.sessions, d.sessions());
                m.lastSeenMs = Math.max(m.lastSeenMs, d.lastSeen().toEpochMilli());
                if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                    long[] c = plan.channels.computeIfAbsent(
                            new ChannelKey(d.guildId(), d.userId(), d.channelId()), k -> new long[2]);
                    c[0] = Math.addExact(c[0], d.voiceMs());
                    c[1] = Math.addExact(c[1], d.sessions());
                }
                if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                    long day = d.day().toEpochDay();
                    long[] a = plan.daily.computeIfAbsent(
                            new DayKey(d.guildId(), d.userId(), day, d.channelId()), k -> new long[3]);
                    a[0] = Math.addExact(a[0], d.voiceMs());
                    a[1] = Math.addExact(a[1], d.xp());
                    a[2] = Math.addExact(a[2], d.messages());
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
        if (!members.isEmpty()) {
            List<Map.Entry<MemberKey, MemberSum>> sorted = inKeyOrder(members, MemberKey.ORDER);
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
            MultiRow.write(c, JdbcStore.MEMBER_UPSERT, full, BatchPlan::bindMember, collect);
            MultiRow.write(c, JdbcStore.LEAN_MEMBER_UPSERT, lean, BatchPlan::bindMember, collect);
            if (moreDays) {
                writeStreakSteps(c, sorted);
            }
        }
        MultiRow.write(
                c,
                JdbcStore.CHANNEL_UPSERT,
                inKeyOrder(channels, ChannelKey.ORDER),
                (ps, i, e) -> {
                    ChannelKey k = e.getKey();
                    ps.setLong(i, k.guildId());
                    ps.setLong(i + 1, k.userId());
                    ps.setLong(i + 2, k.channelId());
                    ps.setLong(i + 3, e.getValue()[0]);
                    ps.setLong(i + 4, e.getValue()[1]);
                },
                null);
        MultiRow.write(
                c,
                JdbcStore.DAILY_UPSERT,
                inKeyOrder(daily, DayKey.ORDER),
                (ps, i, e) -> {
                    DayKey k = e.getKey();
                    ps.setLong(i, k.guildId());
                    ps.setLong(i + 1, k.userId());
                    ps.setLong(i + 2, k.day());
                    ps.setLong(i + 3, k.channelId());
                    ps.setLong(i + 4, e.getValue()[0]);
                    ps.setLong(i + 5, e.getValue()[1]);
                    ps.setLong(i + 6, e.getValue()[2]);
                },
                null);
        if (!sessions.isEmpty()) {
            new SessionWriter(sessions).write(c);
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
        try (PreparedStatement ps = c.prepareStatement(JdbcStore.streakStepSql())) {
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

    private static <K, V> List<Map.Entry<K, V>> inKeyOrder(Map<K, V> map, Comparator<Map.Entry<K, ?>> order) {
        var entries = new ArrayList<>(map.entrySet());
        entries.sort(order);
        return entries;
    }

    /** Upserts session rows by id, as they are. */
    record SessionWriter(List<VoiceSession> sessions) {
        void write(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(JdbcStore.sessionUpsertSql())) {
                for (VoiceSession s : sessions) {
                    ps.setString(1, s.id());
                    ps.setLong(2, s.guildId());
                    ps.setLong(3, s.userId());
                    ps.setLong(4, s.channelId());
                    ps.setLong(5, s.start().toEpochMilli());
                    Instant end = s.end();
                    if (end == null) {
                        ps.setNull(6, Types.BIGINT);
                    } else {
                        ps.setLong(6, end.toEpochMilli());
                    }
                    ps.setLong(7, s.lastAccrual().toEpochMilli());
                    ps.setLong(8, s.durationMs());
                    ps.setLong(9, s.xpEarned());
                    ps.setLong(10, s.mutedMs());
                    ps.setLong(11, s.deafenedMs());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }
}

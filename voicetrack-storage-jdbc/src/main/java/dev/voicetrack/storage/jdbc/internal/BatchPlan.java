package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.SessionColumns;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.HourPrune;
import dev.voicetrack.core.storage.kernel.HourSum;
import dev.voicetrack.core.storage.kernel.LastSeenRule;
import dev.voicetrack.core.storage.kernel.MemberFold;
import dev.voicetrack.core.storage.kernel.StreakRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FoldedBatch} written as multi-row upserts per table in key order (so that concurrent
 * PostgreSQL transactions take row locks in the same order and never deadlock). The batch comes
 * summed and checked within itself from the kernel's {@code BatchFold}; the rules that need the
 * stored row run in SQL, in the kernel's own forms: the streak ({@link StreakRule#SQL_STREAK}, {@link
 * StreakRule#SQL_LAST_ACTIVE_DAY}) and the later last-seen ({@link LastSeenRule#SQL}), all in one
 * member upsert. The batch's hourly sums are upserted after its prunes, in the same transaction. Totals are added ({@code x = x + excluded.x}); a sum past {@code Long.MAX_VALUE}
 * fails the statement (see {@code Records#apply}).
 *
 * <p>Not thread safe; one plan per write. {@link #write} may run again (a retried transaction).
 */
final class BatchPlan {

    // ------------------------------------------------------------------ the SQL that applies a plan

    /**
     * Adds a member's sums and applies its streak run and last-seen; returns its new totals. A new
     * member is inserted with the run itself ({@code streak = run.length()}, {@code last_active_day =
     * run.end()}), which is what the streak rule gives a new member.
     */
    private static final MultiRow MEMBER_UPSERT = new MultiRow(
                    "INSERT INTO vt_members (guild_id, user_id, voice_ms, xp, level, sessions, messages,"
                            + " last_seen_ms, streak, last_active_day) VALUES ",
                    "(?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                    " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                            + " voice_ms = vt_members.voice_ms + excluded.voice_ms,"
                            + " xp = vt_members.xp + excluded.xp,"
                            + " sessions = vt_members.sessions + excluded.sessions,"
                            + " messages = vt_members.messages + excluded.messages,"
                            + " last_seen_ms = " + LastSeenRule.SQL + ","
                            + " streak = " + StreakRule.SQL_STREAK + ","
                            + " last_active_day = " + StreakRule.SQL_LAST_ACTIVE_DAY,
                    9)
            .returning("guild_id, user_id, xp, level, voice_ms, messages");

    /**
     * {@link #MEMBER_UPSERT} for a member the batch adds no message and no session to: SQLite rewrites
     * the index of every column a SET names, changed or not, so leaving those two out spares the
     * messages index.
     */
    private static final MultiRow LEAN_MEMBER_UPSERT = new MultiRow(
            MEMBER_UPSERT.head(),
            MEMBER_UPSERT.tuple(),
            MEMBER_UPSERT
                    .tail()
                    .replace(" sessions = vt_members.sessions + excluded.sessions,", "")
                    .replace(" messages = vt_members.messages + excluded.messages,", ""),
            9);

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

    /** Adds a batch's sums to a guild's hourly rows ({@link HourSum}). */
    private static final MultiRow HOURLY_UPSERT = new MultiRow(
            "INSERT INTO vt_hourly_activity (guild_id, hour, channel_id, voice_ms, messages) VALUES ",
            "(?, ?, ?, ?, ?)",
            " ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET"
                    + " voice_ms = vt_hourly_activity.voice_ms + excluded.voice_ms,"
                    + " messages = vt_hourly_activity.messages + excluded.messages",
            5);

    private final FoldedBatch batch;
    /** The members by (guild, user): the order rows are written in, and what the returned rows are found in. */
    private final MemberFold[] sorted;
    /**
     * The totals the write returned, by position in {@link #sorted}, as columns (28 bytes a member
     * rather than a {@link MemberTotals} and a message count: 3 MB less for 100,000 members in voice
     * while the write runs). {@link #levelAfter} is -1 for a member not returned.
     */
    private final long[] xpAfter;

    private final long[] voiceAfter;
    private final long[] messagesAfter;
    private final int[] levelAfter;

    private @Nullable Map<Long, List<RankCache.Change>> changesByGuild;

    BatchPlan(FoldedBatch batch) {
        this.batch = batch;
        this.sorted = batch.membersInKeyOrder().toArray(new MemberFold[0]);
        this.xpAfter = new long[sorted.length];
        this.voiceAfter = new long[sorted.length];
        this.messagesAfter = new long[sorted.length];
        this.levelAfter = new int[sorted.length];
    }

    /** The guilds whose members the batch changes (a session row alone moves no rank). */
    Set<Long> guildIds() {
        var ids = new LinkedHashSet<Long>();
        for (MemberFold m : sorted) {
            ids.add(m.guildId());
        }
        return ids;
    }

    /**
     * Writes the batch and returns the new totals of every member it names, once each, in the order of
     * {@link FoldedBatch#members()} (read from the member upserts' {@code RETURNING} rows, so no query
     * follows).
     *
     * @param leanUpserts whether members whose batch adds no message and no session are written by
     *     {@link #LEAN_MEMBER_UPSERT}. Only for a dialect that serialises writes: it splits the members
     *     over two statements, which would let concurrent PostgreSQL transactions lock rows in different
     *     orders.
     */
    List<MemberTotals> write(Connection c, boolean leanUpserts) throws SQLException {
        if (sorted.length > 0) {
            var full = new ArrayList<MemberFold>(leanUpserts ? 16 : sorted.length);
            var lean = new ArrayList<MemberFold>(leanUpserts ? sorted.length : 0);
            for (MemberFold m : sorted) {
                (leanUpserts && m.messages() == 0 && m.sessions() == 0 ? lean : full).add(m);
            }
            Arrays.fill(levelAfter, -1); // a retried transaction starts again
            MultiRow.RowReader collect = rs -> {
                long guild = rs.getLong(1);
                long user = rs.getLong(2);
                int i = indexOf(guild, user);
                if (i >= 0) {
                    xpAfter[i] = rs.getLong(3);
                    levelAfter[i] = rs.getInt(4);
                    voiceAfter[i] = rs.getLong(5);
                    messagesAfter[i] = rs.getLong(6);
                }
            };
            MultiRow.write(c, MEMBER_UPSERT, full, BatchPlan::bindMember, collect);
            MultiRow.write(c, LEAN_MEMBER_UPSERT, lean, BatchPlan::bindMember, collect);
        }
        // Each member's rows come sorted (channel, or day then channel), so the members' order is the
        // key order. A row is found by (member, row of the member), packed in one long: no object per row.
        long @Nullable [] channelRows = rowsOf(true);
        MultiRow.write(
                c,
                CHANNEL_UPSERT,
                rowCount(channelRows),
                (ps, i, k) -> bindChannel(ps, i, rowAt(channelRows, k)),
                null);
        long @Nullable [] dailyRows = rowsOf(false);
        MultiRow.write(c, DAILY_UPSERT, rowCount(dailyRows), (ps, i, k) -> bindDay(ps, i, rowAt(dailyRows, k)), null);
        for (HourPrune p : batch.prunes()) { // a range of the primary key, once a day per guild
            Database.update(
                    c, "DELETE FROM vt_hourly_activity WHERE guild_id = ? AND hour < ?", p.guildId(), p.keptFrom());
        }
        MultiRow.write(c, HOURLY_UPSERT, batch.hours(), BatchPlan::bindHour, null); // in key order already
        if (!batch.sessions().isEmpty()) {
            SessionRows.write(c, inIdOrder(batch.sessions())); // one row per id: by id is the lock order
        }
        List<MemberFold> members = batch.members();
        int[] at = new int[members.size()];
        for (int k = 0; k < at.length; k++) {
            MemberFold m = members.get(k);
            int i = indexOf(m.guildId(), m.userId());
            if (levelAfter[i] < 0) {
                throw new SQLException("member " + m.userId() + " of guild " + m.guildId() + " was not returned");
            }
            at[k] = i;
        }
        return new Totals(sorted, at, xpAfter, levelAfter, voiceAfter);
    }

    /**
     * The totals {@link #write} returns: each {@link MemberTotals} made when read (the caller reads them
     * once or twice), from the plan's columns. A static class, so that the list holds no reference to
     * the plan and its batch: the batch's session rows and sums are garbage once the write returns.
     */
    private static final class Totals extends AbstractList<MemberTotals> implements RandomAccess {
        private final MemberFold[] sorted;
        /** Per returned member, in the batch's order: its position in {@link #sorted}. */
        private final int[] at;

        private final long[] xp;
        private final int[] level;
        private final long[] voiceMs;

        Totals(MemberFold[] sorted, int[] at, long[] xp, int[] level, long[] voiceMs) {
            this.sorted = sorted;
            this.at = at;
            this.xp = xp;
            this.level = level;
            this.voiceMs = voiceMs;
        }

        @Override
        public MemberTotals get(int k) {
            int i = at[k];
            MemberFold m = sorted[i];
            return new MemberTotals(m.guildId(), m.userId(), xp[i], level[i], voiceMs[i]);
        }

        @Override
        public int size() {
            return at.length;
        }
    }

    /**
     * The rows by id. Rows kept as {@link SessionColumns} (a tracker's batch) are read through their
     * positions in id order, each row made as it is written, rather than copied and sorted as rows.
     */
    private static List<VoiceSession> inIdOrder(List<VoiceSession> rows) {
        if (rows instanceof SessionColumns columns) {
            int[] order = columns.idOrder();
            return new AbstractList<>() {
                @Override
                public VoiceSession get(int index) {
                    return columns.get(order[index]);
                }

                @Override
                public int size() {
                    return order.length;
                }
            };
        }
        var sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(VoiceSession::id));
        return sorted;
    }

    /** The position of a member in {@link #sorted}, or a negative number if the batch does not name it. */
    private int indexOf(long guildId, long userId) {
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            MemberFold m = sorted[mid];
            int c = m.guildId() != guildId ? Long.compare(m.guildId(), guildId) : Long.compare(m.userId(), userId);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
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

    /**
     * What {@link #write} did to each member of a guild, for the rank indexes: the totals it returned,
     * and those before (the totals less the batch's sums; the level is not changed by a batch). Built
     * for every guild at the first call, in one pass.
     */
    List<RankCache.Change> changes(long guildId) {
        if (changesByGuild == null) {
            var byGuild = new HashMap<Long, List<RankCache.Change>>();
            for (int i = 0; i < sorted.length; i++) {
                if (levelAfter[i] >= 0) {
                    MemberFold m = sorted[i];
                    long[] now = metricValues(xpAfter[i], voiceAfter[i], levelAfter[i], messagesAfter[i]);
                    long[] before = metricValues(
                            xpAfter[i] - m.xp(),
                            voiceAfter[i] - m.voiceMs(),
                            levelAfter[i],
                            messagesAfter[i] - m.messages());
                    byGuild.computeIfAbsent(m.guildId(), g -> new ArrayList<>())
                            .add(new RankCache.Change(m.userId(), before, now));
                }
            }
            changesByGuild = byGuild;
        }
        return changesByGuild.getOrDefault(guildId, List.of());
    }

    private static void bindMember(PreparedStatement ps, int i, MemberFold m) throws SQLException {
        StreakRule.Run run = m.streakRun();
        ps.setLong(i, m.guildId());
        ps.setLong(i + 1, m.userId());
        ps.setLong(i + 2, m.voiceMs());
        ps.setLong(i + 3, m.xp());
        ps.setLong(i + 4, m.sessions());
        ps.setLong(i + 5, m.messages());
        ps.setLong(i + 6, LastSeenRule.next(0, m.lastSeenMs())); // a new member was last seen at the epoch
        ps.setInt(i + 7, run.length());
        ps.setLong(i + 8, run.end());
    }

    /**
     * Every channel row ({@code channels}) or day row of the members in key order, each as its member's
     * position in {@link #sorted} (high 32 bits) and its row within the member (low 32 bits); or null
     * when every member has exactly one such row.
     */
    private long @Nullable [] rowsOf(boolean channels) {
        int n = 0;
        boolean oneEach = true;
        for (MemberFold m : sorted) {
            int rows = channels ? m.channelCount() : m.dayCount();
            n += rows;
            oneEach &= rows == 1;
        }
        if (oneEach) {
            return null; // the usual tick: row k is member k's only row, no array needed (0.8 MB for 100,000)
        }
        long[] out = new long[n];
        int k = 0;
        for (int i = 0; i < sorted.length; i++) {
            int rows = channels ? sorted[i].channelCount() : sorted[i].dayCount();
            for (int r = 0; r < rows; r++) {
                out[k++] = ((long) i << 32) | r;
            }
        }
        return out;
    }

    /** How many rows {@code rows} (from {@link #rowsOf}) names. */
    private int rowCount(long @Nullable [] rows) {
        return rows == null ? sorted.length : rows.length;
    }

    /** Row {@code k} of {@code rows} (from {@link #rowsOf}), packed as there. */
    private static long rowAt(long @Nullable [] rows, int k) {
        return rows == null ? (long) k << 32 : rows[k];
    }

    private void bindChannel(PreparedStatement ps, int i, long at) throws SQLException {
        MemberFold m = sorted[(int) (at >>> 32)];
        int r = (int) at;
        ps.setLong(i, m.guildId());
        ps.setLong(i + 1, m.userId());
        ps.setLong(i + 2, m.channelId(r));
        ps.setLong(i + 3, m.channelVoiceMs(r));
        ps.setLong(i + 4, m.channelSessions(r));
    }

    private static void bindHour(PreparedStatement ps, int i, HourSum h) throws SQLException {
        ps.setLong(i, h.guildId());
        ps.setLong(i + 1, h.slot());
        ps.setLong(i + 2, h.channelId());
        ps.setLong(i + 3, h.voiceMs());
        ps.setLong(i + 4, h.messages());
    }

    private void bindDay(PreparedStatement ps, int i, long at) throws SQLException {
        MemberFold m = sorted[(int) (at >>> 32)];
        int r = (int) at;
        ps.setLong(i, m.guildId());
        ps.setLong(i + 1, m.userId());
        ps.setLong(i + 2, m.dayEpochDay(r));
        ps.setLong(i + 3, m.dayChannelId(r));
        ps.setLong(i + 4, m.dayVoiceMs(r));
        ps.setLong(i + 5, m.dayXp(r));
        ps.setLong(i + 6, m.dayMessages(r));
    }
}

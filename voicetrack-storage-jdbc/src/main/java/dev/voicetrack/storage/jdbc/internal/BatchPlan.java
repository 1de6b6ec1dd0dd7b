package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Batch} summed into one row per member, per (member, channel) and per (member, day,
 * channel), checked for overflow, and written as one JDBC batch per table in key order (so that
 * concurrent PostgreSQL transactions take row locks in the same order and never deadlock).
 */
final class BatchPlan {

    record MemberKey(long guildId, long userId) implements Comparable<MemberKey> {
        @Override
        public int compareTo(MemberKey o) {
            int c = Long.compare(guildId, o.guildId);
            return c != 0 ? c : Long.compare(userId, o.userId);
        }
    }

    private record ChannelKey(long guildId, long userId, long channelId) implements Comparable<ChannelKey> {
        @Override
        public int compareTo(ChannelKey o) {
            int c = Long.compare(guildId, o.guildId);
            c = c != 0 ? c : Long.compare(userId, o.userId);
            return c != 0 ? c : Long.compare(channelId, o.channelId);
        }
    }

    private record DayKey(long guildId, long userId, long day, long channelId) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = Long.compare(guildId, o.guildId);
            c = c != 0 ? c : Long.compare(userId, o.userId);
            c = c != 0 ? c : Long.compare(day, o.day);
            return c != 0 ? c : Long.compare(channelId, o.channelId);
        }
    }

    private static final class MemberSum {
        long voiceMs;
        long xp;
        long messages;
        long sessions;
        long lastSeenMs = Long.MIN_VALUE;
        /** The active days that can change the streak, strictly increasing, in batch order. */
        final List<Long> days = new ArrayList<>(1);
    }

    private final Map<MemberKey, MemberSum> members; // first-appearance order, for the returned totals
    private final TreeMap<ChannelKey, long[]> channels = new TreeMap<>(); // voiceMs, sessions
    private final TreeMap<DayKey, long[]> daily = new TreeMap<>(); // voiceMs, xp, messages
    private final List<VoiceSession> sessions;

    private BatchPlan(Map<MemberKey, MemberSum> members, List<VoiceSession> sessions) {
        this.members = members;
        this.sessions = sessions;
    }

    /** @throws StorageException if the increments of one member overflow a {@code long} */
    static BatchPlan of(Batch batch) {
        var members = new LinkedHashMap<MemberKey, MemberSum>();
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
                    if (m.days.isEmpty() || day > m.days.get(m.days.size() - 1)) {
                        m.days.add(day);
                    }
                }
            } catch (ArithmeticException e) {
                throw new StorageException(
                        "batch rejected: increments overflow for member " + d.userId() + " of guild " + d.guildId());
            }
        }
        return plan;
    }

    /** The members the batch names, once each, in order of first appearance. */
    List<MemberKey> memberKeys() {
        return List.copyOf(members.keySet());
    }

    void write(Connection c) throws SQLException {
        var sorted = new TreeMap<>(members);
        if (!sorted.isEmpty()) {
            boolean moreDays = false;
            try (PreparedStatement ps = c.prepareStatement(JdbcStore.memberUpsertSql())) {
                for (var e : sorted.entrySet()) {
                    MemberSum m = e.getValue();
                    // A new member starts at streak 0 on the epoch day; its first active day after that
                    // gives it a streak of 1. Days on or before the epoch change nothing.
                    long firstDay = m.days.isEmpty() ? 0 : Math.max(0, m.days.get(0));
                    ps.setLong(1, e.getKey().guildId());
                    ps.setLong(2, e.getKey().userId());
                    ps.setLong(3, m.voiceMs);
                    ps.setLong(4, m.xp);
                    ps.setLong(5, m.sessions);
                    ps.setLong(6, m.messages);
                    ps.setLong(7, Math.max(0, m.lastSeenMs));
                    ps.setInt(8, firstDay > 0 ? 1 : 0);
                    ps.setLong(9, firstDay);
                    ps.addBatch();
                    moreDays |= m.days.size() > 1;
                }
                ps.executeBatch();
            }
            if (moreDays) {
                try (PreparedStatement ps = c.prepareStatement(JdbcStore.streakStepSql())) {
                    for (var e : sorted.entrySet()) {
                        List<Long> days = e.getValue().days;
                        for (int i = 1; i < days.size(); i++) {
                            long day = days.get(i);
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
        }
        if (!channels.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(JdbcStore.channelUpsertSql())) {
                for (var e : channels.entrySet()) {
                    ChannelKey k = e.getKey();
                    ps.setLong(1, k.guildId());
                    ps.setLong(2, k.userId());
                    ps.setLong(3, k.channelId());
                    ps.setLong(4, e.getValue()[0]);
                    ps.setLong(5, e.getValue()[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!daily.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(JdbcStore.dailyUpsertSql())) {
                for (var e : daily.entrySet()) {
                    DayKey k = e.getKey();
                    ps.setLong(1, k.guildId());
                    ps.setLong(2, k.userId());
                    ps.setLong(3, k.day());
                    ps.setLong(4, k.channelId());
                    ps.setLong(5, e.getValue()[0]);
                    ps.setLong(6, e.getValue()[1]);
                    ps.setLong(7, e.getValue()[2]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!sessions.isEmpty()) {
            new SessionWriter(sessions).write(c);
        }
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

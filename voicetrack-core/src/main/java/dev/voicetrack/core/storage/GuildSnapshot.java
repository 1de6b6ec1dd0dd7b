package dev.voicetrack.core.storage;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Storage} holds about one guild, as {@link Storage#exportGuild} reads it and
 * {@link Storage#importGuild} writes it: the config, every member's totals (with last seen, streak,
 * per-channel totals and metadata) and daily activity, and every session row. Deeply immutable; the
 * lists are kept in a canonical order (members by user id, activity by day then channel, sessions by
 * id), so two snapshots of the same data are {@link #equals equal} and have the same {@link
 * #checksum()}.
 *
 * @param guildId the guild
 * @param config the stored config, or null if the guild has none
 * @param members every stored member of the guild, each user id once
 * @param sessions every session row of the guild, each id once; a {@link SessionTable} (the compact
 *     form for large guilds) is kept as it is, any other list is copied
 */
public record GuildSnapshot(
        long guildId, @Nullable GuildConfig config, List<Member> members, List<VoiceSession> sessions) {

    /**
     * The days an export covers: 0001-01-01 to 9999-12-31 (what every backend can store). Activity
     * outside it is neither exported nor importable.
     */
    public static final DayRange ALL_DAYS = new DayRange(LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31));

    /**
     * Validates and copies into canonical order.
     *
     * @throws IllegalArgumentException if the guild id is not positive, a member or session belongs
     *     to another guild, or a user id or session id appears twice
     */
    public GuildSnapshot {
        if (guildId <= 0) {
            throw new IllegalArgumentException("guildId must be > 0, was " + guildId);
        }
        Objects.requireNonNull(members, "members must not be null");
        Objects.requireNonNull(sessions, "sessions must not be null");
        var users = new HashSet<Long>();
        for (Member m : members) {
            Objects.requireNonNull(m, "members must not contain null");
            if (m.stats().guildId() != guildId) {
                throw new IllegalArgumentException("member " + m.stats().userId() + " belongs to guild "
                        + m.stats().guildId() + ", not to guildId " + guildId);
            }
            if (!users.add(m.stats().userId())) {
                throw new IllegalArgumentException(
                        "members must name each user once, user " + m.stats().userId() + " appears twice");
            }
        }
        if (sessions instanceof SessionTable table) {
            // Immutable, in id order and each id once already: kept as it is, not copied.
            if (table.guildId() != guildId) {
                throw new IllegalArgumentException(
                        "sessions belong to guild " + table.guildId() + ", not to guildId " + guildId);
            }
        } else {
            sessions = canonicalSessions(guildId, sessions);
        }
        var sortedMembers = new ArrayList<>(members);
        sortedMembers.sort(Comparator.comparingLong(m -> m.stats().userId()));
        members = List.copyOf(sortedMembers);
    }

    private static List<VoiceSession> canonicalSessions(long guildId, List<VoiceSession> sessions) {
        var ids = new HashSet<String>();
        for (VoiceSession s : sessions) {
            Objects.requireNonNull(s, "sessions must not contain null");
            if (s.guildId() != guildId) {
                throw new IllegalArgumentException(
                        "session " + s.id() + " belongs to guild " + s.guildId() + ", not to guildId " + guildId);
            }
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("sessions must name each id once, id " + s.id() + " appears twice");
            }
        }
        var sortedSessions = new ArrayList<>(sessions);
        sortedSessions.sort(Comparator.comparing(VoiceSession::id));
        return List.copyOf(sortedSessions);
    }

    /**
     * One member: its totals and its daily activity rows.
     *
     * @param stats the totals, as {@link Storage#member} returns them
     * @param activity the daily activity over {@link #ALL_DAYS}, as {@link Storage#activity} returns it
     */
    public record Member(MemberStats stats, List<ActivityRow> activity) {
        /**
         * Copies the activity into day-then-channel order.
         *
         * @throws IllegalArgumentException if a (day, channel) pair appears twice
         */
        public Member {
            Objects.requireNonNull(stats, "stats must not be null");
            Objects.requireNonNull(activity, "activity must not be null");
            var sorted = new ArrayList<>(activity);
            sorted.sort(Comparator.comparing(ActivityRow::day).thenComparingLong(ActivityRow::channelId));
            for (int i = 1; i < sorted.size(); i++) {
                ActivityRow a = sorted.get(i - 1);
                ActivityRow b = sorted.get(i);
                if (a.day().equals(b.day()) && a.channelId() == b.channelId()) {
                    throw new IllegalArgumentException("activity of user " + stats.userId() + " names day " + b.day()
                            + " channel " + b.channelId() + " twice");
                }
            }
            activity = List.copyOf(sorted);
        }
    }

    /** The number of stored members. */
    public int memberCount() {
        return members.size();
    }

    /** The number of daily activity rows over all members. */
    public long activityRowCount() {
        long n = 0;
        for (Member m : members) {
            n += m.activity().size();
        }
        return n;
    }

    /** Rows a copy of this snapshot writes: the config (if any), members, activity rows and sessions. */
    public long rowCount() {
        return (config == null ? 0 : 1) + members.size() + activityRowCount() + sessions.size();
    }

    /**
     * A SHA-256 digest (hex) of a canonical encoding of every field, independent of the backend and of
     * the JVM: equal data gives equal checksums. Cost: linear in the snapshot's size.
     */
    public String checksum() {
        return Snapshots.checksum(this);
    }
}

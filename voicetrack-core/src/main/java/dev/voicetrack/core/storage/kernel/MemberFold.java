package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.Metric;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One member's part of a {@link FoldedBatch}: the sums of its deltas, checked not to overflow, with
 * the rules applied as far as they can be without the stored row: the latest last-seen ({@link
 * LastSeenRule}) and the streak {@link StreakRule.Run}. A backend adds the sums to the stored totals
 * (checking them with {@link #checkFits}), keeps the later last-seen, and applies the run with {@link
 * StreakRule#apply} (or its SQL form). Immutable once the fold is done.
 */
public final class MemberFold {
    private final long guildId;
    private final long userId;
    long voiceMs;
    long xp;
    long messages;
    long sessions;
    long lastSeenMs = Long.MIN_VALUE;
    long runEnd;
    int runLength;
    /** {channelId, voiceMs, sessions}; usually one. */
    final List<long[]> channelRows = new ArrayList<>(1);
    /** {epochDay, channelId, voiceMs, xp, messages}; usually one. */
    final List<long[]> dayRows = new ArrayList<>(1);

    private List<ChannelSum> channels = List.of();
    private List<DaySum> days = List.of();

    MemberFold(long guildId, long userId) {
        this.guildId = guildId;
        this.userId = userId;
    }

    /** Increments to one channel's totals ({@code channelId != 0}). */
    public record ChannelSum(long channelId, long voiceMs, long sessions) {}

    /** Increments to one day's activity in one channel (0 = none). */
    public record DaySum(LocalDate day, long channelId, long voiceMs, long xp, long messages) {}

    public long guildId() {
        return guildId;
    }

    public long userId() {
        return userId;
    }

    public long voiceMs() {
        return voiceMs;
    }

    public long xp() {
        return xp;
    }

    public long messages() {
        return messages;
    }

    public long sessions() {
        return sessions;
    }

    /** The latest last-seen of the member's deltas, in epoch millis. */
    public long lastSeenMs() {
        return lastSeenMs;
    }

    public Instant lastSeen() {
        return Instant.ofEpochMilli(lastSeenMs);
    }

    /** The batch's last run of active days ({@link StreakRule.Run#NONE} if it has no active day). */
    public StreakRule.Run streakRun() {
        return runLength == 0 ? StreakRule.Run.NONE : new StreakRule.Run(runEnd, runLength);
    }

    /** Per-channel increments, by channel id ascending; only channels the batch adds voice time or sessions to. */
    public List<ChannelSum> channels() {
        return channels;
    }

    /** Per-day increments, by day then channel ascending; only (day, channel) pairs with activity. */
    public List<DaySum> days() {
        return days;
    }

    /** Whether the batch changes the member's all-time value of {@code metric} (never {@link Metric#LEVEL}). */
    public boolean changes(Metric metric) {
        return switch (metric) {
            case XP -> xp > 0;
            case VOICE_TIME -> voiceMs > 0;
            case MESSAGES -> messages > 0;
            case LEVEL -> false;
        };
    }

    /**
     * Checks that the sums fit on top of the stored totals (the overflow rule); a member's channel and
     * day totals never exceed its totals, so they fit when these do.
     *
     * @throws dev.voicetrack.core.storage.StorageException the {@link StorageArgs#overflow} text if not
     */
    public void checkFits(long storedVoiceMs, long storedXp, long storedMessages, long storedSessions) {
        OverflowRule.add(storedVoiceMs, voiceMs, guildId, userId);
        OverflowRule.add(storedXp, xp, guildId, userId);
        OverflowRule.add(storedMessages, messages, guildId, userId);
        OverflowRule.add(storedSessions, sessions, guildId, userId);
    }

    void finish() {
        if (!channelRows.isEmpty()) {
            if (channelRows.size() > 1) {
                channelRows.sort((a, b) -> Long.compare(a[0], b[0]));
            }
            var out = new ArrayList<ChannelSum>(channelRows.size());
            for (long[] c : channelRows) {
                out.add(new ChannelSum(c[0], c[1], c[2]));
            }
            channels = Collections.unmodifiableList(out);
        }
        if (!dayRows.isEmpty()) {
            if (dayRows.size() > 1) {
                dayRows.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            }
            var out = new ArrayList<DaySum>(dayRows.size());
            for (long[] d : dayRows) {
                out.add(new DaySum(LocalDate.ofEpochDay(d[0]), d[1], d[2], d[3], d[4]));
            }
            days = Collections.unmodifiableList(out);
        }
    }

    @Override
    public String toString() {
        return "MemberFold[guild=" + guildId + ", user=" + userId + ", voiceMs=" + voiceMs + ", xp=" + xp
                + ", messages=" + messages + ", sessions=" + sessions + ", lastSeenMs=" + lastSeenMs + ", run="
                + streakRun() + ", channels=" + channels + ", days=" + days + "]";
    }
}

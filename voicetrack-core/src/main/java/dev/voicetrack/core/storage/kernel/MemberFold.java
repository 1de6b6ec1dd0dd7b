package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.Metric;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One member's part of a {@link FoldedBatch}: the sums of its deltas, checked not to overflow, with
 * the rules applied as far as they can be without the stored row: the latest last-seen ({@link
 * LastSeenRule}) and the streak {@link StreakRule.Run}. A backend adds the sums to the stored totals
 * (checking them with {@link #checkFits}), keeps the later last-seen, and applies the run with {@link
 * StreakRule#apply} (or its SQL form). Immutable once the fold is done; not thread safe (its lists
 * are built on first use).
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

    private @Nullable List<ChannelSum> channels; // built on first use
    private @Nullable List<DaySum> days;

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
        List<ChannelSum> c = channels;
        if (c == null) {
            var out = new ArrayList<ChannelSum>(channelRows.size());
            for (long[] r : channelRows) {
                out.add(new ChannelSum(r[0], r[1], r[2]));
            }
            c = channels = Collections.unmodifiableList(out);
        }
        return c;
    }

    /** Per-day increments, by day then channel ascending; only (day, channel) pairs with activity. */
    public List<DaySum> days() {
        List<DaySum> d = days;
        if (d == null) {
            var out = new ArrayList<DaySum>(dayRows.size());
            for (long[] r : dayRows) {
                out.add(new DaySum(LocalDate.ofEpochDay(r[0]), r[1], r[2], r[3], r[4]));
            }
            d = days = Collections.unmodifiableList(out);
        }
        return d;
    }

    /** Each day the member has activity on in the batch, once, ascending. */
    public void forEachDay(java.util.function.Consumer<LocalDate> action) {
        long last = Long.MIN_VALUE;
        for (long[] r : dayRows) {
            if (r[0] != last) {
                last = r[0];
                action.accept(LocalDate.ofEpochDay(last));
            }
        }
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

    /** Sorts the rows (channels by id; days by day, then channel): the order of {@link #channels()} and {@link #days()}. */
    void finish() {
        if (channelRows.size() > 1) {
            channelRows.sort((a, b) -> Long.compare(a[0], b[0]));
        }
        if (dayRows.size() > 1) {
            dayRows.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        }
    }

    @Override
    public String toString() {
        return "MemberFold[guild=" + guildId + ", user=" + userId + ", voiceMs=" + voiceMs + ", xp=" + xp
                + ", messages=" + messages + ", sessions=" + sessions + ", lastSeenMs=" + lastSeenMs + ", run="
                + streakRun() + ", channels=" + channels() + ", days=" + days() + "]";
    }
}

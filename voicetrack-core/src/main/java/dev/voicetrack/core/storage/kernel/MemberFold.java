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
 *
 * <p>A tick folds one of these per member in voice (100,000 in a large bot), so the channel and day
 * rows are kept flat in one {@code long[]} each rather than as a list of records: about 200 bytes per
 * member instead of about 550 with the lists and records a backend used to build from them.
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
    /** {@link #CHANNEL_WIDTH} longs per row, {channelId, voiceMs, sessions}; usually one row. */
    long[] channelRows = NO_ROWS;

    int channelCount;
    /** {@link #DAY_WIDTH} longs per row, {epochDay, channelId, voiceMs, xp, messages}; usually one row. */
    long[] dayRows = NO_ROWS;

    int dayCount;

    static final int CHANNEL_WIDTH = 3;
    static final int DAY_WIDTH = 5;
    private static final long[] NO_ROWS = new long[0];

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

    /**
     * Per-channel increments, by channel id ascending; only channels the batch adds voice time or
     * sessions to. A new list at each call: a backend that writes many members reads the rows in place
     * instead ({@link #channelCount()}, {@link #channelId(int)}, ...), which allocates nothing per row.
     */
    public List<ChannelSum> channels() {
        var out = new ArrayList<ChannelSum>(channelCount);
        for (int i = 0; i < channelCount; i++) {
            out.add(new ChannelSum(channelId(i), channelVoiceMs(i), channelSessions(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Per-day increments, by day then channel ascending; only (day, channel) pairs with activity. A new
     * list at each call (see {@link #channels()} for the allocation-free form).
     */
    public List<DaySum> days() {
        var out = new ArrayList<DaySum>(dayCount);
        for (int i = 0; i < dayCount; i++) {
            out.add(new DaySum(
                    LocalDate.ofEpochDay(dayEpochDay(i)), dayChannelId(i), dayVoiceMs(i), dayXp(i), dayMessages(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /** How many rows {@link #channels()} has; row {@code i} is read with the {@code channel*(i)} methods. */
    public int channelCount() {
        return channelCount;
    }

    public long channelId(int row) {
        return channelRows[checkRow(row, channelCount) * CHANNEL_WIDTH];
    }

    public long channelVoiceMs(int row) {
        return channelRows[checkRow(row, channelCount) * CHANNEL_WIDTH + 1];
    }

    public long channelSessions(int row) {
        return channelRows[checkRow(row, channelCount) * CHANNEL_WIDTH + 2];
    }

    /** How many rows {@link #days()} has; row {@code i} is read with the {@code day*(i)} methods. */
    public int dayCount() {
        return dayCount;
    }

    /** The row's day, as {@link LocalDate#toEpochDay()}. */
    public long dayEpochDay(int row) {
        return dayRows[checkRow(row, dayCount) * DAY_WIDTH];
    }

    public long dayChannelId(int row) {
        return dayRows[checkRow(row, dayCount) * DAY_WIDTH + 1];
    }

    public long dayVoiceMs(int row) {
        return dayRows[checkRow(row, dayCount) * DAY_WIDTH + 2];
    }

    public long dayXp(int row) {
        return dayRows[checkRow(row, dayCount) * DAY_WIDTH + 3];
    }

    public long dayMessages(int row) {
        return dayRows[checkRow(row, dayCount) * DAY_WIDTH + 4];
    }

    private static int checkRow(int row, int count) {
        if (row < 0 || row >= count) {
            throw new IndexOutOfBoundsException("row must be in [0, " + count + "), was " + row);
        }
        return row;
    }

    /** Each day the member has activity on in the batch, once, ascending. */
    public void forEachDay(java.util.function.Consumer<LocalDate> action) {
        long last = Long.MIN_VALUE;
        for (int i = 0; i < dayCount; i++) {
            long day = dayRows[i * DAY_WIDTH];
            if (day != last) {
                last = day;
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
        sortRows(channelRows, channelCount, CHANNEL_WIDTH, 1);
        sortRows(dayRows, dayCount, DAY_WIDTH, 2);
    }

    /**
     * Sorts {@code count} rows of {@code width} longs in place by their first {@code keys} values. An
     * insertion sort: a member has one row per channel or day it was active in, so a handful at most.
     */
    private static void sortRows(long[] rows, int count, int width, int keys) {
        long[] held = null;
        for (int i = 1; i < count; i++) {
            int j = i;
            while (j > 0 && compareRows(rows, (j - 1) * width, i * width, keys) > 0) {
                j--;
            }
            if (j == i) {
                continue;
            }
            if (held == null) {
                held = new long[width];
            }
            System.arraycopy(rows, i * width, held, 0, width);
            System.arraycopy(rows, j * width, rows, (j + 1) * width, (i - j) * width);
            System.arraycopy(held, 0, rows, j * width, width);
        }
    }

    private static int compareRows(long[] rows, int a, int b, int keys) {
        for (int k = 0; k < keys; k++) {
            int c = Long.compare(rows[a + k], rows[b + k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return "MemberFold[guild=" + guildId + ", user=" + userId + ", voiceMs=" + voiceMs + ", xp=" + xp
                + ", messages=" + messages + ", sessions=" + sessions + ", lastSeenMs=" + lastSeenMs + ", run="
                + streakRun() + ", channels=" + channels() + ", days=" + days() + "]";
    }
}

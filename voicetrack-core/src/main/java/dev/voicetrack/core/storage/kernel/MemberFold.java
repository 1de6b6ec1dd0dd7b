package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One member's part of a {@link FoldedBatch}: the sums of its deltas, checked not to overflow, with
 * the rules applied as far as they can be without the stored row: the latest last-seen ({@link
 * LastSeenRule}) and the streak {@link StreakRule.Run}. A backend adds the sums to the stored totals
 * (checking them with {@link #checkFits}), keeps the later last-seen, and applies the run with {@link
 * StreakRule#apply} (or its SQL form). Immutable once the fold is done.
 *
 * <p><b>Memory.</b> A tick folds one of these per member in voice (100,000 in a large bot), and almost
 * every member has exactly one delta in it (its channel, day and hour). Such a member's fold is the
 * delta itself, read in place ({@link #only}): 40 bytes instead of about 200 with sums and rows of its
 * own, since the delta is held by the batch anyway. A second delta of the member turns the fold into
 * {@link Sums}, whose channel and day rows are kept flat in one {@code long[]} each rather than as a
 * list of records. Both forms answer every accessor alike: a one-delta fold reads what summing that
 * delta alone would give (checked by {@code BatchFoldTest}).
 */
public final class MemberFold {
    private final long guildId;
    private final long userId;
    /** The member's only delta, while it has one; null once it has two (then {@link #sums} holds them). */
    private @Nullable MemberDelta only;
    /** The sums of two or more deltas; null while the member has one. */
    private @Nullable Sums sums;

    static final int CHANNEL_WIDTH = 3;
    static final int DAY_WIDTH = 5;
    private static final long[] NO_ROWS = new long[0];

    MemberFold(long guildId, long userId) {
        this.guildId = guildId;
        this.userId = userId;
    }

    /** The sums of a member's deltas, once it has more than one. */
    private static final class Sums {
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
    }

    /**
     * Adds one delta of this member (see {@link BatchFold} for how a delta contributes).
     *
     * @throws dev.voicetrack.core.storage.StorageException if a sum overflows
     */
    void add(MemberDelta d) {
        if (only == null && sums == null) {
            only = d;
            return;
        }
        Sums s = sums;
        if (s == null) {
            s = new Sums();
            addTo(s, Objects.requireNonNull(only));
            sums = s;
            only = null;
        }
        addTo(s, d);
    }

    /** Whether a delta adds to its channel's totals (see {@link BatchFold}). */
    private static boolean hasChannelRow(MemberDelta d) {
        return d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0);
    }

    /** Whether a delta adds to its day's activity, making the day active (see {@link BatchFold}). */
    private static boolean hasDayRow(MemberDelta d) {
        return d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0;
    }

    private void addTo(Sums m, MemberDelta d) {
        long g = guildId;
        long u = userId;
        m.voiceMs = OverflowRule.add(m.voiceMs, d.voiceMs(), g, u);
        m.xp = OverflowRule.add(m.xp, d.xp(), g, u);
        m.messages = OverflowRule.add(m.messages, d.messages(), g, u);
        m.sessions = OverflowRule.add(m.sessions, d.sessions(), g, u);
        m.lastSeenMs = LastSeenRule.next(m.lastSeenMs, d.lastSeen().toEpochMilli());
        if (hasChannelRow(d)) {
            int c = channelRow(m, d.channelId());
            m.channelRows[c + 1] += d.voiceMs(); // cannot overflow when the member's sums did not
            m.channelRows[c + 2] += d.sessions();
        }
        if (hasDayRow(d)) {
            long day = d.day().toEpochDay();
            int a = dayRow(m, day, d.channelId());
            m.dayRows[a + 2] += d.voiceMs();
            m.dayRows[a + 3] += d.xp();
            m.dayRows[a + 4] += d.messages();
            m.runLength = StreakRule.lengthThen(m.runEnd, m.runLength, day);
            m.runEnd = Math.max(m.runEnd, day);
        }
    }

    /** The offset in {@code m.channelRows} of the channel's row, added (zeroed) if absent. */
    private static int channelRow(Sums m, long channelId) {
        int w = CHANNEL_WIDTH;
        for (int i = m.channelCount - 1; i >= 0; i--) { // the last row is the likely one
            if (m.channelRows[i * w] == channelId) {
                return i * w;
            }
        }
        m.channelRows = grown(m.channelRows, m.channelCount, w);
        int at = m.channelCount++ * w;
        m.channelRows[at] = channelId;
        return at;
    }

    /** The offset in {@code m.dayRows} of the (day, channel) row, added (zeroed) if absent. */
    private static int dayRow(Sums m, long epochDay, long channelId) {
        int w = DAY_WIDTH;
        for (int i = m.dayCount - 1; i >= 0; i--) {
            if (m.dayRows[i * w] == epochDay && m.dayRows[i * w + 1] == channelId) {
                return i * w;
            }
        }
        m.dayRows = grown(m.dayRows, m.dayCount, w);
        int at = m.dayCount++ * w;
        m.dayRows[at] = epochDay;
        m.dayRows[at + 1] = channelId;
        return at;
    }

    /** {@code rows}, or a copy with room for twice as many rows, so that one more row of {@code width} fits. */
    private static long[] grown(long[] rows, int count, int width) {
        if ((count + 1) * width <= rows.length) {
            return rows;
        }
        return Arrays.copyOf(rows, Math.max(1, count * 2) * width);
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
        MemberDelta d = only;
        return d != null ? d.voiceMs() : sums().voiceMs;
    }

    public long xp() {
        MemberDelta d = only;
        return d != null ? d.xp() : sums().xp;
    }

    public long messages() {
        MemberDelta d = only;
        return d != null ? d.messages() : sums().messages;
    }

    public long sessions() {
        MemberDelta d = only;
        return d != null ? d.sessions() : sums().sessions;
    }

    /** The latest last-seen of the member's deltas, in epoch millis. */
    public long lastSeenMs() {
        MemberDelta d = only;
        return d != null ? LastSeenRule.next(Long.MIN_VALUE, d.lastSeen().toEpochMilli()) : sums().lastSeenMs;
    }

    public Instant lastSeen() {
        return Instant.ofEpochMilli(lastSeenMs());
    }

    /** The batch's last run of active days ({@link StreakRule.Run#NONE} if it has no active day). */
    public StreakRule.Run streakRun() {
        MemberDelta d = only;
        if (d != null) {
            if (!hasDayRow(d)) {
                return StreakRule.Run.NONE;
            }
            long day = d.day().toEpochDay();
            int length = StreakRule.lengthThen(0, 0, day);
            return length == 0 ? StreakRule.Run.NONE : new StreakRule.Run(Math.max(0, day), length);
        }
        Sums s = sums();
        return s.runLength == 0 ? StreakRule.Run.NONE : new StreakRule.Run(s.runEnd, s.runLength);
    }

    /**
     * Per-channel increments, by channel id ascending; only channels the batch adds voice time or
     * sessions to. A new list at each call: a backend that writes many members reads the rows in place
     * instead ({@link #channelCount()}, {@link #channelId(int)}, ...), which allocates nothing per row.
     */
    public List<ChannelSum> channels() {
        int n = channelCount();
        var out = new ArrayList<ChannelSum>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ChannelSum(channelId(i), channelVoiceMs(i), channelSessions(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Per-day increments, by day then channel ascending; only (day, channel) pairs with activity. A new
     * list at each call (see {@link #channels()} for the allocation-free form).
     */
    public List<DaySum> days() {
        int n = dayCount();
        var out = new ArrayList<DaySum>(n);
        for (int i = 0; i < n; i++) {
            out.add(new DaySum(
                    LocalDate.ofEpochDay(dayEpochDay(i)), dayChannelId(i), dayVoiceMs(i), dayXp(i), dayMessages(i)));
        }
        return Collections.unmodifiableList(out);
    }

    /** How many rows {@link #channels()} has; row {@code i} is read with the {@code channel*(i)} methods. */
    public int channelCount() {
        MemberDelta d = only;
        return d != null ? (hasChannelRow(d) ? 1 : 0) : sums().channelCount;
    }

    public long channelId(int row) {
        return channelValue(row, 0);
    }

    public long channelVoiceMs(int row) {
        return channelValue(row, 1);
    }

    public long channelSessions(int row) {
        return channelValue(row, 2);
    }

    /** Column {@code column} of channel row {@code row}: {channelId, voiceMs, sessions}. */
    private long channelValue(int row, int column) {
        MemberDelta d = only;
        if (d != null) {
            checkRow(row, channelCount());
            return column == 0 ? d.channelId() : column == 1 ? d.voiceMs() : d.sessions();
        }
        Sums s = sums();
        return s.channelRows[checkRow(row, s.channelCount) * CHANNEL_WIDTH + column];
    }

    /** How many rows {@link #days()} has; row {@code i} is read with the {@code day*(i)} methods. */
    public int dayCount() {
        MemberDelta d = only;
        return d != null ? (hasDayRow(d) ? 1 : 0) : sums().dayCount;
    }

    /** The row's day, as {@link LocalDate#toEpochDay()}. */
    public long dayEpochDay(int row) {
        return dayValue(row, 0);
    }

    public long dayChannelId(int row) {
        return dayValue(row, 1);
    }

    public long dayVoiceMs(int row) {
        return dayValue(row, 2);
    }

    public long dayXp(int row) {
        return dayValue(row, 3);
    }

    public long dayMessages(int row) {
        return dayValue(row, 4);
    }

    /** Column {@code column} of day row {@code row}: {epochDay, channelId, voiceMs, xp, messages}. */
    private long dayValue(int row, int column) {
        MemberDelta d = only;
        if (d != null) {
            checkRow(row, dayCount());
            return switch (column) {
                case 0 -> d.day().toEpochDay();
                case 1 -> d.channelId();
                case 2 -> d.voiceMs();
                case 3 -> d.xp();
                default -> d.messages();
            };
        }
        Sums s = sums();
        return s.dayRows[checkRow(row, s.dayCount) * DAY_WIDTH + column];
    }

    /** The sums, when the member has more than one delta (every accessor reads {@link #only} first). */
    private Sums sums() {
        return Objects.requireNonNull(sums, "a fold holds a delta or sums");
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
        int n = dayCount();
        for (int i = 0; i < n; i++) {
            long day = dayEpochDay(i);
            if (day != last) {
                last = day;
                action.accept(LocalDate.ofEpochDay(last));
            }
        }
    }

    /** Whether the batch changes the member's all-time value of {@code metric} (never {@link Metric#LEVEL}). */
    public boolean changes(Metric metric) {
        return switch (metric) {
            case XP -> xp() > 0;
            case VOICE_TIME -> voiceMs() > 0;
            case MESSAGES -> messages() > 0;
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
        OverflowRule.add(storedVoiceMs, voiceMs(), guildId, userId);
        OverflowRule.add(storedXp, xp(), guildId, userId);
        OverflowRule.add(storedMessages, messages(), guildId, userId);
        OverflowRule.add(storedSessions, sessions(), guildId, userId);
    }

    /** Sorts the rows (channels by id; days by day, then channel): the order of {@link #channels()} and {@link #days()}. */
    void finish() {
        Sums s = sums;
        if (s != null) { // one delta has one row of each at most
            sortRows(s.channelRows, s.channelCount, CHANNEL_WIDTH, 1);
            sortRows(s.dayRows, s.dayCount, DAY_WIDTH, 2);
        }
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
        return "MemberFold[guild=" + guildId + ", user=" + userId + ", voiceMs=" + voiceMs() + ", xp=" + xp()
                + ", messages=" + messages() + ", sessions=" + sessions() + ", lastSeenMs=" + lastSeenMs() + ", run="
                + streakRun() + ", channels=" + channels() + ", days=" + days() + "]";
    }
}

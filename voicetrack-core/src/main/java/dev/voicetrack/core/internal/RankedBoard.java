package dev.voicetrack.core.internal;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToLongBiFunction;
import java.util.function.ToLongFunction;

/**
 * A whole leaderboard of one guild held in memory, ranked by every metric at once: the members' values in primitive
 * columns indexed by member (members in ascending user id order), and for each metric the members in leaderboard
 * order (value descending, ties by user id ascending, the order of {@code Storage}'s contract) and each member's
 * position in it. A page is a slice of the order, a rank one array read, a member's row a binary search on the ids.
 *
 * <p>Memory: 8 bytes per member per value column (user id, XP, voice time, messages) plus 4 for the level, and 8 per
 * member per ranked metric (order and position): about 70 bytes a member for the four metrics, no object per member.
 *
 * <p>Immutable once built; safe to read from any number of threads.
 */
final class RankedBoard {
    private static final Metric[] METRICS = Metric.values();

    private final long[] users;
    private final long[] xp;
    private final long[] voiceMs;
    private final long[] messages;
    private final int[] level;
    /** Per metric ordinal: member indices in leaderboard order; null for a metric the board is not ranked by. */
    private final int[][] order;
    /** Per metric ordinal: each member index's 0-based position in {@link #order}. */
    private final int[][] position;

    /**
     * A board of {@code rows} in ascending user id order (member stats, or a windowed board's entries: each
     * carries every metric's value), read into columns.
     *
     * @param rankLevel whether to rank by {@link Metric#LEVEL} too
     */
    static <T> RankedBoard of(
            List<T> rows, ToLongFunction<T> userId, ToLongBiFunction<T, Metric> value, boolean rankLevel) {
        int n = rows.size();
        long[] users = new long[n];
        long[] xp = new long[n];
        long[] voice = new long[n];
        long[] messages = new long[n];
        int[] level = new int[n];
        for (int i = 0; i < n; i++) {
            T row = rows.get(i);
            users[i] = userId.applyAsLong(row);
            xp[i] = value.applyAsLong(row, Metric.XP);
            voice[i] = value.applyAsLong(row, Metric.VOICE_TIME);
            messages[i] = value.applyAsLong(row, Metric.MESSAGES);
            level[i] = (int) value.applyAsLong(row, Metric.LEVEL);
        }
        return new RankedBoard(users, xp, voice, messages, level, rankLevel);
    }

    /**
     * Takes the columns as they are (not copied): {@code users} strictly ascending, every column of the same length.
     *
     * @param rankLevel whether to rank by {@link Metric#LEVEL} too (windowed boards are not: level is all time only)
     */
    RankedBoard(long[] users, long[] xp, long[] voiceMs, long[] messages, int[] level, boolean rankLevel) {
        int n = users.length;
        if (xp.length != n || voiceMs.length != n || messages.length != n || level.length != n) {
            throw new IllegalArgumentException("columns must all have " + n + " entries");
        }
        for (int i = 1; i < n; i++) {
            if (users[i - 1] >= users[i]) {
                throw new IllegalArgumentException(
                        "users must be strictly ascending, was " + users[i - 1] + " then " + users[i] + " at " + i);
            }
        }
        this.users = users;
        this.xp = xp;
        this.voiceMs = voiceMs;
        this.messages = messages;
        this.level = level;
        this.order = new int[METRICS.length][];
        this.position = new int[METRICS.length][];
        for (Metric m : METRICS) {
            if (m == Metric.LEVEL && !rankLevel) {
                continue;
            }
            int[] o = sortedByValue(m);
            int[] p = new int[n];
            for (int pos = 0; pos < n; pos++) {
                p[o[pos]] = pos;
            }
            order[m.ordinal()] = o;
            position[m.ordinal()] = p;
        }
    }

    int size() {
        return users.length;
    }

    /** The member's index in the columns, or a negative number if it is not on the board. */
    int indexOf(long userId) {
        return Arrays.binarySearch(users, userId);
    }

    /** The member's 1-based rank by the metric, empty if it is not on the board. */
    OptionalInt rank(long userId, Metric metric) {
        int i = indexOf(userId);
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(position[ranked(metric)][i] + 1);
    }

    /** The rows at positions {@code offset} to {@code offset + limit - 1}, as many as there are. */
    List<LeaderboardEntry> page(Metric metric, int limit, int offset) {
        int[] o = order[ranked(metric)];
        int end = (int) Math.min(o.length, (long) offset + limit);
        var out = new ArrayList<LeaderboardEntry>(Math.max(0, end - offset));
        for (int pos = offset; pos < end; pos++) {
            int i = o[pos];
            out.add(new LeaderboardEntry(pos + 1, users[i], xp[i], voiceMs[i], messages[i], level[i]));
        }
        return out;
    }

    /** The metric's ordinal, if the board is ranked by it. */
    private int ranked(Metric metric) {
        if (order[metric.ordinal()] == null) {
            throw new IllegalArgumentException("this board is not ranked by " + metric.key());
        }
        return metric.ordinal();
    }

    private long value(Metric metric, int i) {
        return switch (metric) {
            case XP -> xp[i];
            case VOICE_TIME -> voiceMs[i];
            case MESSAGES -> messages[i];
            case LEVEL -> level[i];
        };
    }

    /**
     * The member indices by value descending; a stable merge sort, so that equal values keep the index order, which
     * is the user id order (ties by user id ascending).
     */
    private int[] sortedByValue(Metric metric) {
        int n = users.length;
        long[] v = new long[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = value(metric, i);
            a[i] = i;
        }
        int[] b = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi) {
                    b[k++] = v[a[j]] > v[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    b[k++] = a[i++];
                }
                while (j < hi) {
                    b[k++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }
}

package dev.voicetrack.core;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import org.jspecify.annotations.Nullable;

/**
 * The time window of a leaderboard, rank or stats query, in the guild's time zone. Immutable.
 *
 * @param kind which window
 * @param days the number of days for {@link Kind#LAST_DAYS} (today included), else 0
 */
public record Window(Kind kind, int days) {

    public enum Kind {
        ALL_TIME,
        LAST_DAYS,
        THIS_WEEK,
        THIS_MONTH
    }

    /** The largest {@code N} of "last N days". */
    public static final int MAX_DAYS = 3660;

    private static final Window ALL = new Window(Kind.ALL_TIME, 0);
    private static final Window WEEK = new Window(Kind.THIS_WEEK, 0);
    private static final Window MONTH = new Window(Kind.THIS_MONTH, 0);

    /** @throws IllegalArgumentException if {@code days} does not fit the kind */
    public Window {
        Checks.notNull(kind, "kind");
        if (kind == Kind.LAST_DAYS) {
            if (days < 1 || days > MAX_DAYS) {
                throw new IllegalArgumentException("days must be in 1.." + MAX_DAYS + ", was " + days);
            }
        } else if (days != 0) {
            throw new IllegalArgumentException("days must be 0 for " + kind + ", was " + days);
        }
    }

    public static Window allTime() {
        return ALL;
    }

    /** The last {@code n} days, today included. */
    public static Window lastDays(int n) {
        return new Window(Kind.LAST_DAYS, n);
    }

    /** Since Monday of the current ISO week. */
    public static Window thisWeek() {
        return WEEK;
    }

    /** Since the first of the current month. */
    public static Window thisMonth() {
        return MONTH;
    }

    /** A short stable name used in cache keys: {@code all}, {@code 7d}, {@code week}, {@code month}. */
    public String key() {
        return switch (kind) {
            case ALL_TIME -> "all";
            case LAST_DAYS -> days + "d";
            case THIS_WEEK -> "week";
            case THIS_MONTH -> "month";
        };
    }

    /** The first day of the window for the given "today", or {@code null} for all time. */
    public @Nullable LocalDate firstDay(LocalDate today) {
        return switch (kind) {
            case ALL_TIME -> null;
            case LAST_DAYS -> today.minusDays(days - 1L);
            case THIS_WEEK -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case THIS_MONTH -> today.withDayOfMonth(1);
        };
    }
}

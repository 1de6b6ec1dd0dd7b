package dev.voicetrack.core.storage.kernel;

import java.time.LocalDate;

/**
 * The streak: the number of consecutive days, in the guild's time zone, on which a member was active
 * (earned voice time, XP or messages), ending at its last active day. The one place it is computed;
 * every backend applies it through this class, in Java or through the SQL text it gives.
 *
 * <h2>The rule</h2>
 *
 * <p>A member starts with streak 0 and last active day {@link LocalDate#EPOCH}. Each active day
 * {@code d}, in batch order: if {@code d} is on or before the last active day nothing changes (the
 * same day, or a late increment for an older day: the streak ending at the last active day stands);
 * if it is the day after, the streak grows by one; otherwise it restarts at 1. The last active day
 * becomes {@code d}.
 *
 * <h2>A batch in one step</h2>
 *
 * <p>Only the days of a batch that are later than every earlier day of the batch can change
 * anything (the others are on or before the last active day by the time they come), and of those
 * only the last run of consecutive days matters. {@link BatchFold} therefore reduces a member's days
 * to a {@link Run} (its last day and its length), and {@link #apply} gives the same result as
 * applying the days one by one: if the run ends on or before the stored last active day nothing
 * changes; if the stored day is at or after the day before the run starts, the stored streak grows
 * by the days the run adds after it; else the streak is the run's length. Days on or before {@link
 * LocalDate#EPOCH} never change a stored streak (the stored day is never earlier), so the fold leaves
 * them out, and then a new member's streak is exactly the run's length: a backend inserts a new
 * member with {@code streak = run.length()} and {@code lastActiveDay = run.end()}, and updates an
 * existing one with {@link #SQL_STREAK} and {@link #SQL_LAST_ACTIVE_DAY}.
 */
public final class StreakRule {
    private StreakRule() {}

    /** The stored streak and last active day of a member (epoch days). */
    public record State(int streak, long lastActiveDay) {
        /** A new member: streak 0 on {@link LocalDate#EPOCH}. */
        public static final State NEW = new State(0, 0);

        public LocalDate lastActiveDate() {
            return LocalDate.ofEpochDay(lastActiveDay);
        }
    }

    /**
     * The last run of consecutive active days of a batch (epoch days {@code end - length + 1 .. end},
     * all after {@link LocalDate#EPOCH}), or {@link #NONE}.
     */
    public record Run(long end, int length) {
        /** No active day after the epoch: changes nothing. */
        public static final Run NONE = new Run(0, 0);

        public Run {
            if (length < 0 || (length == 0) != (end == 0) || (length > 0 && end - length < 0)) {
                throw new IllegalArgumentException(
                        "not a run of days after the epoch, was end=" + end + ", length=" + length);
            }
        }

        public boolean isEmpty() {
            return length == 0;
        }

        /** The run after one more active day {@code day} of the batch, in batch order. */
        public Run then(long day) {
            return day <= 0 || day <= end ? this : new Run(day, lengthThen(end, length, day));
        }
    }

    /**
     * The length of a run ending at {@code end} after one more active day of the batch; it then ends
     * at {@code max(end, day)}. A day not later than the run's end, or on or before the epoch, changes
     * nothing (by the time it comes the stored day is at least as late).
     */
    static int lengthThen(long end, int length, long day) {
        if (day <= 0 || day <= end) {
            return length;
        }
        return day == end + 1 && length > 0 ? length + 1 : 1;
    }

    /** One active day applied to a stored state (the rule, day by day). */
    public static State step(State s, long day) {
        if (day <= s.lastActiveDay()) {
            return s;
        }
        return new State(day == s.lastActiveDay() + 1 ? s.streak() + 1 : 1, day);
    }

    /** The streak after one active day, day by day, without allocating ({@link #step} in parts). */
    public static int nextStreak(int streak, long lastActiveDay, long day) {
        if (day <= lastActiveDay) {
            return streak;
        }
        return day == lastActiveDay + 1 ? streak + 1 : 1;
    }

    /** The last active day after one active day (the later of the two). */
    public static long nextLastActiveDay(long lastActiveDay, long day) {
        return Math.max(lastActiveDay, day);
    }

    /** A batch's run applied to a stored state; equal to {@link #step}ping through the batch's days. */
    public static State apply(State s, Run run) {
        if (run.isEmpty() || run.end() <= s.lastActiveDay()) {
            return s;
        }
        if (run.end() - run.length() <= s.lastActiveDay()) {
            return new State((int) (s.streak() + run.end() - s.lastActiveDay()), run.end());
        }
        return new State(run.length(), run.end());
    }

    // ------------------------------------------------------------------ SQL forms

    /**
     * The new {@code streak} of an upsert's conflict branch ({@code ON CONFLICT ... DO UPDATE SET
     * streak = <this>}), for SQLite and PostgreSQL alike. {@code t} is the member table's name (or
     * alias); the inserted row must carry {@code streak = run.length()} and {@code last_active_day =
     * run.end()} (epoch days), so {@code excluded} holds the run. Columns: {@code streak} (integer),
     * {@code last_active_day} (epoch day, integer).
     */
    public static String sqlStreak(String t) {
        return "CASE WHEN excluded.streak = 0 OR excluded.last_active_day <= " + t + ".last_active_day THEN " + t
                + ".streak WHEN excluded.last_active_day - excluded.streak <= " + t + ".last_active_day THEN " + t
                + ".streak + (excluded.last_active_day - " + t + ".last_active_day) ELSE excluded.streak END";
    }

    /** The new {@code last_active_day} of the same conflict branch (see {@link #sqlStreak}). */
    public static String sqlLastActiveDay(String t) {
        return "CASE WHEN excluded.streak > 0 AND excluded.last_active_day > " + t + ".last_active_day THEN"
                + " excluded.last_active_day ELSE " + t + ".last_active_day END";
    }

    /** {@link #sqlStreak} for the table {@code vt_members}. */
    public static final String SQL_STREAK = sqlStreak("vt_members");

    /** {@link #sqlLastActiveDay} for the table {@code vt_members}. */
    public static final String SQL_LAST_ACTIVE_DAY = sqlLastActiveDay("vt_members");
}

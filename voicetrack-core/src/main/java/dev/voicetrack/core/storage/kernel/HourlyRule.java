package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.StorageException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The hourly activity rules, in one place: how an hour is numbered, what a delta adds to it, how long
 * hours are kept, and how stored rows become an {@link HourlyActivity}.
 *
 * <h2>Hours</h2>
 *
 * An hour is a <em>local hour slot</em>: {@code epochDay * 24 + hourOfDay}, with the day and the hour
 * of day in the guild's time zone, the same zone that gives a delta its {@code day}. So an hour
 * always lies within its day (also in zones offset by half an hour), {@code slot / 24} is the day,
 * and a heatmap by hour of day and day of week reads the slots directly. When clocks go back, the
 * repeated local hour holds both real hours; when they go forward, the skipped hour has no slot.
 * Backends store the slot as a plain integer.
 *
 * <h2>What counts</h2>
 *
 * A delta with an hour ({@code hour != MemberDelta.NO_HOUR}) adds its voice time and messages to its
 * guild's (slot, channel) row when one of them is positive; XP and sessions are not kept per hour.
 *
 * <h2>Retention</h2>
 *
 * Rows older than {@code retentionDays} days, counted back from the newest day a write adds to, are
 * pruned inside that write (the same transaction or file write), at most once per guild and day and
 * process ({@link HourlyPruning}), by a range delete on the (guild, slot) key: never a scan per tick.
 */
public final class HourlyRule {
    /** Days of hourly activity kept by default. */
    public static final int DEFAULT_RETENTION_DAYS = 90;
    /** The most days of hourly activity a storage may keep (about ten years). */
    public static final int MAX_RETENTION_DAYS = 3660;

    private HourlyRule() {}

    /** The slot of an hour of a day. */
    public static long slot(LocalDate day, int hourOfDay) {
        return day.toEpochDay() * 24 + hourOfDay;
    }

    /** The slot of the local hour an instant falls in, in a zone. */
    public static long slotOf(Instant t, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(t, zone);
        return slot(local.toLocalDate(), local.getHour());
    }

    /** The day a slot belongs to. */
    public static LocalDate day(long slot) {
        return LocalDate.ofEpochDay(Math.floorDiv(slot, 24));
    }

    /** The start of a slot's hour, local time. */
    public static LocalDateTime start(long slot) {
        return day(slot).atTime(Math.floorMod(slot, 24), 0);
    }

    /** The first slot of a range. */
    public static long firstSlot(DayRange range) {
        return slot(range.from(), 0);
    }

    /** The slot after the last one of a range. */
    public static long endSlot(DayRange range) {
        return slot(range.to().plusDays(1), 0);
    }

    /**
     * Checks a retention setting.
     *
     * @return {@code days}
     * @throws IllegalArgumentException naming the setting and the value unless 1 to {@link
     *     #MAX_RETENTION_DAYS}
     */
    public static int checkRetentionDays(int days) {
        if (days < 1 || days > MAX_RETENTION_DAYS) {
            throw new IllegalArgumentException(
                    "hourlyRetentionDays must be between 1 and " + MAX_RETENTION_DAYS + ", was " + days);
        }
        return days;
    }

    /** The first slot kept when the newest slot written is {@code newestSlot}: every older one goes. */
    public static long keptFrom(long newestSlot, int retentionDays) {
        return slot(day(newestSlot).minusDays(retentionDays - 1L), 0);
    }

    /**
     * {@code total + increment} for an hourly row.
     *
     * @throws StorageException if it overflows (then nothing of the batch may be written)
     */
    static long add(long total, long increment, long guildId, long slot) {
        long r = total + increment;
        if (((total ^ r) & (increment ^ r)) < 0) {
            throw new StorageException(
                    "batch rejected: the activity of guild " + guildId + " in hour " + start(slot) + " would overflow");
        }
        return r;
    }

    /**
     * Builds the answer of a query from a guild's stored rows.
     *
     * @param rows {slot, channelId, voiceMs, messages} per stored row within the range, by slot then
     *     channel ascending
     */
    public static HourlyActivity activity(long guildId, DayRange range, List<long[]> rows) {
        var totals = new ArrayList<HourlyActivity.Total>();
        var channels = new ArrayList<HourlyActivity.Channel>(rows.size());
        long slot = Long.MIN_VALUE;
        long voice = 0;
        long messages = 0;
        for (long[] r : rows) {
            if (r[0] != slot) {
                if (slot != Long.MIN_VALUE) {
                    totals.add(new HourlyActivity.Total(start(slot), voice, messages));
                }
                slot = r[0];
                voice = 0;
                messages = 0;
            }
            voice = saturated(voice, r[2]);
            messages = saturated(messages, r[3]);
            channels.add(new HourlyActivity.Channel(start(r[0]), r[1], r[2], r[3]));
        }
        if (slot != Long.MIN_VALUE) {
            totals.add(new HourlyActivity.Total(start(slot), voice, messages));
        }
        return new HourlyActivity(guildId, range, totals, channels);
    }

    private static long saturated(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}

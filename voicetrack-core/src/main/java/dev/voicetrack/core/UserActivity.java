package dev.voicetrack.core;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A member's activity over a range of days in the guild's time zone (both ends included), what
 * {@link VoiceTracker#getUserStats} returns. Deeply immutable.
 *
 * @param days one entry per day with activity, oldest first
 * @param channels totals per channel (voice channels for voice time and XP, text channels for
 *     messages)
 */
public record UserActivity(
        long guildId,
        long userId,
        LocalDate from,
        LocalDate to,
        long voiceTimeMs,
        long xp,
        long messages,
        List<Day> days,
        Map<Long, Totals> channels) {

    public UserActivity {
        days = List.copyOf(days);
        channels = Map.copyOf(channels);
    }

    /** One day's totals. */
    public record Day(LocalDate day, long voiceTimeMs, long xp, long messages) {}

    /** One channel's totals over the range. */
    public record Totals(long channelId, long voiceTimeMs, long xp, long messages) {}
}

package dev.voicetrack.core.storage;

import java.time.LocalDateTime;
import java.util.List;

/**
 * A guild's hourly activity over a range of days ({@link Storage#hourlyActivity}): voice time and
 * messages per local hour of the guild's time zone, as guild totals and per channel. Hours without
 * activity are left out. Immutable.
 *
 * @param guildId the guild
 * @param range the days asked for, in the guild's time zone
 * @param totals per hour, the sums over every channel, by hour ascending
 * @param channels per hour and channel (0 = none), by hour then channel ascending
 */
public record HourlyActivity(long guildId, DayRange range, List<Total> totals, List<Channel> channels) {

    public HourlyActivity {
        totals = List.copyOf(totals);
        channels = List.copyOf(channels);
    }

    /**
     * A guild's activity in one hour.
     *
     * @param hour the start of the hour, local time in the guild's time zone
     */
    public record Total(LocalDateTime hour, long voiceMs, long messages) {}

    /**
     * A guild's activity in one hour in one channel.
     *
     * @param hour the start of the hour, local time in the guild's time zone
     * @param channelId the channel, 0 for none
     */
    public record Channel(LocalDateTime hour, long channelId, long voiceMs, long messages) {}
}

package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.kernel.LongObjectMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** A guild as the engine follows it. Confined to the engine lock. */
final class GuildState {
    final long guildId;
    GuildConfig config;
    /** By user id; a primitive map, since a large bot follows 100,000 members in voice here. */
    final LongObjectMap<MemberState> members = new LongObjectMap<>();

    final Map<Long, ChannelState> channels = new HashMap<>();
    final Map<Long, Instant> lastMessageXp = new HashMap<>();
    /** The day (in the guild's zone) that ends at {@link #dayEnd}, cached to avoid zone math per member. */
    LocalDate day = LocalDate.EPOCH;

    Instant dayStart = Instant.MAX;
    Instant dayEnd = Instant.MIN;

    /** The local hour of day (in the guild's zone) from {@link #hourStart} to {@link #hourEnd}, cached likewise. */
    int hour;

    Instant hourStart = Instant.MAX;
    Instant hourEnd = Instant.MIN;

    GuildState(long guildId, GuildConfig config) {
        this.guildId = guildId;
        this.config = config;
    }

    /** The day containing {@code t} in the guild's time zone. */
    LocalDate dayOf(Instant t) {
        if (t.isBefore(dayStart) || !t.isBefore(dayEnd)) {
            var zone = config.timeZone();
            day = LocalDate.ofInstant(t, zone);
            dayStart = day.atStartOfDay(zone).toInstant();
            dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        return day;
    }

    /** The start of the day after the one containing {@code t}. */
    Instant nextDayStart(Instant t) {
        dayOf(t);
        return dayEnd;
    }

    /**
     * The hour of day (0 to 23, local time in the guild's zone) containing {@code t}: with {@link
     * #dayOf}, the hour a delta made at {@code t} belongs to (see {@code HourlyRule}).
     */
    int hourOf(Instant t) {
        if (t.isBefore(hourStart) || !t.isBefore(hourEnd)) {
            ZonedDateTime start = t.atZone(config.timeZone()).truncatedTo(ChronoUnit.HOURS);
            Instant begin = start.toInstant();
            // The next local hour starts an hour later, or earlier where clocks jump by less than an hour.
            Instant end = start.plusHours(1).truncatedTo(ChronoUnit.HOURS).toInstant();
            if (!end.isAfter(t)) {
                end = start.plusHours(1).toInstant();
            }
            Instant nextDay = nextDayStart(t);
            hourStart = begin.isAfter(t) ? t : begin;
            hourEnd = end.isAfter(nextDay) ? nextDay : end;
            hour = LocalDateTime.ofInstant(t, config.timeZone()).getHour();
        }
        return hour;
    }

    /** The start of the local hour after the one containing {@code t} (never after the next day's start). */
    Instant nextHourStart(Instant t) {
        hourOf(t);
        return hourEnd;
    }

    void configChanged(GuildConfig newConfig) {
        this.config = newConfig;
        this.dayStart = Instant.MAX;
        this.dayEnd = Instant.MIN;
        this.hourStart = Instant.MAX;
        this.hourEnd = Instant.MIN;
        for (ChannelState c : channels.values()) {
            c.company = -1;
        }
    }
}

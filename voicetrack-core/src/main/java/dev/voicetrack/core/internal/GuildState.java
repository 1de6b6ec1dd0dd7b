package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/** A guild as the engine follows it. Confined to the engine lock. */
final class GuildState {
    final long guildId;
    GuildConfig config;
    final Map<Long, MemberState> members = new HashMap<>();
    final Map<Long, ChannelState> channels = new HashMap<>();
    final Map<Long, Instant> lastMessageXp = new HashMap<>();
    /** The day (in the guild's zone) that ends at {@link #dayEnd}, cached to avoid zone math per member. */
    LocalDate day = LocalDate.EPOCH;

    Instant dayStart = Instant.MAX;
    Instant dayEnd = Instant.MIN;

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

    void configChanged(GuildConfig newConfig) {
        this.config = newConfig;
        this.dayStart = Instant.MAX;
        this.dayEnd = Instant.MIN;
        for (ChannelState c : channels.values()) {
            c.company = -1;
        }
    }
}

package dev.voicetrack.core;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * A member's stored totals in one guild (what {@link VoiceTracker#getUser} returns). Deeply
 * immutable, so it can be cached as it is.
 *
 * @param voiceTimeMs total voice time
 * @param level the stored level; raised by the tracker when XP crosses a threshold, set by admins
 * @param sessions voice sessions started
 * @param messages messages counted
 * @param lastSeen last accrual or message, {@link Instant#EPOCH} if never
 * @param streak consecutive active days (in the guild's time zone) ending on {@code lastActiveDay}
 * @param lastActiveDay the last day with any activity, {@link LocalDate#EPOCH} if never
 * @param channels per voice channel totals
 * @param metadata free-form key/value pairs edited by admins
 */
public record MemberStats(
        long guildId,
        long userId,
        long voiceTimeMs,
        long xp,
        int level,
        long sessions,
        long messages,
        Instant lastSeen,
        int streak,
        LocalDate lastActiveDay,
        Map<Long, ChannelStats> channels,
        Map<String, String> metadata) {

    public MemberStats {
        Checks.notNull(lastSeen, "lastSeen");
        Checks.notNull(lastActiveDay, "lastActiveDay");
        channels = Map.copyOf(Checks.notNull(channels, "channels"));
        metadata = Map.copyOf(Checks.notNull(metadata, "metadata"));
    }

    /** A member with nothing recorded. */
    public static MemberStats empty(long guildId, long userId) {
        return new MemberStats(guildId, userId, 0, 0, 0, 0, 0, Instant.EPOCH, 0, LocalDate.EPOCH, Map.of(), Map.of());
    }

    /** The totals of one channel, if the member was ever there. */
    public Optional<ChannelStats> channel(long channelId) {
        return Optional.ofNullable(channels.get(channelId));
    }

    /** The value of a metric. */
    public long value(Metric metric) {
        return switch (metric) {
            case XP -> xp;
            case VOICE_TIME -> voiceTimeMs;
            case LEVEL -> level;
            case MESSAGES -> messages;
        };
    }

    /** Per-channel voice totals. */
    public record ChannelStats(long channelId, long voiceTimeMs, long sessions) {}
}

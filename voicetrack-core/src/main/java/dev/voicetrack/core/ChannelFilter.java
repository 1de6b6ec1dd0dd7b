package dev.voicetrack.core;

/**
 * A runtime filter on voice channels (the original's {@code channelFilter}); {@code false} means "do
 * not track anyone in this channel". Not persisted: see {@link GuildConfig#channelFilter()}. Called
 * on the tick thread; must be fast and must not block.
 */
@FunctionalInterface
public interface ChannelFilter {
    /** Accepts every channel. */
    ChannelFilter ALL = (guildId, channelId, memberCount) -> true;

    boolean test(long guildId, long channelId, int memberCount);
}

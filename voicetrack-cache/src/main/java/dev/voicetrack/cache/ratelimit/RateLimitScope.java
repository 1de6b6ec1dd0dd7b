package dev.voicetrack.cache.ratelimit;

/** Who a rate limit rule counts separately. */
public enum RateLimitScope {
    /** One budget per user and command ({@code cmd_rate_limit:{command}:{userId}} in the original). */
    USER_COMMAND,
    /** One budget per guild and action ({@code guild_rate_limit:{action}:{guildId}}). */
    GUILD_ACTION,
    /** One budget for everybody. */
    GLOBAL
}

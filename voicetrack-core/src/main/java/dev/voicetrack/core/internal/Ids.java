package dev.voicetrack.core.internal;

/** The id checks of the tracker's public operations, with their error texts in one place. */
final class Ids {
    private Ids() {}

    /** @throws IllegalArgumentException if {@code guildId} is not a snowflake id */
    static void checkGuild(long guildId) {
        if (guildId <= 0) {
            throw new IllegalArgumentException("guildId must be a snowflake id > 0, was " + guildId);
        }
    }

    /** @throws IllegalArgumentException if either id is not a snowflake id */
    static void checkMember(long guildId, long userId) {
        checkGuild(guildId);
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be a snowflake id > 0, was " + userId);
        }
    }
}

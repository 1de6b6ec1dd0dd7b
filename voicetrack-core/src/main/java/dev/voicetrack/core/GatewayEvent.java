package dev.voicetrack.core;

/**
 * What an adapter (JDA, a simulator, a test) reports to the tracker. The tracker stamps each event
 * with its clock when it is {@linkplain VoiceTracker#accept accepted} and applies events in that
 * order at the next tick; accepting never blocks and never does I/O.
 */
public sealed interface GatewayEvent {
    long guildId();

    long userId();

    /** A member joined a voice channel. */
    record VoiceJoined(long guildId, long userId, long channelId, MemberInfo member, VoiceFlags flags)
            implements GatewayEvent {
        public VoiceJoined {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
            Checks.snowflake(channelId, "channelId");
            Checks.notNull(member, "member");
            Checks.notNull(flags, "flags");
        }
    }

    /** A member left voice. */
    record VoiceLeft(long guildId, long userId) implements GatewayEvent {
        public VoiceLeft {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
        }
    }

    /** A member moved to another voice channel. */
    record VoiceMoved(long guildId, long userId, long channelId) implements GatewayEvent {
        public VoiceMoved {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
            Checks.snowflake(channelId, "channelId");
        }
    }

    /** A member's self or server mute or deafen changed. */
    record VoiceFlagsChanged(long guildId, long userId, VoiceFlags flags) implements GatewayEvent {
        public VoiceFlagsChanged {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
            Checks.notNull(flags, "flags");
        }
    }

    /** A member's roles, boost or permissions changed. */
    record MemberUpdated(long guildId, long userId, MemberInfo member) implements GatewayEvent {
        public MemberUpdated {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
            Checks.notNull(member, "member");
        }
    }

    /** A member sent a message in a text channel. */
    record MessageSent(long guildId, long userId, long channelId, MemberInfo member) implements GatewayEvent {
        public MessageSent {
            Checks.snowflake(guildId, "guildId");
            Checks.snowflake(userId, "userId");
            Checks.snowflake(channelId, "channelId");
            Checks.notNull(member, "member");
        }
    }
}

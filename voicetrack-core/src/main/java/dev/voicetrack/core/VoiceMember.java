package dev.voicetrack.core;

/** One member in voice, as a {@link VoiceView} reports it. Immutable. */
public record VoiceMember(long guildId, long userId, long channelId, MemberInfo member, VoiceFlags flags) {
    public VoiceMember {
        Checks.snowflake(guildId, "guildId");
        Checks.snowflake(userId, "userId");
        Checks.snowflake(channelId, "channelId");
        Checks.notNull(member, "member");
        Checks.notNull(flags, "flags");
    }
}

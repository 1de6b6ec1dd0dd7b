package dev.voicetrack.core;

/**
 * A member in voice as strategies and filters see it during a tick. Implementations are owned by the
 * tracker and may be reused for the next member as soon as the call returns: copy what you need, do
 * not keep the object.
 */
public interface MemberContext {
    long guildId();

    long userId();

    /** The voice channel the member is in. */
    long channelId();

    MemberInfo member();

    VoiceFlags flags();

    /** How many members are in the member's channel, the member included. */
    int channelSize();

    /** The guild's configuration. */
    GuildConfig config();
}

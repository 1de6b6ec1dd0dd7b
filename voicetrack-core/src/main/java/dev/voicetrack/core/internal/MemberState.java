package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberContext;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import java.time.Instant;

/**
 * A member in voice, as the engine follows it. Confined to the engine lock. Implements {@link
 * MemberContext} itself so that strategies and filters see it without an allocation per member.
 */
final class MemberState implements MemberContext {
    final GuildState guild;
    final long userId;
    ChannelState channel;
    MemberInfo info;
    VoiceFlags flags;

    String sessionId;
    Instant sessionStart;
    long sessionXp;
    long sessionMutedMs;
    long sessionDeafenedMs;
    /**
     * Epoch millis from which this session's open row is due to be written again; {@link Long#MIN_VALUE}
     * while the row has not been written (a new or resumed session, or after a failed write).
     */
    long rowDueMs = Long.MIN_VALUE;
    /** Time up to which this member's voice time has been accounted. */
    Instant accountedUntil;
    /** Tracked ms since the last check, for per-check strategies other than {@code elapsed}. */
    long measuredMs;
    /** Increments not yet written for the current channel and day (other ones go to the engine's map). */
    final Increments pending = new Increments();

    MemberState(GuildState guild, long userId, ChannelState channel, MemberInfo info, VoiceFlags flags, Instant now) {
        this.guild = guild;
        this.userId = userId;
        this.channel = channel;
        this.info = info;
        this.flags = flags;
        this.accountedUntil = now;
        this.sessionStart = now;
        this.sessionId = "";
    }

    @Override
    public long guildId() {
        return guild.guildId;
    }

    @Override
    public long userId() {
        return userId;
    }

    @Override
    public long channelId() {
        return channel.channelId;
    }

    @Override
    public MemberInfo member() {
        return info;
    }

    @Override
    public VoiceFlags flags() {
        return flags;
    }

    @Override
    public int channelSize() {
        return channel.members.size();
    }

    @Override
    public GuildConfig config() {
        return guild.config;
    }
}

package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberContext;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A member in voice, as the engine follows it. Confined to the engine lock. Implements {@link
 * MemberContext} itself so that strategies and filters see it without an allocation per member, and is
 * itself the accumulator of its increments not yet written for its current channel and day (the
 * {@link Increments} fields; other ones go to the engine's map). Note that the inherited field {@code
 * channelId} is the accumulator's channel, which {@link #channelId()} (the current channel) need not be.
 */
final class MemberState extends Increments implements MemberContext {
    final GuildState guild;
    final long userId;
    ChannelState channel;
    MemberInfo info;
    VoiceFlags flags;

    /**
     * The session id, when it is a UUID in canonical form (every id this engine makes): its two halves,
     * so that a member in voice holds no 80-byte string. See {@link #sessionId()}.
     */
    private long sessionIdHigh;

    private long sessionIdLow;
    /** The session id when it is not a canonical UUID (a resumed row written elsewhere), else null. */
    private @Nullable String otherSessionId;

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

    MemberState(GuildState guild, long userId, ChannelState channel, MemberInfo info, VoiceFlags flags, Instant now) {
        this.guild = guild;
        this.userId = userId;
        this.channel = channel;
        this.info = info;
        this.flags = flags;
        this.accountedUntil = now;
        this.sessionStart = now;
        this.otherSessionId = "";
    }

    /** The current session's id, as a new string (made only when a row or event needs it). */
    String sessionId() {
        String other = otherSessionId;
        return other != null ? other : new UUID(sessionIdHigh, sessionIdLow).toString();
    }

    /** Whether the session id is a canonical UUID, held as {@link #sessionIdHigh} and {@link #sessionIdLow}. */
    boolean hasCanonicalSessionId() {
        return otherSessionId == null;
    }

    long sessionIdHigh() {
        return sessionIdHigh;
    }

    long sessionIdLow() {
        return sessionIdLow;
    }

    /** Starts a session with a new random id; returns it. */
    UUID newSessionId() {
        UUID id = UUID.randomUUID();
        sessionIdHigh = id.getMostSignificantBits();
        sessionIdLow = id.getLeastSignificantBits();
        otherSessionId = null;
        return id;
    }

    /** Resumes a session with a stored id, kept as two longs when it is a canonical UUID. */
    void sessionId(String id) {
        UUID uuid = canonicalUuid(id);
        if (uuid == null) {
            otherSessionId = id;
        } else {
            sessionIdHigh = uuid.getMostSignificantBits();
            sessionIdLow = uuid.getLeastSignificantBits();
            otherSessionId = null;
        }
    }

    /** The UUID whose {@link UUID#toString()} is exactly {@code id}, or null if there is none. */
    private static @Nullable UUID canonicalUuid(String id) {
        if (id.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
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

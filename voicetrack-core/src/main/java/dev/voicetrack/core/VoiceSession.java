package dev.voicetrack.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A voice session: one member's continuous stay in one channel. Open sessions ({@code end == null})
 * are stored too, with the instant up to which they were accounted ({@code lastAccrual}), so that
 * they survive a restart. Immutable.
 *
 * @param id unique id
 * @param durationMs {@code (end or lastAccrual) - start}
 * @param xpEarned XP earned from voice during the session
 * @param mutedMs time spent muted (self or server) during the session
 * @param deafenedMs time spent deafened (self or server) during the session
 */
public record VoiceSession(
        String id,
        long guildId,
        long userId,
        long channelId,
        Instant start,
        @Nullable Instant end,
        Instant lastAccrual,
        long durationMs,
        long xpEarned,
        long mutedMs,
        long deafenedMs) {

    public VoiceSession {
        Checks.nonBlank(id, "id");
        Checks.snowflake(guildId, "guildId");
        Checks.snowflake(userId, "userId");
        Checks.snowflake(channelId, "channelId");
        Checks.notNull(start, "start");
        Checks.notNull(lastAccrual, "lastAccrual");
        Checks.nonNegative(durationMs, "durationMs");
        Checks.nonNegative(xpEarned, "xpEarned");
        Checks.nonNegative(mutedMs, "mutedMs");
        Checks.nonNegative(deafenedMs, "deafenedMs");
    }

    public boolean open() {
        return end == null;
    }
}

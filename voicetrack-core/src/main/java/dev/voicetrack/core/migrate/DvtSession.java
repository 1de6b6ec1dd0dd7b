package dev.voicetrack.core.migrate;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A discord-vc-tracker session record ({@code SessionData}) as its storage holds it.
 *
 * @param sessionId the stored id ({@code "<startEpochMs>-<userId>"} when the original wrote it)
 * @param userId the member, who may no longer have a member record
 * @param channelId the channel
 * @param start the join time
 * @param end the leave time, null while open
 * @param duration the stored duration in ms; null when missing (open, or 0 in SQLite, which stores
 *     {@code duration || null})
 * @param xpEarned XP credited during the session
 * @param wasMuted muted at the start
 * @param wasDeafened deafened at the start
 */
public record DvtSession(
        String sessionId,
        String userId,
        String channelId,
        Instant start,
        @Nullable Instant end,
        @Nullable Long duration,
        long xpEarned,
        boolean wasMuted,
        boolean wasDeafened) {

    public DvtSession {
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(userId, "userId must not be null");
        Objects.requireNonNull(channelId, "channelId must not be null");
        Objects.requireNonNull(start, "start must not be null");
    }
}

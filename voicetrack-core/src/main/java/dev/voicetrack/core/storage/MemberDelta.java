package dev.voicetrack.core.storage;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * Increments for one member, one channel and one day, part of a {@link Batch}. Storage adds each
 * number to what it holds (creating the member with zeros if needed); it never replaces a total.
 *
 * @param channelId the voice or text channel the increments belong to, or 0 for none; voice time and
 *     sessions are added to the member's per-channel totals when it is not 0
 * @param day the day in the guild's time zone the increments belong to (daily activity and streak)
 * @param voiceMs voice time to add
 * @param xp XP to add
 * @param messages messages to add
 * @param sessions sessions started to add
 * @param lastSeen the member's last-seen instant; storage keeps the later of this and what it holds
 */
public record MemberDelta(
        long guildId,
        long userId,
        long channelId,
        LocalDate day,
        long voiceMs,
        long xp,
        long messages,
        long sessions,
        Instant lastSeen) {

    /** @throws IllegalArgumentException if an id is invalid or an increment is negative */
    public MemberDelta {
        if (guildId <= 0 || userId <= 0 || channelId < 0) {
            throw new IllegalArgumentException("ids must be > 0 (channelId >= 0), was guildId=" + guildId + ", userId="
                    + userId + ", channelId=" + channelId);
        }
        Objects.requireNonNull(day, "day must not be null");
        Objects.requireNonNull(lastSeen, "lastSeen must not be null");
        if (voiceMs < 0 || xp < 0 || messages < 0 || sessions < 0) {
            throw new IllegalArgumentException("increments must be >= 0, was voiceMs=" + voiceMs + ", xp=" + xp
                    + ", messages=" + messages + ", sessions=" + sessions);
        }
    }
}

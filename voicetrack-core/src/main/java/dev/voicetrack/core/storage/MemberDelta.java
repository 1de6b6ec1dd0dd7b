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
 * @param hour the hour of {@code day} (0 to 23, local time in the guild's time zone) the increments
 *     belong to, for the guild's hourly activity; or {@link #NO_HOUR} when the caller does not know it
 *     (an import or a replay of daily rows), and then they count in no hour. A local hour, not an
 *     epoch hour, so that hours line up with {@code day} in every zone (also those offset by half an
 *     hour); when clocks go back, the repeated local hour holds both.
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
        int hour,
        long voiceMs,
        long xp,
        long messages,
        long sessions,
        Instant lastSeen) {

    /** {@link #hour} of increments that belong to no particular hour. */
    public static final int NO_HOUR = -1;

    /**
     * @throws IllegalArgumentException if an id is invalid, the hour is not 0 to 23 or {@link #NO_HOUR},
     *     or an increment is negative
     */
    public MemberDelta {
        if (guildId <= 0 || userId <= 0 || channelId < 0) {
            throw new IllegalArgumentException("ids must be > 0 (channelId >= 0), was guildId=" + guildId + ", userId="
                    + userId + ", channelId=" + channelId);
        }
        Objects.requireNonNull(day, "day must not be null");
        if (hour < NO_HOUR || hour > 23) {
            throw new IllegalArgumentException("hour must be 0 to 23 (or " + NO_HOUR + " for none), was " + hour);
        }
        Objects.requireNonNull(lastSeen, "lastSeen must not be null");
        if (voiceMs < 0 || xp < 0 || messages < 0 || sessions < 0) {
            throw new IllegalArgumentException("increments must be >= 0, was voiceMs=" + voiceMs + ", xp=" + xp
                    + ", messages=" + messages + ", sessions=" + sessions);
        }
    }

    /** Increments that belong to no particular hour ({@link #NO_HOUR}): they count in daily activity only. */
    public MemberDelta(
            long guildId,
            long userId,
            long channelId,
            LocalDate day,
            long voiceMs,
            long xp,
            long messages,
            long sessions,
            Instant lastSeen) {
        this(guildId, userId, channelId, day, NO_HOUR, voiceMs, xp, messages, sessions, lastSeen);
    }
}

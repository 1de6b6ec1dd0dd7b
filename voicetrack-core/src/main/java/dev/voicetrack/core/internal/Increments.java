package dev.voicetrack.core.internal;

import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * Increments not yet written for one member, channel, day and local hour. Confined to the engine lock. Either
 * an entry of the engine's map of increments (its key holds member, channel and day) or the one
 * accumulator a member in voice keeps for its current channel and day ({@link #channelId} and {@link
 * #day} say which), reused tick after tick so that the tick allocates no key per member.
 *
 * <p>A member in voice is its own accumulator: {@link MemberState} extends this class rather than
 * holding an instance, which spares an object header and a reference per member (16 bytes of about
 * 250 for each of 100,000 members in voice in a large bot).
 */
sealed class Increments permits MemberState {
    /** For a member's accumulator: the engine generation it belongs to (older means empty). */
    long generation;

    long channelId;

    @Nullable
    LocalDate day;

    /** The local hour of {@link #day} (see {@code GuildState#hourOf}). */
    int hour;

    long voiceMs;
    long xp;
    long messages;
    long sessions;
    /** The latest instant any increment was made at; null while there is nothing. */
    @Nullable
    Instant lastSeen;

    boolean isEmpty() {
        return lastSeen == null;
    }

    void touch(Instant at) {
        Instant last = lastSeen;
        if (last == null || at.isAfter(last)) {
            lastSeen = at;
        }
    }

    void addTo(Increments other) {
        other.voiceMs += voiceMs;
        other.xp += xp;
        other.messages += messages;
        other.sessions += sessions;
        if (lastSeen != null) {
            other.touch(lastSeen);
        }
    }

    void clear() {
        day = null;
        voiceMs = 0;
        xp = 0;
        messages = 0;
        sessions = 0;
        lastSeen = null;
    }
}

package dev.voicetrack.core.storage;

import dev.voicetrack.core.VoiceSession;
import java.util.List;

/**
 * One atomic write: member increments plus session rows to upsert (by id). Storage applies all of it
 * or none of it. Immutable.
 *
 * @param deltas increments; several may name the same member, channel or day (they add up)
 * @param sessions session rows written as they are (the tracker owns session rows); kept as given when
 *     they are {@link SessionColumns} (immutable, each row made when read), else copied
 */
public record Batch(List<MemberDelta> deltas, List<VoiceSession> sessions) {
    public static final Batch EMPTY = new Batch(List.of(), List.of());

    public Batch {
        deltas = List.copyOf(deltas);
        sessions = sessions instanceof SessionColumns ? sessions : List.copyOf(sessions); // immutable already
    }

    public boolean isEmpty() {
        return deltas.isEmpty() && sessions.isEmpty();
    }
}

package dev.voicetrack.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What one tick did. Immutable.
 *
 * @param at the tracker-clock instant the tick accounted up to
 * @param guilds guilds with members in voice
 * @param membersInVoice members in voice
 * @param trackedMembers members that passed the filters and anti-AFK rules
 * @param eventsApplied gateway events applied
 * @param deltasWritten member increments in the batch written (0 if the write failed)
 * @param written whether the storage write succeeded (also true when there was nothing to write)
 * @param bufferedDeltas increments kept for the next tick because a write failed
 * @param computeTime time spent computing the batch (tracker clock is not used for this)
 * @param totalTime time spent in the tick, storage included
 * @param overran whether the tick took longer than the check interval
 * @param guildsWritten the guilds whose stored figures the write may have changed, so whose cached reads
 *     it invalidated (every guild with members in voice, and those of messages and closed sessions);
 *     empty when the write failed. Unmodifiable
 */
public record TickReport(
        Instant at,
        int guilds,
        int membersInVoice,
        int trackedMembers,
        int eventsApplied,
        int deltasWritten,
        boolean written,
        int bufferedDeltas,
        Duration computeTime,
        Duration totalTime,
        boolean overran,
        Set<Long> guildsWritten) {

    public TickReport {
        guildsWritten = Set.copyOf(guildsWritten);
    }
}

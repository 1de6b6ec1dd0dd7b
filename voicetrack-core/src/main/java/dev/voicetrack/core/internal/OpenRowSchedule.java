package dev.voicetrack.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the row of an open session is written: by the first tick after the session opens, then once
 * per {@code openSessionWriteInterval}, each session at its own phase within that interval, so that
 * the rows of 100,000 members in voice are not all rewritten by every tick. A crash loses at most that
 * interval of an open session's own row (reconciliation closes a session at the {@code lastAccrual} of
 * its stored row); the members' totals are written by every tick regardless.
 *
 * <p>The schedule remembers whose rows went into the batch being built: if that write fails, they are
 * due again at the next tick. Confined to the tracker lock.
 */
final class OpenRowSchedule {
    /** {@link MemberState#rowDueMs} of a session whose row has not been written yet. */
    static final long NOT_WRITTEN = Long.MIN_VALUE;

    private final long intervalMs;
    /** Members whose open session row is in the batch being built. */
    private final List<MemberState> owners = new ArrayList<>();

    OpenRowSchedule(Duration interval) {
        this.intervalMs = interval.toMillis();
    }

    /** A new batch is being built. */
    void beginBatch() {
        owners.clear();
    }

    /**
     * Whether the member's open row goes into the batch being built at {@code nowMs}: it is due, or
     * {@code all} rows are written (the last tick at close). If so, the next due time is set.
     */
    boolean take(MemberState m, long nowMs, boolean all) {
        if (!all && nowMs < m.rowDueMs) {
            return false;
        }
        owners.add(m);
        m.rowDueMs = nextDue(m.rowDueMs, m.sessionId(), nowMs);
        return true;
    }

    /**
     * When a row written at {@code nowMs} is next due: one interval later, except after the session's
     * first write, which sets the phase: a fraction of the interval fixed by the session id, so that
     * members who joined together (say, all of them at a restart) are spread evenly over the following
     * ticks. An interval of zero writes every row at every tick.
     */
    long nextDue(long dueMs, String sessionId, long nowMs) {
        if (intervalMs == 0) {
            return nowMs;
        }
        if (dueMs != NOT_WRITTEN) {
            return nowMs + intervalMs;
        }
        long phase = Math.floorMod(sessionId.hashCode() * 0x9E3779B97F4A7C15L, intervalMs);
        return nowMs + 1 + phase;
    }

    /** The batch committed. */
    void batchWritten() {
        owners.clear();
    }

    /** The batch failed: the rows it held are due again at the next tick. */
    void batchFailed() {
        for (MemberState m : owners) {
            m.rowDueMs = NOT_WRITTEN;
        }
        owners.clear();
    }
}

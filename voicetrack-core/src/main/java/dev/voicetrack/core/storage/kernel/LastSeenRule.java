package dev.voicetrack.core.storage.kernel;

/**
 * Last seen: storage keeps the later of the instant it holds and the one a write brings, so batches
 * applied out of order never move it back. A new member starts at the epoch (0 ms).
 */
public final class LastSeenRule {
    private LastSeenRule() {}

    /** The last-seen epoch millis after a write that brings {@code seenMs}. */
    public static long next(long storedMs, long seenMs) {
        return Math.max(storedMs, seenMs);
    }

    /**
     * The new {@code last_seen_ms} of an upsert's conflict branch, for SQLite and PostgreSQL ({@code t}:
     * the member table's name or alias; the inserted row carries the batch's latest instant).
     */
    public static String sql(String t) {
        return "CASE WHEN excluded.last_seen_ms > " + t + ".last_seen_ms THEN excluded.last_seen_ms ELSE " + t
                + ".last_seen_ms END";
    }

    /** {@link #sql} for the table {@code vt_members}. */
    public static final String SQL = sql("vt_members");
}

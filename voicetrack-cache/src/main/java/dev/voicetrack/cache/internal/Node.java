package dev.voicetrack.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * One stored entry: the value (or the mark of a remembered absence), its tags, its TTL and weight,
 * and its hit counter. Identity matters: the key and tag indexes hold nodes, and every removal is
 * conditional on the exact node, so a newer node under the same key is never touched by the cleanup
 * of an older one. Equality is identity (not overridden).
 */
final class Node<V> {

    private static final VarHandle HITS;
    private static final VarHandle LIVE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HITS = lookup.findVarHandle(Node.class, "hits", long.class);
            LIVE = lookup.findVarHandle(Node.class, "live", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String key;
    final @Nullable V value;
    final String[] tags;
    final long ttlNanos;
    final long bytes;

    @SuppressWarnings("unused") // accessed through HITS
    private volatile long hits;

    @SuppressWarnings("unused") // accessed through LIVE
    private volatile boolean live = true;

    /** The stats epoch in which {@link #hits} was last counted; a reset starts a new epoch. */
    volatile int epoch;

    /**
     * The ticker reading when the node was indexed, inside the compute that stored it: never earlier
     * than Caffeine's own write time, so {@link #expiredAt} never calls a live entry expired.
     */
    volatile long indexedAtNanos;

    /** Whether the hot-key board currently holds this node. Guarded by the board's lock. */
    boolean onBoard;

    Node(String key, @Nullable V value, String[] tags, long ttlNanos, long bytes, int epoch) {
        this.key = key;
        this.value = value;
        this.tags = tags;
        this.ttlNanos = ttlNanos;
        this.bytes = bytes;
        this.epoch = epoch;
    }

    /** Whether this node records that the value is absent (negative caching). */
    boolean isAbsent() {
        return value == null;
    }

    /** Counts a hit in the given stats epoch and returns the node's hits in it. */
    long recordHit(int currentEpoch) {
        if (epoch != currentEpoch) {
            // First hit after a stats reset. Racing hits may be lost here; counts are exact otherwise.
            epoch = currentEpoch;
            hits = 0;
        }
        return (long) HITS.getAndAdd(this, 1L) + 1;
    }

    long hits(int currentEpoch) {
        return epoch == currentEpoch ? hits : 0;
    }

    /** Whether the node's TTL has run out at {@code nowNanos}, by a clock no earlier than Caffeine's. */
    boolean expiredAt(long nowNanos) {
        return nowNanos - indexedAtNanos >= ttlNanos;
    }

    boolean isLive() {
        return live;
    }

    /** Marks the node removed; returns true for the one caller that did it. */
    boolean retire() {
        return LIVE.compareAndSet(this, true, false);
    }
}

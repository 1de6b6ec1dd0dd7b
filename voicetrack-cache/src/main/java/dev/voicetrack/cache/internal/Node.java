package dev.voicetrack.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * One stored entry: the value (or the mark of a remembered absence), its tags, its TTL and weight,
 * and its hit counter. Equality is identity (not overridden).
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

    /** Whether Caffeine has given the node its expiry time. Read and written under the key's lock. */
    boolean scheduled;

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

    boolean isLive() {
        return live;
    }

    /** Marks the node removed; returns true for the one caller that did it. */
    boolean retire() {
        return LIVE.compareAndSet(this, true, false);
    }
}

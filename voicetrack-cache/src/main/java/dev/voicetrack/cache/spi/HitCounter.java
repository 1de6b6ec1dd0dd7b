package dev.voicetrack.cache.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One key's hit count for the {@link HotKeyBoard}, and whether the key is still in the cache. A cache
 * whose entries are objects makes them subclasses, so counting a hit touches the entry it read and
 * nothing else; a cache without such objects keeps one counter per key ({@link KeyedHotKeys}).
 *
 * <p>Counts belong to a stats epoch: a counter last counted in an older epoch reads as zero and starts
 * again from zero on its next hit, so a reset never visits the counters. Identity matters (the board
 * holds counters); equality is identity.
 */
public class HitCounter {

    private static final VarHandle HITS;
    private static final VarHandle LIVE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HITS = lookup.findVarHandle(HitCounter.class, "hits", long.class);
            LIVE = lookup.findVarHandle(HitCounter.class, "live", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String key;

    @SuppressWarnings("unused") // accessed through HITS
    private volatile long hits;

    @SuppressWarnings("unused") // accessed through LIVE
    private volatile boolean live = true;

    /** The stats epoch in which {@link #hits} was last counted; a reset starts a new epoch. */
    private volatile int epoch;

    /** Whether the hot-key board currently holds this counter. Guarded by the board's lock. */
    boolean onBoard;

    /** A live counter for {@code key} with no hits, in stats epoch {@code epoch}. */
    public HitCounter(String key, int epoch) {
        this.key = key;
        this.epoch = epoch;
    }

    /** The key whose hits this counts. */
    public final String key() {
        return key;
    }

    /** Counts a hit in the given stats epoch and returns the hits in it. */
    final long recordHit(int currentEpoch) {
        if (epoch != currentEpoch) {
            // First hit after a stats reset. Racing hits may be lost here; counts are exact otherwise.
            epoch = currentEpoch;
            hits = 0;
        }
        return (long) HITS.getAndAdd(this, 1L) + 1;
    }

    /** The hits counted in the given stats epoch. */
    final long hits(int currentEpoch) {
        return epoch == currentEpoch ? hits : 0;
    }

    /** Whether the key is still in the cache (not {@link #retire retired}). */
    public final boolean isLive() {
        return live;
    }

    /** Marks the key gone from the cache; returns true for the one caller that did it. */
    public final boolean retire() {
        return LIVE.compareAndSet(this, true, false);
    }
}

package dev.voicetrack.cache.internal;

import dev.voicetrack.cache.KeyPattern;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The sorted index {@code key -> slot} of a {@link LocalCache}, for pattern look-ups: a pattern's
 * literal prefix selects a range, so {@code user:123:*} visits only keys starting with {@code
 * user:123:}.
 *
 * <p>Invariants: a live slot in this index belongs to the node stored now under its key; it is put
 * here inside the compute that stores that node, so it is found before any reader can see the node.
 * A slot that dies is <em>not</em> removed at once, since a removal would cost a skip-list search of
 * its own: a later {@link #put} of the key overwrites it in the search a new key needs anyway, and
 * {@link #sweepIfNeeded} removes the rest in one pass once they outnumber the live entries. So the
 * index holds at most about twice the live keys, and readers skip dead slots. Every removal is
 * conditional on the slot ({@code remove(key, slot)}), so a sweep never touches a new slot of a key
 * stored again in between.
 *
 * <p>Thread-safe; the dead-slot count is approximate under races (a sweep resets it while deaths
 * continue), which only moves the next sweep a little.
 */
final class KeyIndex {

    /** Dead slots tolerated before a sweep, however small the cache. */
    static final int MIN_DEAD_SLOTS_BEFORE_SWEEP = 4096;

    private final ConcurrentSkipListMap<String, KeySlot> slots = new ConcurrentSkipListMap<>();
    private final AtomicLong deadSlots = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** Stores a new slot for its key, overwriting the key's previous slot; runs inside the storing compute. */
    void put(KeySlot slot) {
        KeySlot previous = slots.put(slot.key, slot);
        if (previous != null && previous.dead) {
            deadSlots.decrementAndGet();
        }
    }

    /** The slot indexed for the key, dead or alive, or null. */
    @Nullable
    KeySlot get(String key) {
        return slots.get(key);
    }

    /** Counts a slot that just died and stays in the index until overwritten or swept. */
    void onDeath() {
        deadSlots.incrementAndGet();
    }

    /** Counts {@code count} slots that just died, as {@link #onDeath} does for one. */
    void onDeaths(long count) {
        deadSlots.addAndGet(count);
    }

    /**
     * Removes the dead slots once they outnumber both the live entries and {@value
     * #MIN_DEAD_SLOTS_BEFORE_SWEEP}: one pass over the index for at least as many removals. The live
     * count is asked for only past that minimum, so the common call is one atomic read. Called outside
     * any lock; one thread sweeps at a time and the others go on.
     */
    void sweepIfNeeded(LongSupplier liveEntries) {
        long dead = deadSlots.get();
        if (dead <= MIN_DEAD_SLOTS_BEFORE_SWEEP || dead <= liveEntries.getAsLong()) {
            return;
        }
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            deadSlots.set(0);
            for (KeySlot slot : slots.values()) {
                if (slot.dead) {
                    slots.remove(slot.key, slot);
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Every slot in key order, dead ones included (a weakly consistent view). */
    Collection<KeySlot> all() {
        return slots.values();
    }

    /** The number of slots, dead ones included. */
    int size() {
        return slots.size();
    }

    /** The live slots whose keys start with the pattern's literal prefix, in key order. */
    Iterable<KeySlot> candidates(KeyPattern pattern) {
        String prefix = pattern.literalPrefix();
        if (pattern.isExact()) {
            KeySlot slot = slots.get(prefix);
            return slot == null || slot.dead ? List.of() : List.of(slot);
        }
        Collection<KeySlot> range =
                prefix.isEmpty() ? slots.values() : slots.tailMap(prefix, true).values();
        return () -> new LivePrefixIterator(range.iterator(), prefix);
    }

    /** Walks a tail of the index while keys keep the prefix, skipping dead slots. */
    private static final class LivePrefixIterator implements Iterator<KeySlot> {
        private final Iterator<KeySlot> it;
        private final String prefix;
        private @Nullable KeySlot next;

        LivePrefixIterator(Iterator<KeySlot> it, String prefix) {
            this.it = it;
            this.prefix = prefix;
            this.next = advance();
        }

        private @Nullable KeySlot advance() {
            while (it.hasNext()) {
                KeySlot slot = it.next();
                if (!slot.key.startsWith(prefix)) {
                    return null;
                }
                if (!slot.dead) {
                    return slot;
                }
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeySlot next() {
            KeySlot current = next;
            if (current == null) {
                throw new NoSuchElementException();
            }
            next = advance();
            return current;
        }
    }
}

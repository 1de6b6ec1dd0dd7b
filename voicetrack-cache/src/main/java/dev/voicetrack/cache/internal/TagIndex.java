package dev.voicetrack.cache.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The index {@code tag -> slots} of a {@link LocalCache}, for tag invalidation. A tag with one key (a
 * member's own tag, the common case) maps to its {@link KeySlot} directly; a tag with more maps to a
 * {@code ConcurrentHashMap<String, KeySlot>} by key.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A tag's value is created, replaced and dropped only under that tag's bin lock ({@code
 *       compute}), and a tag's map is dropped only once it is empty; so a slot is never added to a map
 *       that is being discarded.
 *   <li>Every removal is conditional on the slot's identity, so the late cleanup of a dead slot never
 *       removes the newer slot of a key stored again in between.
 *   <li>No tag maps to an empty map once the calls that emptied it have returned.
 *   <li>A live slot is in every tag of its node. A slot leaves its tags before it is marked dead,
 *       except that a tag invalidation removes each slot only from the tag it invalidates: the slot's
 *       other tags keep it, dead, so that removing 10,000 entries of a tag does not cost 10,000
 *       look-ups and removals in each entry's other tags. Those dead entries are counted ({@link
 *       #onDeadEntriesLeft}); whoever meets one drops it (a put of the key into the tag overwrites
 *       it, an invalidation of the tag skips and removes it), and {@link #sweepIfNeeded} removes the
 *       rest in one pass once they outnumber the live entries. Readers skip dead slots.
 * </ul>
 *
 * <p>Why a dead entry is safe: a dead slot is never revived or handed on, so it never stands for a
 * stored node, and readers skip it; a put of its key after the removal finds no node, so it gets a
 * new slot, added to all its tags inside the compute that stores it; and every drop of a dead entry
 * is conditional on the slot, so a sweep never removes a live one. A slot leaves the tag being
 * invalidated before it is marked dead, as it leaves every tag on the other removal paths, so a dead
 * slot met in a tag is always one that was left there and counted.
 *
 * <p>The tag index never reads nodes: every node of a live slot carries the slot's tags (see {@link
 * EntryIndex}), so {@link #invalidate} only hands each slot to the cache's removal.
 *
 * <p>Thread-safe; the dead-entry count is approximate under races (a sweep resets it while
 * invalidations continue, a put may overwrite a slot that is about to be counted), which only moves
 * the next sweep a little.
 */
final class TagIndex {

    /** Dead tag entries tolerated before a sweep, however small the cache. */
    static final int MIN_DEAD_ENTRIES_BEFORE_SWEEP = 4096;

    /** Removes the node stored now for a slot, if any; called by {@link #invalidate} for each slot. */
    @FunctionalInterface
    interface SlotRemoval {
        /**
         * Removes the slot's current node, if there is one, and returns whether a node was removed.
         * With {@code invalidated} null (the tag held only this slot) the slot leaves all its tags; else
         * it leaves {@code invalidated}, the slots of the tag being invalidated, before it is marked
         * dead, and stays dead in its other tags (reported through {@link #onDeadEntriesLeft}).
         */
        boolean remove(KeySlot slot, @Nullable Map<String, KeySlot> invalidated);
    }

    /** Tag to a {@link KeySlot} or a {@code ConcurrentHashMap<String, KeySlot>}; see the class notes. */
    private final ConcurrentHashMap<String, Object> tags = new ConcurrentHashMap<>();

    private final AtomicLong deadEntries = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** Sweeps run so far; written only by the sweeping thread. For tests. */
    private volatile long sweeps;

    /**
     * Adds the slot to a tag under the tag's bin lock: the tag's first key is stored as the bare slot,
     * a second turns it into a map. A slot replaces an older slot of the same key, and a dead bare slot
     * of any key.
     */
    void add(String tag, KeySlot slot) {
        tags.compute(tag, (t, current) -> {
            if (current == null) {
                return slot;
            }
            if (current instanceof KeySlot single) {
                if (single.dead) {
                    deadEntries.decrementAndGet();
                    return slot;
                }
                if (single.key.equals(slot.key)) {
                    return slot;
                }
                ConcurrentHashMap<String, KeySlot> m = new ConcurrentHashMap<>(4);
                m.put(single.key, single);
                m.put(slot.key, slot);
                return m;
            }
            KeySlot previous = slotsOf(current).put(slot.key, slot);
            if (previous != null && previous.dead) {
                deadEntries.decrementAndGet();
            }
            return current;
        });
    }

    /**
     * Removes exactly {@code slot} from a tag (a newer slot of the same key stays), under the tag's bin
     * lock, and drops the tag once no slot is left.
     */
    void remove(String tag, KeySlot slot) {
        Object seen = tags.get(tag);
        if (seen == null || seen instanceof KeySlot && seen != slot) {
            return; // not in the tag: a tag's value changes only to a map or a newer slot of the key
        }
        if (seen == slot && tags.remove(tag, slot)) {
            return; // the common one-key tag: an atomic conditional remove, no compute
        }
        tags.computeIfPresent(tag, (t, current) -> {
            if (current == slot) {
                return null;
            }
            if (current instanceof KeySlot) {
                return current;
            }
            ConcurrentHashMap<String, KeySlot> m = slotsOf(current);
            m.remove(slot.key, slot);
            return m.isEmpty() ? null : m;
        });
    }

    /**
     * Removes, through {@code removal}, every entry whose slot is in the tag, and returns how many were
     * removed. The slots of a tag with many keys leave the map being iterated (whose entry is at hand),
     * conditionally on the slot, outside the tag's bin lock: a map is only dropped under that lock once
     * it is empty, so it cannot be dropped while it holds the slot, and the drop is re-checked under
     * the lock where additions happen. Dead slots met on the way (left by invalidations of other tags)
     * are dropped.
     */
    long invalidate(String tag, SlotRemoval removal) {
        Object current = tags.get(tag);
        if (current == null) {
            return 0;
        }
        if (current instanceof KeySlot single) {
            if (single.dead) {
                if (tags.remove(tag, single)) {
                    deadEntries.decrementAndGet();
                }
                return 0;
            }
            return removal.remove(single, null) ? 1 : 0;
        }
        ConcurrentHashMap<String, KeySlot> slots = slotsOf(current);
        long removed = 0;
        long dropped = 0;
        for (KeySlot slot : slots.values()) {
            if (!slot.dead) {
                if (removal.remove(slot, slots)) {
                    removed++;
                }
            } else if (slots.remove(slot.key, slot)) {
                dropped++; // a slot leaves the invalidated tag before it dies: this one was left dead here
            }
        }
        if (dropped != 0) {
            deadEntries.addAndGet(-dropped);
        }
        dropIfEmpty(tag, slots);
        return removed;
    }

    /** Counts tag entries that a tag invalidation left holding dead slots; see the class notes. */
    void onDeadEntriesLeft(long count) {
        if (count != 0) {
            deadEntries.addAndGet(count);
        }
    }

    /**
     * Removes the dead slots once they outnumber both the live entries and {@value
     * #MIN_DEAD_ENTRIES_BEFORE_SWEEP}: one pass over the index for at least as many removals. The live
     * count is asked for only past that minimum, so the common call is one atomic read. Called outside
     * any lock; one thread sweeps at a time and the others go on.
     */
    void sweepIfNeeded(LongSupplier liveEntries) {
        long dead = deadEntries.get();
        if (dead <= MIN_DEAD_ENTRIES_BEFORE_SWEEP || dead <= liveEntries.getAsLong()) {
            return;
        }
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            sweeps++; // only one thread sweeps at a time
            deadEntries.set(0);
            for (Map.Entry<String, Object> e : tags.entrySet()) {
                if (e.getValue() instanceof KeySlot single) {
                    if (single.dead) {
                        tags.remove(e.getKey(), single);
                    }
                    continue;
                }
                ConcurrentHashMap<String, KeySlot> slots = slotsOf(e.getValue());
                for (KeySlot slot : slots.values()) {
                    if (slot.dead) {
                        slots.remove(slot.key, slot);
                    }
                }
                dropIfEmpty(e.getKey(), slots);
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Drops a tag's map if it is still the tag's value and empty, checked under the tag's bin lock. */
    private void dropIfEmpty(String tag, ConcurrentHashMap<String, KeySlot> slots) {
        if (slots.isEmpty()) {
            tags.computeIfPresent(tag, (t, now) -> now == slots && slots.isEmpty() ? null : now);
        }
    }

    /** The slots a tag holds now, dead ones included (a live view for a map), empty for an unknown tag. */
    Collection<KeySlot> slotsOf(String tag) {
        Object current = tags.get(tag);
        if (current == null) {
            return List.of();
        }
        if (current instanceof KeySlot single) {
            return List.of(single);
        }
        return slotsOf(current).values();
    }

    /** The tags that hold at least one slot, dead or alive (a weakly consistent view). */
    Set<String> tags() {
        return tags.keySet();
    }

    /** The number of sweeps run so far. For tests. */
    long sweeps() {
        return sweeps;
    }

    /** The dead tag entries counted since the last sweep; approximate under races. For tests. */
    long deadEntries() {
        return deadEntries.get();
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, KeySlot> slotsOf(Object tagValue) {
        return (ConcurrentHashMap<String, KeySlot>) tagValue;
    }
}

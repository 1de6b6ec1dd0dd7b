package dev.voicetrack.cache.internal;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * </ul>
 *
 * <p>The tag index never reads nodes: every node of a live slot carries the slot's tags (see {@link
 * EntryIndex}), so {@link #invalidate} only hands each slot to the cache's removal.
 */
final class TagIndex {

    /** Removes the node stored now for a slot, if any; called by {@link #invalidate} for each slot. */
    @FunctionalInterface
    interface SlotRemoval {
        /**
         * Removes the slot's current node, if there is one, and unindexes it from every tag but {@code
         * keptTag}, which the caller cleans up itself. Returns whether a node was removed.
         */
        boolean remove(KeySlot slot, @Nullable String keptTag);
    }

    /** Tag to a {@link KeySlot} or a {@code ConcurrentHashMap<String, KeySlot>}; see the class notes. */
    private final ConcurrentHashMap<String, Object> tags = new ConcurrentHashMap<>();

    /**
     * Adds the slot to a tag under the tag's bin lock: the tag's first key is stored as the bare slot,
     * a second turns it into a map. A slot replaces an older slot of the same key.
     */
    void add(String tag, KeySlot slot) {
        tags.compute(tag, (t, current) -> {
            if (current == null) {
                return slot;
            }
            if (current instanceof KeySlot single) {
                if (single.key.equals(slot.key)) {
                    return slot;
                }
                ConcurrentHashMap<String, KeySlot> m = new ConcurrentHashMap<>(4);
                m.put(single.key, single);
                m.put(slot.key, slot);
                return m;
            }
            slotsOf(current).put(slot.key, slot);
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
     * removed. The slots of a tag with many keys are removed from the map being iterated (whose entry
     * is at hand), conditionally on the slot, outside the tag's bin lock: a map is only dropped under
     * that lock once it is empty, so it cannot be dropped while it holds the slot, and the drop is
     * re-checked under the lock where additions happen.
     */
    long invalidate(String tag, SlotRemoval removal) {
        Object current = tags.get(tag);
        if (current == null) {
            return 0;
        }
        if (current instanceof KeySlot single) {
            return removal.remove(single, null) ? 1 : 0;
        }
        ConcurrentHashMap<String, KeySlot> slots = slotsOf(current);
        long removed = 0;
        for (KeySlot slot : slots.values()) {
            if (removal.remove(slot, tag)) {
                slots.remove(slot.key, slot);
                removed++;
            }
        }
        if (slots.isEmpty()) {
            tags.computeIfPresent(tag, (t, now) -> now == slots && slots.isEmpty() ? null : now);
        }
        return removed;
    }

    /** The slots a tag holds now (a live view for a map), empty for an unknown tag. */
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

    /** The tags that hold at least one slot (a weakly consistent view). */
    Set<String> tags() {
        return tags.keySet();
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, KeySlot> slotsOf(Object tagValue) {
        return (ConcurrentHashMap<String, KeySlot>) tagValue;
    }
}

package dev.voicetrack.cache.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The life of a {@link KeySlot}: which node gets a new slot, which inherits one, and when a slot dies,
 * applied to the {@link KeyIndex}, the {@link TagIndex} and the byte total of a {@link LocalCache}.
 * The cache calls {@link #index} and {@link #replace} inside the Caffeine compute that stores a node,
 * and {@link #unindex} once a node has left the map without a successor.
 *
 * <h2>Invariants</h2>
 *
 * A slot belongs to one unbroken stay of its key in the map with one set of tags. A node stored under
 * a key with no node, or with other tags than the node it replaces, gets a new slot, indexed inside
 * the compute that stores it, so it is in the key index and in all its tags before any reader can see
 * it. A node that replaces another with the same tags, the common write of a refreshed entry,
 * inherits the old node's slot ({@code new.slot = old.slot}, and the old node is retired): no index
 * and not even the slot is written, so the put costs Caffeine's compute and a few field writes. A node
 * that leaves without a successor is retired once, by whoever gets there first, and its slot leaves
 * its tags and is marked dead; a tag invalidation removes the slot only from the invalidated tag and
 * leaves it, dead and counted, in the others ({@link #unindexInvalidated}, {@link TagIndex}). So every
 * node of a live slot carries the slot's tags, and tag invalidation never reads a node's tags.
 *
 * <h2>Why this holds under concurrency</h2>
 *
 * Retiring is a compare-and-set, and a node is retired either by the compute that replaces it (then
 * its slot lives on with the successor or dies inside that compute, and no removal can later succeed
 * on the retired node, since it is no longer in the map) or after it left the map (then no compute can
 * hand its slot on, since hand-over needs the node in the map). So a slot is never both handed on and
 * killed, and a dead slot is never revived.
 *
 * <p>The byte total is a sum of signed deltas: each node is added once when stored and subtracted once
 * when it leaves (or the difference is added when a node inherits a slot). A tag invalidation adds up
 * its removals in {@link Removals} and applies them once at the end.
 */
final class EntryIndex {

    final KeyIndex keys = new KeyIndex();
    final TagIndex tags = new TagIndex();
    private final LongAdder bytes = new LongAdder();

    /** Indexes a node whose key has no node in the map; runs inside the compute that stores it. */
    void index(Node<?> node) {
        KeySlot slot = new KeySlot(node.key(), node.tags.length);
        node.slot = slot;
        keys.put(slot);
        for (String tag : node.tags) {
            tags.add(tag, slot);
        }
        bytes.add(node.bytes);
    }

    /**
     * Replaces {@code old}, which the running compute is replacing and has retired, with {@code node}.
     * With the same tags the node takes over the old node's slot, the common write of a refreshed
     * entry: no index changes and the slot is not even written. With other tags the node gets a new
     * slot, indexed before the old slot leaves its tags and dies, so every node a slot ever points at
     * carries the same tags.
     */
    void replace(Node<?> old, Node<?> node) {
        KeySlot slot = old.slot;
        if (old.tagSet == node.tagSet || sameTags(old.tags, node.tags)) {
            node.slot = slot;
            long delta = node.bytes - old.bytes;
            if (delta != 0) {
                bytes.add(delta);
            }
            return;
        }
        index(node); // overwrites the old slot in the key index: it is not counted as a dead slot there
        for (String tag : old.tags) {
            tags.remove(tag, slot);
        }
        slot.dead = true;
        bytes.add(-old.bytes);
    }

    /**
     * Unindexes a node that left the map without a successor (removed or evicted). Idempotent, so every
     * removal path may call it. Such a node still owns its slot (a node is retired before its slot is
     * handed on), so the slot leaves its tags and dies with it; every index removal is conditional on
     * the slot, so a new slot of the key, stored in between, stays. The dead slot stays in the key index
     * until a put overwrites it or a sweep drops it.
     */
    void unindex(Node<?> node) {
        if (!node.retire()) {
            return;
        }
        KeySlot slot = node.slot;
        for (String tag : node.tags) {
            tags.remove(tag, slot);
        }
        bytes.add(-node.bytes);
        slot.dead = true;
        keys.onDeath();
    }

    /**
     * {@link #unindex} for a node that a tag invalidation removed from the map: its slot leaves only
     * {@code invalidated}, the slots of the tag being invalidated, and then dies; the node's other tags
     * keep the dead slot until a put, an invalidation of the tag or a sweep drops it (see {@link
     * TagIndex}), so the removal reads neither the node's tags nor the other tags' maps. The byte
     * total and the dead-slot counts go to {@code removals}, applied once by {@link #apply}.
     */
    void unindexInvalidated(Node<?> node, Map<String, KeySlot> invalidated, Removals removals) {
        if (!node.retire()) {
            return;
        }
        KeySlot slot = node.slot;
        invalidated.remove(slot.key, slot); // before the slot dies: a dead slot in a tag is one left there
        slot.dead = true;
        removals.bytes += node.bytes;
        removals.deadSlots++;
        removals.deadTagEntries += slot.tagCount - 1;
    }

    /** Applies what a tag invalidation added up; see {@link #unindexInvalidated}. */
    void apply(Removals removals) {
        if (removals.deadSlots == 0) {
            return;
        }
        bytes.add(-removals.bytes);
        keys.onDeaths(removals.deadSlots);
        tags.onDeadEntriesLeft(removals.deadTagEntries);
    }

    /**
     * What one tag invalidation removed, added up as it goes and applied once ({@link #apply}) rather
     * than per entry to shared counters. Confined to the invalidating thread.
     */
    static final class Removals {
        long bytes;
        long deadSlots;
        long deadTagEntries;
    }

    /** The estimated weight of the stored nodes, exact when no call is in progress. */
    long bytes() {
        return bytes.sum();
    }

    /** Whether two tag arrays hold the same tags; each array's tags are distinct (they come from a set). */
    private static boolean sameTags(String[] a, String[] b) {
        if (a == b) {
            return true;
        }
        if (a.length != b.length) {
            return false;
        }
        for (String tag : a) {
            if (!contains(b, tag)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(String[] tags, String tag) {
        for (String t : tags) {
            if (t.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks, on a quiescent cache (no call in progress), that the indexes agree with Caffeine's map:
     * every stored node owns a live slot that the key index and each of its tags point at; every live
     * tag entry is a slot whose node is stored and carries the tag; no tag's map is empty; the byte
     * total is the sum of the stored nodes'; and dead slots, in the key index and in the tags, are
     * within twice what a sweep allows.
     * Returns the problems found, empty when there are none. For tests; costs a pass over every index.
     */
    List<String> problems(Map<String, ? extends Node<?>> map) {
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, ? extends Node<?>> e : map.entrySet()) {
            Node<?> node = e.getValue();
            KeySlot slot = node.slot;
            total += node.bytes;
            if (!node.isLive()) {
                problems.add("stored node of " + e.getKey() + " is retired");
            }
            if (slot == null || slot.dead) {
                problems.add("stored node of " + e.getKey() + " does not own a live slot");
                continue;
            }
            if (keys.get(e.getKey()) != slot) {
                problems.add("key index misses the slot of " + e.getKey());
            }
            for (String tag : node.tags) {
                if (!tags.slotsOf(tag).contains(slot)) {
                    problems.add("tag " + tag + " misses " + e.getKey());
                }
            }
        }
        long deadTagEntries = 0;
        for (String tag : tags.tags()) {
            Collection<KeySlot> slots = tags.slotsOf(tag);
            if (slots.isEmpty()) {
                problems.add("tag " + tag + " has an empty map");
            }
            for (KeySlot slot : slots) {
                if (slot.dead) {
                    deadTagEntries++;
                    continue;
                }
                Node<?> node = map.get(slot.key);
                if (node == null || node.slot != slot || !contains(node.tags, tag)) {
                    problems.add("tag " + tag + " holds a stale slot for " + slot.key);
                }
            }
        }
        long dead = 0;
        for (KeySlot slot : keys.all()) {
            if (slot.dead) {
                dead++;
            } else if (map.get(slot.key) == null || map.get(slot.key).slot != slot) {
                problems.add("key index holds a live slot for " + slot.key + " whose node is not stored");
            }
        }
        // The sweep's trigger counts deaths approximately under races, hence the slack.
        if (dead > 2L * Math.max(KeyIndex.MIN_DEAD_SLOTS_BEFORE_SWEEP, map.size())) {
            problems.add("key index holds " + dead + " dead slots for " + map.size() + " entries");
        }
        if (deadTagEntries > 2L * Math.max(TagIndex.MIN_DEAD_ENTRIES_BEFORE_SWEEP, map.size())) {
            problems.add("tags hold " + deadTagEntries + " dead slots for " + map.size() + " entries");
        }
        if (bytes.sum() != total) {
            problems.add("byte total " + bytes.sum() + ", stored nodes weigh " + total);
        }
        return problems;
    }
}

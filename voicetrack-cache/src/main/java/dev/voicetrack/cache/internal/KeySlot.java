package dev.voicetrack.cache.internal;

/**
 * A key's entry in the {@link LocalCache} indexes: the sorted key index and each of the key's tags
 * hold the slot, and every node stored for the key during one unbroken stay with one set of tags
 * points at it ({@link Node#slot}). A put that replaces a node with the same tags hands the slot on
 * inside the compute that replaces it, so a refreshed entry costs no index update, and the slot
 * itself is not written. The key's current node is found through the map: the node stored under
 * {@link #key} whose {@code slot} is this one. Once the key's node leaves without a successor, or is
 * replaced by a node with other tags, the slot leaves its tags and is marked {@link #dead}; a dead
 * slot is never handed on or revived. A tag invalidation may leave a dead slot in the key's other tags
 * for a while (see {@link TagIndex}).
 */
final class KeySlot {

    final String key;

    /**
     * The number of tags that hold the slot while it lives (its nodes' tags): what a tag invalidation
     * counts as left dead in the other tags, without reading a node's tag array.
     */
    final int tagCount;

    /**
     * Set once the slot's last node left; never cleared. A dead slot may stay in the sorted key index
     * until a put of its key overwrites it or a sweep removes it, and, once a tag invalidation removed
     * its node, in the node's other tags until a put, an invalidation of the tag or a sweep drops it.
     */
    volatile boolean dead;

    KeySlot(String key, int tagCount) {
        this.key = key;
        this.tagCount = tagCount;
    }
}

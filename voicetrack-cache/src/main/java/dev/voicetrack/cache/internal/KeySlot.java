package dev.voicetrack.cache.internal;

/**
 * A key's place in the {@link LocalCache} indexes: the sorted key index and each tag's map hold the
 * slot, and the slot holds the key's current node. A put that replaces a node hands its slot on to
 * the new node ({@code slot.node = new}), so the indexes need no update when the tags stay the same,
 * the common case of a refreshed entry. A slot lives as long as its key stays stored without a gap:
 * once its node leaves without a successor the slot is removed from the tag maps, conditionally on
 * its identity, and marked {@link #dead} in the key index; a later put of the key gets a new slot.
 */
final class KeySlot<V> {

    final String key;

    /** The key's current node; written inside the compute that stores it. */
    volatile Node<V> node;

    /**
     * Set once the node left without a successor. Final once set: a retired node is never replaced
     * in its slot. A dead slot stays in the sorted key index until a put of its key overwrites it or
     * a sweep removes it, and in no tag's map.
     */
    volatile boolean dead;

    KeySlot(Node<V> node) {
        this.key = node.key();
        this.node = node;
    }
}

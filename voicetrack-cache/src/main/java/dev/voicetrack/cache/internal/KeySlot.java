package dev.voicetrack.cache.internal;

/**
 * A key's entry in the {@link LocalCache} indexes: the sorted key index and each of the key's tags
 * point at the slot, and the slot points at the key's current node. A slot lives as long as its key
 * stays stored without a gap: a put that replaces the node hands the slot on to the new node inside
 * the compute that replaces it, so a refreshed entry with the same tags costs no index update. Once
 * the key's node leaves without a successor, the slot leaves its tags at once and is marked {@link
 * #dead}; a dead slot is never handed on or revived, and a later put of the key makes a new slot.
 */
final class KeySlot<V> {

    final String key;

    /** The key's current node; written only inside the Caffeine compute that stores that node. */
    volatile Node<V> node;

    /**
     * Set once the slot's node left without a successor; never cleared. A dead slot may stay in the
     * sorted key index until a put of its key overwrites it or a sweep removes it; it is in no tag.
     */
    volatile boolean dead;

    KeySlot(Node<V> node) {
        this.key = node.key();
        this.node = node;
    }
}

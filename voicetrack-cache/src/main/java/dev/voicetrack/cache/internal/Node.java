package dev.voicetrack.cache.internal;

import dev.voicetrack.cache.spi.HitCounter;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One stored entry: the value (or the mark of a remembered absence), its tags, its TTL and weight,
 * and (inherited) its hit counter and liveness. Identity matters: the key and tag indexes hold nodes,
 * and every removal is conditional on the exact node, so a newer node under the same key is never
 * touched by the cleanup of an older one. Equality is identity (not overridden).
 */
final class Node<V> extends HitCounter {

    final @Nullable V value;
    final String[] tags;

    /**
     * The tag set the tags were copied from ({@code WriteOptions.tags()}): writes that reuse one
     * options object share it, so a replacing put can tell "same tags" by identity without reading the
     * old node's tag strings.
     */
    final Set<String> tagSet;

    final long ttlNanos;
    final long bytes;

    /**
     * Whether Caffeine has scheduled this node's expiry: set by the expiry callback inside the compute
     * that stores the node, so a later no-op compute on the same node keeps its expiry.
     */
    boolean scheduled;

    /**
     * This node's entry in the indexes: set inside the compute that stores the node, before the node
     * is published, and never changed afterwards.
     */
    KeySlot slot;

    Node(String key, @Nullable V value, String[] tags, Set<String> tagSet, long ttlNanos, long bytes, int epoch) {
        super(key, epoch);
        this.value = value;
        this.tags = tags;
        this.tagSet = tagSet;
        this.ttlNanos = ttlNanos;
        this.bytes = bytes;
    }

    /** Whether this node records that the value is absent (negative caching). */
    boolean isAbsent() {
        return value == null;
    }
}

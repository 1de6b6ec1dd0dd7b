package dev.voicetrack.cache.internal;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Per-node variable expiry for a {@link LocalCache}: each node carries its own TTL, scheduled by
 * Caffeine from its own clock reading when the node is stored; reads do not extend it, and neither
 * does a compute that keeps the node (the identity compute by which a miss evicts a hidden expired
 * node, for one). {@link Node#scheduled} tells the two kinds of update apart: it is set inside the
 * compute that first stores the node.
 */
final class NodeExpiry<V> implements Expiry<String, Node<V>> {

    @Override
    public long expireAfterCreate(String key, Node<V> node, long currentTime) {
        node.scheduled = true;
        return node.ttlNanos;
    }

    /** A new node gets its TTL; the same node stored again (a no-op compute) keeps its expiry. */
    @Override
    public long expireAfterUpdate(String key, Node<V> node, long currentTime, long currentDuration) {
        if (node.scheduled) {
            return currentDuration;
        }
        node.scheduled = true;
        return node.ttlNanos;
    }

    @Override
    public long expireAfterRead(String key, Node<V> node, long currentTime, long currentDuration) {
        return currentDuration;
    }
}

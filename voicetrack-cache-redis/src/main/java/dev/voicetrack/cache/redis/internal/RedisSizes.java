package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.redis.RedisServerStats;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The size of a Redis cache and what its server reports, without scanning on the caller's thread
 * more than once.
 *
 * <p>On a standalone server, and for a bounded cache on a cluster (which keeps to one slot), the size
 * comes from the expiry index (one O(log n) script that also drops the bookkeeping of expired
 * entries, handed to {@code expired} to be counted as expirations). For a cache spread over a
 * cluster's slots the index is split by slot, so the size is the last SCAN count, refreshed in the background
 * at most once per {@code sizeRefresh}. Thread safe.
 */
final class RedisSizes {

    /** The number of entries and their estimated bytes (-1 if not tracked). */
    record Size(long entries, long bytes) {}

    private final Connector connector;
    private final RedisCalls calls;
    private final RedisEntries<?> entries;
    private final Cache<?> fallback;
    private final LongConsumer expired;
    /** Whether the cache is spread over a cluster's slots, so its expiry index is split. */
    private final boolean spread;

    private volatile long countedKeys = -1;
    private volatile Instant countedAt = Instant.EPOCH;
    private final AtomicBoolean counting = new AtomicBoolean();

    /**
     * Sizes of the cache whose entries are {@code entries}, calling Redis through {@code calls}; the
     * expired entries a size look-up finds go to {@code expired}, and while Redis cannot be used the
     * size is {@code fallback}'s.
     */
    RedisSizes(
            Connector connector, RedisCalls calls, RedisEntries<?> entries, Cache<?> fallback, LongConsumer expired) {
        this.connector = connector;
        this.calls = calls;
        this.entries = entries;
        this.fallback = fallback;
        this.expired = expired;
        this.spread = entries.spread();
    }

    /** The size for the cache's stats; the fallback's while Redis cannot be used. */
    Size forStats() {
        if (spread) {
            refreshCountIfStale();
            return new Size(Math.max(0, countedKeys), -1);
        }
        long[] r = calls.redis(entries::size, () -> null);
        if (r == null) {
            return new Size(fallback.stats().size(), -1);
        }
        expired.accept(r[0]);
        return new Size(r[1], entries.keepsSizes() ? r[2] : -1);
    }

    /** The cache was cleared: it holds no entries now. */
    void cleared() {
        countedKeys = 0;
    }

    private void refreshCountIfStale() {
        Instant now = connector.config().clock().instant();
        if (Duration.between(countedAt, now).compareTo(connector.config().sizeRefresh()) < 0
                || !connector.usable()
                || !counting.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                countKeys();
            } finally {
                counting.set(false);
            }
        });
    }

    private long countKeys() {
        long n = calls.redis(entries::count, () -> -1L);
        if (n >= 0) {
            countedKeys = n;
            countedAt = connector.config().clock().instant();
        }
        return n;
    }

    /** What the server reports, with this cache's key count. */
    RedisServerStats serverStats() {
        long[] info = calls.redis(this::serverInfo, () -> null);
        if (info == null) {
            // What is known without the server: the last count of keys, if there was one.
            return new RedisServerStats(
                    -1,
                    -1,
                    countedKeys,
                    countedAt,
                    false,
                    Optional.of(connector.health().lastError().orElse("Redis is not connected")));
        }
        long keys;
        Instant at;
        if (spread) {
            if (countedKeys < 0 && counting.compareAndSet(false, true)) {
                try {
                    countKeys();
                } finally {
                    counting.set(false);
                }
            } else {
                refreshCountIfStale();
            }
            keys = countedKeys;
            at = countedAt;
        } else {
            long[] size = calls.redis(entries::size, () -> null);
            if (size == null) {
                keys = countedKeys;
                at = countedAt;
            } else {
                expired.accept(size[0]);
                keys = size[1];
                at = connector.config().clock().instant();
                countedKeys = keys;
                countedAt = at;
            }
        }
        return new RedisServerStats(info[0], info[1], Math.max(-1, keys), at);
    }

    private long[] serverInfo(RedisClusterCommands<String, byte[]> redis) {
        long[] totals = new long[2];
        var clusterConnection = connector.clusterConnection();
        if (clusterConnection.isPresent()) {
            for (RedisClusterNode node : clusterConnection.get().getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    addInfo(
                            totals,
                            clusterConnection
                                    .get()
                                    .getConnection(node.getNodeId())
                                    .sync()
                                    .info());
                }
            }
        } else {
            addInfo(totals, redis.info());
        }
        return totals;
    }

    private static void addInfo(long[] totals, String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                totals[0] +=
                        Long.parseLong(line.substring("used_memory:".length()).trim());
            } else if (line.startsWith("evicted_keys:")) {
                totals[1] +=
                        Long.parseLong(line.substring("evicted_keys:".length()).trim());
            }
        }
    }
}

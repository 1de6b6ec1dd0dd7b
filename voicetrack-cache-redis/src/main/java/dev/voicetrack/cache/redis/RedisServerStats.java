package dev.voicetrack.cache.redis;

import java.time.Instant;
import java.util.Objects;

/**
 * Facts about the Redis server behind a cache, as opposed to the cache's own counters.
 *
 * @param usedMemoryBytes the server's {@code used_memory} (summed over masters on a cluster)
 * @param evictedKeys the server's {@code evicted_keys} (summed over masters)
 * @param keysUnderPrefix the cache's entries under its prefix, as last counted with SCAN
 * @param keysCountedAt when {@code keysUnderPrefix} was counted; counts are refreshed at most once
 *     per {@link RedisCacheConfig#sizeRefresh()}, never on every call
 */
public record RedisServerStats(long usedMemoryBytes, long evictedKeys, long keysUnderPrefix, Instant keysCountedAt) {
    public RedisServerStats {
        Objects.requireNonNull(keysCountedAt, "keysCountedAt");
    }
}

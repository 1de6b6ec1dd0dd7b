package dev.voicetrack.cache.redis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Facts about the Redis server behind a cache, as opposed to the cache's own counters. While Redis
 * cannot be reached, {@link RedisCache#serverStats()} still answers, with {@code reachable} false,
 * the error, -1 for what only the server knows, and the last count of keys it made (or -1).
 *
 * @param usedMemoryBytes the server's {@code used_memory} (summed over masters on a cluster); -1 if
 *     the server could not be asked
 * @param evictedKeys the server's {@code evicted_keys} (summed over masters); -1 if the server could
 *     not be asked
 * @param keysUnderPrefix the cache's entries, as last counted; -1 if never counted
 * @param keysCountedAt when {@code keysUnderPrefix} was counted ({@link Instant#EPOCH} if never);
 *     counts are refreshed at most once per {@link RedisCacheConfig#sizeRefresh()}, never on every call
 * @param reachable whether Redis answered this call
 * @param lastError why Redis did not answer, if it did not
 */
public record RedisServerStats(
        long usedMemoryBytes,
        long evictedKeys,
        long keysUnderPrefix,
        Instant keysCountedAt,
        boolean reachable,
        Optional<String> lastError) {

    public RedisServerStats {
        Objects.requireNonNull(keysCountedAt, "keysCountedAt");
        Objects.requireNonNull(lastError, "lastError");
    }

    /** The facts of a server that answered. */
    public RedisServerStats(long usedMemoryBytes, long evictedKeys, long keysUnderPrefix, Instant keysCountedAt) {
        this(usedMemoryBytes, evictedKeys, keysUnderPrefix, keysCountedAt, true, Optional.empty());
    }
}

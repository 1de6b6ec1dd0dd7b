package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisCacheImpl;
import java.util.Objects;

/**
 * A {@link Cache} in Redis, shared by every process that uses the same server and key prefix.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Layout.</b> Entry {@code k} is stored at {@code <prefix>k}; tag bookkeeping lives under
 *       {@code <prefix>~vt~}, so keys must not start with {@code ~vt~}. {@link #clear()} and pattern
 *       invalidation use SCAN, never KEYS, and touch only keys under the prefix.
 *   <li><b>TTLs</b> are server-side, in milliseconds; a TTL under a millisecond becomes 1 ms, never 0.
 *   <li><b>Tags</b> are written in one Lua script with the value; a tag set's TTL is only ever
 *       extended, so it always outlives its longest-lived entry; stale members are dropped when the tag
 *       is invalidated.
 *   <li><b>Isolation.</b> Values are stored encoded by the {@link ValueCodec}; every read decodes a new
 *       object.
 *   <li><b>Size and bounds.</b> An expiry index (a sorted set of keys by expiry time) gives the
 *       exact size in O(log n), counts expirations as they are found, and picks eviction victims
 *       (the entry that would expire first) when the configured entry or byte bound is exceeded.
 *   <li><b>Cluster.</b> With a prefix that has no hash tag ({@code voice:}) entries spread over all
 *       masters; tags and the index are then split by slot, the size is a SCAN count refreshed at
 *       most once per {@link RedisCacheConfig#sizeRefresh()}, and entry and byte bounds are not
 *       enforced (bound Redis itself with {@code maxmemory}). With a hash-tagged prefix ({@code
 *       {voice}:}) the whole cache lives in one slot and behaves exactly as on a standalone server.
 *   <li><b>Stats</b> are counted by this object, never read from the server's counters; {@link
 *       #serverStats()} gives server facts.
 *   <li><b>Fallback.</b> When Redis is unreachable (at start or later), no call throws or hangs: the
 *       cache serves and stores in an in-process fallback cache until the connection is back, then
 *       empties it (it may hold values that other processes have since changed).
 *   <li><b>Single flight</b> of {@link #remember} is per process.
 * </ul>
 *
 * @param <V> the value type
 */
public interface RedisCache<V> extends Cache<V> {

    /**
     * A cache on its own connector, closed with the cache.
     *
     * @param redis where Redis is and the key prefix
     * @param config the cache's settings (name, TTLs, tiers, bounds, hot keys)
     * @param codec how values are written
     */
    static <V> RedisCache<V> create(RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec) {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        return new RedisCacheImpl<>(Connector.open(redis), true, config, codec);
    }

    /** A cache on a shared connector, which the caller closes after the cache. */
    static <V> RedisCache<V> create(RedisConnector connector, CacheConfig config, ValueCodec<V> codec) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        return new RedisCacheImpl<>(Connector.of(connector), false, config, codec);
    }

    /** The connection's health. */
    RedisHealth health();

    /** The connector the cache runs on. */
    RedisConnector connector();

    /**
     * Server facts: used memory, evicted keys (both one INFO round trip) and the number of this
     * cache's keys, counted with SCAN at most once per {@link RedisCacheConfig#sizeRefresh()}.
     *
     * @throws dev.voicetrack.cache.CacheException if Redis cannot be reached
     */
    RedisServerStats serverStats();
}

package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisCacheImpl;
import java.util.Objects;

/**
 * A {@link Cache} in Redis, shared by every process that uses the same server and key prefix.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Layout.</b> Entry {@code k} of the cache named {@code n} is stored at {@code <prefix>n:k};
 *       its tag sets and bookkeeping live under {@code <prefix>n:~vt~}, so keys must not start with
 *       {@code ~vt~}. Caches with different names never see each other's entries, on every backend:
 *       {@link #clear()}, tags and patterns touch only this cache's keys. A name must be 1 to 64
 *       letters, digits, {@code .}, {@code _} or {@code -}, and not {@code rl} or {@code ss} (taken by
 *       {@link RedisRateLimiter} and {@link RedisSessionStore}). {@link #clear()} and pattern
 *       invalidation use SCAN, never KEYS.
 *   <li><b>TTLs</b> are server-side, in milliseconds; a TTL under a millisecond becomes 1 ms, never 0.
 *   <li><b>Tags</b> are written in one Lua script with the value; a tag set's TTL is only ever
 *       extended, so it always outlives its longest-lived entry; stale members are dropped when the tag
 *       is invalidated.
 *   <li><b>Values.</b> The same value rule as in process ({@link Cache}, Values): by default a value
 *       must be deeply immutable, whatever the codec could write. Values are stored encoded by the
 *       {@link ValueCodec}; every read decodes a new object.
 *   <li><b>Size and bounds.</b> An expiry index (a sorted set of keys by expiry time) gives the
 *       exact size in O(log n), counts expirations as they are found, and picks eviction victims
 *       (the entry that would expire first) when the configured entry or byte bound is exceeded.
 *   <li><b>Cluster.</b> A cache with an entry or byte bound keeps to one slot, its name being the hash
 *       tag ({@code <prefix>{n}:k}), so it behaves exactly as on a standalone server; so do all caches
 *       under a prefix that has a hash tag itself ({@code {voice}:}). An unbounded cache ({@link
 *       dev.voicetrack.cache.CacheConfig.Builder#unboundedEntries()} and no byte bound) spreads over all
 *       masters; tags and the index are then split by slot and the size is a SCAN count refreshed at
 *       most once per {@link RedisCacheConfig#sizeRefresh()}.
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
     * A cache on its own connector, closed with the cache, with the default value rule ({@link
     * ValueIsolation#immutable()}, as in process).
     *
     * @param redis where Redis is and the key prefix
     * @param config the cache's settings (name, TTLs, tiers, bounds, hot keys)
     * @param codec how values are written
     * @throws IllegalArgumentException if the cache's name cannot be part of a Redis key, or the codec
     *     cannot write and read back values of its type
     */
    static <V> RedisCache<V> create(RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec) {
        return create(redis, config, codec, ValueIsolation.immutable());
    }

    /**
     * A cache on its own connector, closed with the cache, checking values with {@code isolation}
     * exactly as an in-process cache built with it would (see {@link Cache}, Values).
     *
     * @throws IllegalArgumentException if the cache's name cannot be part of a Redis key, or the codec
     *     cannot write and read back values of its type
     */
    static <V> RedisCache<V> create(
            RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec, ValueIsolation<V> isolation) {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(isolation, "isolation");
        RedisCacheImpl.checkName(config.name());
        return new RedisCacheImpl<>(Connector.open(redis), true, config, codec, isolation);
    }

    /** A cache on a shared connector, which the caller closes after the cache; default value rule. */
    static <V> RedisCache<V> create(RedisConnector connector, CacheConfig config, ValueCodec<V> codec) {
        return create(connector, config, codec, ValueIsolation.immutable());
    }

    /** A cache on a shared connector, which the caller closes after the cache, with a value rule. */
    static <V> RedisCache<V> create(
            RedisConnector connector, CacheConfig config, ValueCodec<V> codec, ValueIsolation<V> isolation) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(isolation, "isolation");
        RedisCacheImpl.checkName(config.name());
        return new RedisCacheImpl<>(Connector.of(connector), false, config, codec, isolation);
    }

    /** The connection's health: that of {@link #connector()}. */
    default RedisHealth health() {
        return connector().health();
    }

    /** The connector the cache runs on. */
    RedisConnector connector();

    /**
     * Server facts: used memory, evicted keys (both one INFO round trip) and the number of this
     * cache's keys (on a standalone server exact, from the expiry index; on a cluster counted with SCAN
     * at most once per {@link RedisCacheConfig#sizeRefresh()}). Never throws: while Redis cannot be
     * reached it answers with {@link RedisServerStats#reachable()} false, the error, -1 for the server's
     * figures and the last count of keys it made.
     */
    RedisServerStats serverStats();
}

package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisCacheImpl;
import dev.voicetrack.cache.redis.internal.TwoTierCacheImpl;
import java.util.Objects;

/**
 * A cache with an in-process tier in front of Redis, for bots that run several processes on one
 * Redis.
 *
 * <ul>
 *   <li>Reads look in the in-process tier first; a Redis hit fills it, with the entry's remaining TTL.
 *   <li>Every write and invalidation goes to Redis and is published on the cache's channel ({@code
 *       <prefix>~vt~inv:<name>}); every other instance drops the affected entries from its
 *       in-process tier when the message arrives (milliseconds on a LAN).
 *   <li>After any reconnect (or recovery from failing commands) the in-process tier is cleared and
 *       not used for reads until this instance has received its own probe message on the channel,
 *       which proves that the subscription is live again: it may have missed invalidations meanwhile.
 *   <li>While Redis is unreachable every call works on the in-process tier alone, without throwing or
 *       hanging; health says so, and the client reconnects by itself.
 * </ul>
 *
 * Values follow the same rule as in process ({@link dev.voicetrack.cache.Cache}, Values); the
 * in-process tier copies them through the codec on write and read. Thread safe.
 */
public final class TwoTierCache {

    private TwoTierCache() {}

    /**
     * A two-tier cache on its own connector, closed with the cache, with the default value rule
     * ({@link ValueIsolation#immutable()}, as in process).
     *
     * @throws IllegalArgumentException if the cache's name cannot be part of a Redis key, or the codec
     *     cannot write and read back values of its type
     */
    public static <V> RedisCache<V> create(RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec) {
        return create(redis, config, codec, ValueIsolation.immutable());
    }

    /**
     * A two-tier cache on its own connector, closed with the cache, checking values with {@code
     * isolation} exactly as an in-process cache built with it would.
     */
    public static <V> RedisCache<V> create(
            RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec, ValueIsolation<V> isolation) {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(isolation, "isolation");
        RedisCacheImpl.checkName(config.name());
        return new TwoTierCacheImpl<>(Connector.open(redis), true, config, codec, isolation);
    }

    /** A two-tier cache on a shared connector, which the caller closes after the cache; default value rule. */
    public static <V> RedisCache<V> create(RedisConnector connector, CacheConfig config, ValueCodec<V> codec) {
        return create(connector, config, codec, ValueIsolation.immutable());
    }

    /** A two-tier cache on a shared connector, which the caller closes after the cache, with a value rule. */
    public static <V> RedisCache<V> create(
            RedisConnector connector, CacheConfig config, ValueCodec<V> codec, ValueIsolation<V> isolation) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(isolation, "isolation");
        RedisCacheImpl.checkName(config.name());
        return new TwoTierCacheImpl<>(Connector.of(connector), false, config, codec, isolation);
    }
}

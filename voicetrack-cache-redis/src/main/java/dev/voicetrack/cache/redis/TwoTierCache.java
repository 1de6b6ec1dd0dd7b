package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.internal.Connector;
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
 * Values in the in-process tier are copied through the codec on write and read. Thread safe.
 */
public final class TwoTierCache {

    private TwoTierCache() {}

    /** A two-tier cache on its own connector, closed with the cache. */
    public static <V> RedisCache<V> create(RedisCacheConfig redis, CacheConfig config, ValueCodec<V> codec) {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        return new TwoTierCacheImpl<>(Connector.open(redis), true, config, codec);
    }

    /** A two-tier cache on a shared connector, which the caller closes after the cache. */
    public static <V> RedisCache<V> create(RedisConnector connector, CacheConfig config, ValueCodec<V> codec) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(codec, "codec");
        return new TwoTierCacheImpl<>(Connector.of(connector), false, config, codec);
    }
}

package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisPubSub;
import dev.voicetrack.cache.redis.TwoTierCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis caches of one cache manager: one connector per Redis URL, shared by the manager's caches
 * and closed with the manager, and one pub/sub per URL for the caches' entry events. Loaded only when a cache goes to Redis, so {@code voicetrack-cache-redis}
 * is needed only then.
 *
 * <p>A JCache name that cannot be part of a Redis key (letters, digits, {@code . _ -}, up to 64) is
 * replaced by {@code jc-} and a hash of it, so any name works and equal names in different processes
 * meet on the same entries.
 */
final class RedisBackend implements AutoCloseable {

    private final String keyPrefix;
    private final Map<String, RedisConnector> connectors = new ConcurrentHashMap<>();
    private final Map<String, RedisPubSub> pubSubs = new ConcurrentHashMap<>();

    RedisBackend(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    dev.voicetrack.cache.Cache<Stored> create(String url, String name, CacheConfig config, boolean twoTier) {
        RedisConnector connector = connector(url);
        CacheConfig named = config.toBuilder().name(redisName(name)).build();
        ValueIsolation<Stored> isolation = ValueIsolation.<Stored>immutable().trusting(Stored.class);
        return twoTier
                ? TwoTierCache.create(connector, named, StoredCodec.INSTANCE, isolation)
                : RedisCache.create(connector, named, StoredCodec.INSTANCE, isolation);
    }

    /**
     * The channel that carries the entry events of the cache {@code name} in Redis at {@code url}
     * between processes; one pub/sub (and its delivery thread) per URL serves all the manager's caches.
     */
    EventChannel events(String url, String name) {
        RedisConnector connector = connector(url);
        RedisPubSub pubSub = pubSubs.computeIfAbsent(url, u -> RedisPubSub.create(connector));
        return new RedisEventChannel(pubSub, connector, "jc-ev:" + redisName(name));
    }

    private RedisConnector connector(String url) {
        return connectors.computeIfAbsent(
                url,
                u -> RedisConnector.connect(
                        RedisCacheConfig.builder().url(u).keyPrefix(keyPrefix).build()));
    }

    static String redisName(String name) {
        boolean fits = !name.isEmpty()
                && name.length() <= 64
                && name.chars()
                        .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))
                && !name.equals("rl")
                && !name.equals("ss");
        if (fits) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "jc-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public void close() {
        pubSubs.values().forEach(RedisPubSub::close);
        pubSubs.clear();
        connectors.values().forEach(RedisConnector::close);
        connectors.clear();
    }
}

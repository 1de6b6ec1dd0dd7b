package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.TwoTierCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache: in-process, or with {@code REDIS_URL} the two-tier cache (in-process in front of Redis,
 * a standalone server or a Redis Cluster, invalidations shared over pub/sub; while Redis is down it serves from the in-process tier), with
 * its metrics. Its Redis connection is shared with the shard leases. Stopping logs the final figures and
 * closes it, then the Redis connection.
 */
final class CacheStack implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(CacheStack.class);

    private final BotConfig.CacheSettings settings;
    private final MeterRegistry registry;
    private final Started<Cache<Object>> cache = new Started<>("cache");
    private volatile @Nullable RedisConnector connector;

    CacheStack(BotConfig.CacheSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    @Override
    public String name() {
        return "cache";
    }

    Cache<Object> cache() {
        return cache.get();
    }

    Started<Cache<Object>> started() {
        return cache;
    }

    /** The Redis connection of the two-tier cache, shared with the shard leases; empty without {@code REDIS_URL}. */
    Optional<RedisConnector> redis() {
        return Optional.ofNullable(connector);
    }

    @Override
    public void start() {
        Cache<Object> c = create();
        cache.set(c);
        bindMetrics(c);
    }

    @Override
    public void stop() {
        Cache<Object> c = cache.get();
        CacheStats s = c.stats();
        LOG.info(
                "Final cache stats: hit rate {}%, {} hits, {} misses, {} entries",
                String.format(Locale.ROOT, "%.1f", s.hitRatePercent()), s.hits(), s.misses(), s.size());
        c.close();
        RedisConnector r = connector;
        if (r != null) {
            r.close();
        }
    }

    private Cache<Object> create() {
        CacheConfig cc = CacheConfig.builder()
                .name("voicetrack")
                .maximumEntries(settings.maxEntries())
                .defaultTtl(settings.ttl())
                .build();
        if (settings.redisUrl().isEmpty()) {
            return InProcessCache.create(cc);
        }
        String url = settings.redisUrl().get();
        String masked = BotConfig.maskUrl(url);
        RedisCacheConfig redis;
        try {
            RedisCacheConfig.Builder b = RedisCacheConfig.builder().keyPrefix(settings.redisKeyPrefix());
            if (settings.redisCluster()) {
                b.clusterUrls(settings.redisNodes());
            } else {
                b.url(url);
            }
            redis = b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("REDIS_URL is not usable (" + masked + "): "
                    + e.getMessage().replace(url, masked));
        }
        RedisConnector shared = RedisConnector.connect(redis);
        RedisCache<Object> two;
        try {
            two = TwoTierCache.create(shared, cc, new TrackerValueCodec());
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        connector = shared;
        var health = two.health();
        if (!health.connected()) {
            LOG.warn(
                    "Redis at {} is not reachable ({}); the bot continues on the in-process cache tier and"
                            + " reconnects by itself",
                    masked,
                    health.lastError().orElse("no answer").replace(url, masked));
        } else {
            LOG.info(
                    "Cache: two-tier (in-process + Redis {} at {})",
                    settings.redisCluster() ? "Cluster" : "server",
                    masked);
        }
        return two;
    }

    private void bindMetrics(Cache<Object> c) {
        String name = c.name();
        FunctionCounter.builder("voicetrack.cache.hits", c, x -> x.stats().hits())
                .tag("cache", name)
                .register(registry);
        FunctionCounter.builder("voicetrack.cache.misses", c, x -> x.stats().misses())
                .tag("cache", name)
                .register(registry);
        FunctionCounter.builder("voicetrack.cache.evictions", c, x -> x.stats().sizeEvictions())
                .tag("cache", name)
                .register(registry);
        Gauge.builder("voicetrack.cache.size", c, x -> x.stats().size())
                .tag("cache", name)
                .register(registry);
        Gauge.builder("voicetrack.cache.hit.ratio", c, x -> x.stats().hitRate())
                .tag("cache", name)
                .register(registry);
    }
}

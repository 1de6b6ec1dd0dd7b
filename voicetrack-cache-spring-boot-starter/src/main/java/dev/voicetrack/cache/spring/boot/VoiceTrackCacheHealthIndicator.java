package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisHealth;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The health of the VoiceTrack caches: UP with each cache's size and hit rate; for caches on Redis,
 * DOWN while the connection is not healthy (the caches then serve from their in-process fallback), with
 * the last error. Never talks to Redis: it reads the connector's state.
 */
final class VoiceTrackCacheHealthIndicator extends AbstractHealthIndicator {

    private final VoiceTrackCacheManager manager;

    VoiceTrackCacheHealthIndicator(VoiceTrackCacheManager manager) {
        super("VoiceTrack cache health check failed");
        this.manager = manager;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up();
        for (Map.Entry<String, Cache<Object>> e : manager.voiceTrackCaches().entrySet()) {
            Cache<Object> cache = e.getValue();
            var stats = cache.stats();
            builder.withDetail(e.getKey() + ".size", stats.size());
            builder.withDetail(e.getKey() + ".hitRatePercent", stats.hitRatePercent());
            if (cache instanceof RedisCache<?> redis) {
                RedisHealth health = redis.health();
                builder.withDetail(e.getKey() + ".redisConnected", health.connected());
                if (!health.healthy()) {
                    builder.down();
                    health.lastError().ifPresent(error -> builder.withDetail(e.getKey() + ".redisError", error));
                }
            }
        }
    }
}

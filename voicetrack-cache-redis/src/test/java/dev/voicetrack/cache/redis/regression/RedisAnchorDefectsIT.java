package dev.voicetrack.cache.redis.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.JacksonCodec;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.ServerExpiry;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One test per Redis defect of the original library (reference/anchor-defects.md, "Cache"), proving
 * it absent against a real server. The others are covered where the feature is tested: tag TTLs in
 * RedisCacheIT, fallback in FallbackIT, rate limits in RedisRateLimiterIT, pub/sub in TwoTierCacheIT.
 */
class RedisAnchorDefectsIT {

    private RedisServer server;
    private RedisCache<TestValue> cache;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        cache = RedisCache.create(
                RedisCacheConfig.builder().url(server.url()).build(),
                CacheConfig.defaults(),
                JacksonCodec.of(TestValue.class));
    }

    @AfterEach
    void stop() {
        cache.close();
        server.close();
    }

    private long calls(String command) {
        String stats = server.command("INFO", "commandstats");
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return 0;
    }

    @Test
    void clear_reallyClears() {
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, TestValue.of("v", i), WriteOptions.tags("t"));
        }
        cache.clear();
        assertThat(server.command("DBSIZE")).isEqualTo(":0");
    }

    @Test
    void subSecondTtl_isNotTruncatedToZero() {
        ServerExpiry expiry = new ServerExpiry(server, "vt:default:", "k");
        expiry.beforePut();
        cache.put("k", TestValue.of("v", 1), Duration.ofMillis(400));

        long expiresAt = expiry.assertExpiresAfter(Duration.ofMillis(400));
        if (cache.get("k").isEmpty()) {
            expiry.assertGoneOnTime(expiresAt);
        }
    }

    @Test
    void stats_neverScanTheKeyspace() {
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, TestValue.of("v", i));
        }
        long scansBefore = calls("scan");
        for (int i = 0; i < 50; i++) {
            assertThat(cache.stats().size()).isEqualTo(100);
        }
        assertThat(calls("scan")).isEqualTo(scansBefore);
    }

    @Test
    void patternInvalidationKeysAndClear_neverUseKeys() {
        for (int i = 0; i < 100; i++) {
            cache.put("user:1:" + i, TestValue.of("v", i));
        }
        cache.keys("user:*");
        cache.invalidateByPattern("user:1:*");
        cache.clear();
        assertThat(calls("keys")).isZero();
        assertThat(calls("scan")).isPositive();
    }

    @Test
    void hitRate_isThisCachesOwn_notTheServersCounters() {
        cache.put("a", TestValue.of("A", 1));
        cache.get("a");
        cache.get("missing");
        for (int i = 0; i < 20; i++) {
            server.command("GET", "someone-elses-key"); // misses of other clients on the same server
        }
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.stats().hitRate()).isEqualTo(0.5);
    }
}

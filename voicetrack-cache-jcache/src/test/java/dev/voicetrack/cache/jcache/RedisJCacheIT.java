package dev.voicetrack.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JCache caches in Redis, on an own redis-server: two cache managers with their own connections
 * (as two processes would have) see each other's entries, the entries are in Redis under the
 * manager's key prefix, and a two-tier cache reads what the other wrote.
 */
class RedisJCacheIT {

    static RedisServer server;
    static RedisClient client;
    static StatefulRedisConnection<String, String> redis;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        client = RedisClient.create(server.url());
        redis = client.connect();
    }

    @AfterAll
    static void stop() {
        redis.close();
        client.shutdown();
        server.close();
    }

    /** A manager of its own provider, so it has its own connector, as another process would. */
    private static CacheManager managerOf(Properties properties) {
        CachingProvider provider = new VoiceTrackCachingProvider();
        return provider.getCacheManager(URI.create(server.url()), RedisJCacheIT.class.getClassLoader(), properties);
    }

    @Test
    void twoManagers_shareEntriesThroughRedis() {
        var props = new Properties();
        props.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, "it1:");
        try (CacheManager a = managerOf(props);
                CacheManager b = managerOf(props)) {
            var config = new MutableConfiguration<String, String>().setTypes(String.class, String.class);
            Cache<String, String> onA = a.createCache("shared", config);
            Cache<String, String> onB = b.createCache("shared", config);

            onA.put("greeting", "hello");

            assertThat(onB.get("greeting")).isEqualTo("hello");
            assertThat(redis.sync().keys("it1:shared:*")).contains("it1:shared:greeting");
            assertThat(onB.remove("greeting")).isTrue();
            assertThat(onA.containsKey("greeting")).isFalse();
        }
    }

    @Test
    void twoTier_readsWhatTheOtherManagerWrote_andSeesItsRemoval() {
        var props = new Properties();
        props.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, "it2:");
        try (CacheManager a = managerOf(props);
                CacheManager b = managerOf(props)) {
            // Both processes give the cache the same tier setting, as they must: a Redis-only cache
            // publishes no invalidations, so a process with a tier of it would not hear its writes.
            var twoTier = new VoiceTrackConfiguration<String, Long>().setTwoTier(true);
            Cache<String, Long> onA = a.createCache("tiers", twoTier);
            Cache<String, Long> onB = b.createCache("tiers", twoTier);

            onB.put("n", 1L);
            assertThat(onA.get("n")).isEqualTo(1L);
            onB.remove("n");

            // The removal reaches A's in-process tier over pub/sub, asynchronously: wait for it (a hang guard).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (onA.get("n") != null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(onA.get("n"))
                    .as("the removal reaches the in-process tier")
                    .isNull();
        }
    }

    @Test
    void storeByReference_staysInProcess_evenUnderARedisManager() {
        var props = new Properties();
        props.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, "it3:");
        try (CacheManager a = managerOf(props)) {
            Cache<String, StringBuilder> local =
                    a.createCache("refs", new MutableConfiguration<String, StringBuilder>().setStoreByValue(false));
            var value = new StringBuilder("mutable");

            local.put("k", value);

            assertThat(local.get("k")).isSameAs(value);
            assertThat(redis.sync().keys("it3:*")).isEmpty();
        }
    }

    @Test
    void oddCacheNames_getAHashedRedisName() {
        var props = new Properties();
        props.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, "it4:");
        try (CacheManager a = managerOf(props)) {
            Cache<String, String> odd = a.createCache("users by id / v2", new MutableConfiguration<String, String>());

            odd.put("1", "ann");

            Set<String> keys = Set.copyOf(redis.sync().keys("it4:*"));
            assertThat(keys).anyMatch(k -> k.startsWith("it4:jc-") && k.endsWith(":1"));
            assertThat(odd.get("1")).isEqualTo("ann");
        }
    }
}

package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.ratelimit.RateLimitKey;
import dev.voicetrack.cache.ratelimit.RateLimitRule;
import dev.voicetrack.cache.ratelimit.RateLimiter;
import dev.voicetrack.cache.redis.internal.Fetched;
import dev.voicetrack.cache.redis.internal.RedisCacheImpl;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisCluster;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis cache on a real three-master Redis Cluster started from redis-server processes. */
class RedisClusterIT {

    private static RedisCluster cluster;
    private RedisCache<TestValue> cache;
    private static int prefixes;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void create() {
        cache = RedisCache.create(
                RedisCacheConfig.builder()
                        .clusterUrls(cluster.urls())
                        .keyPrefix("cl" + (++prefixes) + ":")
                        .build(),
                CacheConfig.builder().name("cluster").unboundedEntries().build(),
                JacksonCodec.of(TestValue.class));
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void entriesSpreadOverAllMasters_andReadBack() {
        for (int i = 0; i < 300; i++) {
            cache.put("user:1:" + i, TestValue.of("u", i), WriteOptions.tags("guild:1"));
        }
        Set<Integer> nodesWithKeys = new HashSet<>();
        for (RedisServer node : cluster.nodes()) {
            if (Long.parseLong(node.command("DBSIZE").substring(1)) > 0) {
                nodesWithKeys.add(node.port());
            }
        }
        assertThat(nodesWithKeys).hasSize(3);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add("user:1:" + i);
        }
        Map<String, TestValue> all = cache.getAll(keys);
        assertThat(all).hasSize(300);
        assertThat(cache.get("user:1:42")).contains(TestValue.of("u", 42));
    }

    /**
     * A node that lost the read script (restarted, or {@code SCRIPT FLUSH}) fails its pipelined reads
     * with NOSCRIPT; each is sent again alone, which loads the script there, and the rest of the batch
     * stands. The wait used to end at the first failure, so the whole batch went to the fallback.
     */
    @Test
    void getAll_withTheScriptFlushedOnEveryNode_retriesEachFailedReadAlone() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cache.put("user:1:" + i, TestValue.of("u", i));
            keys.add("user:1:" + i);
        }
        assertThat(cache.getAll(keys)).hasSize(60); // loads the script on the nodes it reached
        for (RedisServer node : cluster.nodes()) {
            assertThat(node.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
        }

        var reads = ((RedisCacheImpl<TestValue>) cache).fetchAll(keys);

        assertThat(reads).as("the pipelined reads, not the fallback").isPresent();
        for (int i = 0; i < 60; i++) {
            assertThat(reads.get().get(i).entry().flatMap(Fetched::value))
                    .as("read of %s", keys.get(i))
                    .contains(TestValue.of("u", i));
        }
    }

    @Test
    void boundedCache_keepsToOneSlot_andItsBoundHolds() {
        String prefix = "cl" + (++prefixes) + ":";
        try (RedisCache<TestValue> bounded = RedisCache.create(
                RedisCacheConfig.builder()
                        .clusterUrls(cluster.urls())
                        .keyPrefix(prefix)
                        .build(),
                CacheConfig.builder().name("bounded").maximumEntries(50).build(),
                JacksonCodec.of(TestValue.class))) {
            for (int i = 0; i < 120; i++) {
                bounded.put("user:1:" + i, TestValue.of("u", i), WriteOptions.tags("guild:1"));
            }
            Set<Integer> nodesWithKeys = new HashSet<>();
            for (RedisServer node : cluster.nodes()) {
                // the first reply line of KEYS is "*<count>"
                if (Long.parseLong(node.command("KEYS", prefix + "*").substring(1)) > 0) {
                    nodesWithKeys.add(node.port());
                }
            }
            assertThat(nodesWithKeys).hasSize(1);
            assertThat(bounded.stats().size()).isEqualTo(50);
            assertThat(bounded.keys("*")).hasSize(50);
            assertThat(bounded.invalidateByTag("guild:1")).isEqualTo(50);
        }
    }

    @Test
    void tagInvalidation_reachesEntriesInEverySlot() {
        for (int i = 0; i < 200; i++) {
            cache.put("user:1:" + i, TestValue.of("u", i), WriteOptions.tags("guild:1"));
            cache.put("user:2:" + i, TestValue.of("u", i), WriteOptions.tags("guild:2"));
        }
        cache.put("user:1:0", TestValue.of("retagged", 0), WriteOptions.tags("guild:2"));

        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(199);

        assertThat(cache.keys("user:1:*")).containsExactly("user:1:0");
        assertThat(cache.keys("user:2:*")).hasSize(200);
    }

    @Test
    void patternInvalidationAndClear_scanEveryMaster() {
        for (int i = 0; i < 100; i++) {
            cache.put("lb:1:" + i, TestValue.of("l", i));
            cache.put("user:1:" + i, TestValue.of("u", i), WriteOptions.tags("t"));
        }

        assertThat(cache.invalidateByPattern("lb:1:*")).isEqualTo(100);
        assertThat(cache.keys("*")).hasSize(100);

        cache.clear();
        assertThat(cache.keys("*")).isEmpty();
        for (RedisServer node : cluster.nodes()) {
            assertThat(node.command("DBSIZE")).as("keys left on %s", node).isEqualTo(":0");
        }
    }

    @Test
    void rememberAndServerStats_workOnTheCluster() throws Exception {
        assertThat(cache.remember("k", Duration.ofMinutes(1), () -> TestValue.of("k", 1)))
                .isEqualTo(TestValue.of("k", 1));
        assertThat(cache.remember("k", Duration.ofMinutes(1), () -> TestValue.of("other", 2)))
                .isEqualTo(TestValue.of("k", 1));
        RedisServerStats stats = cache.serverStats();
        assertThat(stats.usedMemoryBytes()).isPositive();
        assertThat(stats.keysUnderPrefix()).isEqualTo(1);
    }

    @Test
    void rateLimits_areAtomicOnTheCluster() {
        try (RedisConnector connector = RedisConnector.connect(
                RedisCacheConfig.builder().clusterUrls(cluster.urls()).build())) {
            RateLimiter limiter =
                    RedisRateLimiter.create(connector, List.of(RateLimitRule.global("c", 5, Duration.ofMinutes(1))));
            int allowed = 0;
            for (int i = 0; i < 20; i++) {
                if (limiter.tryAcquire("c", RateLimitKey.global()).allowed()) {
                    allowed++;
                }
            }
            assertThat(allowed).isEqualTo(5);
        }
    }
}

package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.internal.TwoTierCacheImpl;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.net.FaultProxy;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Redis that keeps its connections but stops answering ({@code CLIENT PAUSE ... ALL}): the first
 * call pays one command timeout, every later call is served by the in-process tier at once, and Redis
 * is used again once it answers. The bounds are generous: a call that waited for the hung server would
 * take the full second of the command timeout.
 */
class HungRedisIT {
    /** Where the default cache's entries live in Redis: {@code <keyPrefix><cache name>:<key>}. */
    private static final String KEYS = RedisCacheConfig.DEFAULT_KEY_PREFIX + CacheConfig.DEFAULT_NAME + ":";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final long MARGIN_MS = 1_000;

    private RedisServer server;

    @BeforeEach
    void start() {
        server = RedisServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RedisCacheConfig redis(int directConnections) {
        return RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(COMMAND_TIMEOUT)
                .directConnections(directConnections)
                .build();
    }

    private static RedisCache<TestValue> open(String kind, RedisCacheConfig config) {
        return kind.startsWith("two-tier")
                ? TwoTierCache.create(config, CacheConfig.defaults(), JacksonCodec.of(TestValue.class))
                : RedisCache.create(config, CacheConfig.defaults(), JacksonCodec.of(TestValue.class));
    }

    private static long millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-direct", "redis-lettuce", "two-tier-direct", "two-tier-lettuce"})
    void pausedServer_callsReturnWithinTheCommandTimeout_thenInProcessWithoutWaiting_thenRedisAgain(String kind) {
        int direct = kind.endsWith("direct") ? RedisCacheConfig.DEFAULT_DIRECT_CONNECTIONS : 0;
        try (RedisCache<TestValue> cache = open(kind, redis(direct))) {
            assertThat(cache.connector().awaitConnected(Duration.ofSeconds(10))).isTrue();
            cache.put("before", TestValue.of("B", 1), WriteOptions.tags("t"));
            // CLIENT UNPAUSE would wait for the pause to end too (Redis 7.0), so the pause is short.
            assertThat(server.command("CLIENT", "PAUSE", "5000", "ALL")).isEqualTo("+OK");
            // The first call meets the hung server (a write always goes to Redis, whatever the tier in
            // front holds): it waits one command timeout, then falls back.
            long first = millis(() -> cache.put("first", TestValue.of("F", 0)));
            assertThat(first).isLessThan(COMMAND_TIMEOUT.toMillis() + MARGIN_MS);
            assertThat(cache.health().healthy()).isFalse();
            assertThat(cache.health().lastError())
                    .hasValueSatisfying(e -> assertThat(e).contains("command timeout"));

            // From then on nothing waits for Redis: 40 calls of every kind take less than one timeout.
            List<Function<RedisCache<TestValue>, Object>> calls = List.of(
                    c -> {
                        c.put("during", TestValue.of("D", 2), WriteOptions.tags("t"));
                        return true;
                    },
                    c -> c.get("during"),
                    c -> c.getAll(List.of("during", "before", "none")),
                    c -> c.remember("loaded", Duration.ofMinutes(1), () -> TestValue.of("L", 3)),
                    c -> c.invalidateByTag("t"),
                    c -> c.delete("loaded"),
                    c -> c.contains("during"),
                    c -> c.stats());
            long all = millis(() -> {
                for (int i = 0; i < 5; i++) {
                    for (var call : calls) {
                        call.apply(cache);
                    }
                }
            });
            assertThat(all).isLessThan(COMMAND_TIMEOUT.toMillis());
            cache.put("during", TestValue.of("D", 2));
            assertThat(cache.get("during")).contains(TestValue.of("D", 2)); // served in process
            Await.until("Redis healthy again", () -> cache.health().healthy());
            // Back in use: what the in-process tier held during the hang is dropped, writes reach Redis.
            Await.until("a write reaches Redis", () -> {
                cache.put("after", TestValue.of("A", 4));
                return server.command("EXISTS", KEYS + "after").equals(":1");
            });
            assertThat(cache.get("after")).contains(TestValue.of("A", 4));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-direct", "two-tier-lettuce"})
    void writesAndInvalidationsServedInProcessDuringAHang_reachRedisBeforeItIsUsedAgain(String kind) {
        int direct = kind.endsWith("direct") ? RedisCacheConfig.DEFAULT_DIRECT_CONNECTIONS : 0;
        try (RedisCache<TestValue> cache = open(kind, redis(direct))) {
            assertThat(cache.connector().awaitConnected(Duration.ofSeconds(10))).isTrue();
            cache.put("rewritten", TestValue.of("old", 1));
            cache.put("tagged", TestValue.of("T", 2), WriteOptions.tags("team"));
            cache.put("deleted", TestValue.of("D", 3));
            cache.put("kept", TestValue.of("K", 4));
            assertThat(server.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("+OK");
            cache.put("rewritten", TestValue.of("new", 5)); // meets the timeout, then served in process
            assertThat(cache.health().healthy()).isFalse();
            cache.invalidateByTag("team");
            cache.delete("deleted");

            Await.until("Redis healthy again", () -> cache.health().healthy());
            // Redis no longer holds what changed while it was bypassed, and keeps the rest.
            assertThat(server.command("EXISTS", KEYS + "rewritten")).isEqualTo(":0");
            assertThat(server.command("EXISTS", KEYS + "tagged")).isEqualTo(":0");
            assertThat(server.command("EXISTS", KEYS + "deleted")).isEqualTo(":0");
            assertThat(server.command("EXISTS", KEYS + "kept")).isEqualTo(":1");
            assertThat(cache.get("rewritten")).isEmpty();
            assertThat(cache.get("tagged")).isEmpty();
            assertThat(cache.get("kept")).contains(TestValue.of("K", 4));
        }
    }

    /**
     * A batch of tags sent while the server hangs: the call meets the timeout, is served in process, and
     * every tag of the batch reaches Redis before Redis is used again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"redis-direct", "two-tier-lettuce"})
    void batchedTagInvalidationMeetingAHang_isServedInProcess_andReachesRedisBeforeItIsUsedAgain(String kind) {
        int direct = kind.endsWith("direct") ? RedisCacheConfig.DEFAULT_DIRECT_CONNECTIONS : 0;
        try (RedisCache<TestValue> cache = open(kind, redis(direct))) {
            assertThat(cache.connector().awaitConnected(Duration.ofSeconds(10))).isTrue();
            cache.put("one", TestValue.of("1", 1), WriteOptions.tags("guild:1"));
            cache.put("two", TestValue.of("2", 2), WriteOptions.tags("guild:2"));
            cache.put("kept", TestValue.of("K", 3), WriteOptions.tags("guild:3"));
            assertThat(server.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("+OK");

            long took = millis(() -> cache.invalidateByTags(List.of("guild:1", "guild:2")));
            assertThat(took).isLessThan(COMMAND_TIMEOUT.toMillis() + MARGIN_MS);
            assertThat(cache.health().healthy()).isFalse();

            Await.until("Redis healthy again", () -> cache.health().healthy());
            assertThat(server.command("EXISTS", KEYS + "one")).isEqualTo(":0");
            assertThat(server.command("EXISTS", KEYS + "two")).isEqualTo(":0");
            assertThat(server.command("EXISTS", KEYS + "kept")).isEqualTo(":1");
            assertThat(cache.get("one")).isEmpty();
            assertThat(cache.get("kept")).contains(TestValue.of("K", 3));
        }
    }

    @Test
    void invalidationsMadeWhileOneInstanceWasCutOffFromRedis_reachTheOtherInstancesAfterwards() {
        CacheConfig config =
                CacheConfig.builder().defaultTtl(Duration.ofMinutes(10)).build();
        try (FaultProxy proxy = FaultProxy.start(server.host(), server.port());
                RedisCache<TestValue> cutOff = TwoTierCache.create(
                        redis(0).toBuilder()
                                .url("redis://" + proxy.host() + ":" + proxy.port())
                                .build(),
                        config,
                        JacksonCodec.of(TestValue.class));
                RedisCache<TestValue> other = TwoTierCache.create(redis(0), config, JacksonCodec.of(TestValue.class))) {
            Await.until(
                    "both in sync",
                    () -> ((TwoTierCacheImpl<TestValue>) cutOff).synced()
                            && ((TwoTierCacheImpl<TestValue>) other).synced());
            cutOff.put("member", TestValue.of("M", 1), WriteOptions.tags("team"));
            // The other instance reads it into its in-process tier (once the put's own message is in).
            Await.until(
                    "a copy in the other instance's in-process tier",
                    () -> other.get("member").isPresent()
                            && ((TwoTierCacheImpl<TestValue>) other).localTier().contains("member"));

            proxy.hang();
            cutOff.contains("member"); // meets the timeout: Redis is bypassed
            assertThat(cutOff.health().healthy()).isFalse();
            cutOff.invalidateByTag("team"); // in process only, for now
            proxy.forward();

            Await.until("the other instance dropped its copy", () -> other.get("member")
                    .isEmpty());
            assertThat(server.command("EXISTS", KEYS + "member")).isEqualTo(":0");
        }
    }
}

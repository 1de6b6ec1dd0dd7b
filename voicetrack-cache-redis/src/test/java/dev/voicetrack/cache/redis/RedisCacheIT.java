package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis-specific behaviour of {@link RedisCache} against a real redis-server. */
class RedisCacheIT {

    private static RedisServer server;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private RedisCache<TestValue> cache;
    private String prefix;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void createCache() {
        prefix = "t" + PREFIXES.incrementAndGet() + ":";
        cache = RedisCache.create(
                RedisCacheConfig.builder().url(server.url()).keyPrefix(prefix).build(),
                CacheConfig.builder().name("it").build(),
                JacksonCodec.of(TestValue.class));
    }

    @AfterEach
    void closeCache() {
        cache.close();
    }

    @Test
    void putThenGet_returnsEqualValueUnderPrefixedKey() {
        cache.put("user:1:2", TestValue.of("a", 3, "x", "y"));

        assertThat(cache.get("user:1:2")).contains(TestValue.of("a", 3, "x", "y"));
        assertThat(server.command("EXISTS", prefix + "it:user:1:2")).isEqualTo(":1");
        assertThat(cache.get("user:1:3")).isEmpty();
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.stats().sets()).isEqualTo(1);
    }

    /**
     * A loader that asks the cache for its own key used to wait for its own flight for ever; the Redis
     * cache now shares the in-process cache's single flight, which refuses the recursive call.
     */
    @Test
    void remember_loaderAskingForItsOwnKey_failsAsARecursiveLoad_andStoresNothing() {
        Duration ttl = Duration.ofMinutes(1);

        assertThatThrownBy(() -> cache.remember("k", ttl, () -> cache.remember("k", ttl, () -> TestValue.of("a", 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recursive load")
                .hasMessageContaining("'k'");

        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.remember("k", ttl, () -> TestValue.of("b", 2))).isEqualTo(TestValue.of("b", 2));
        assertThat(cache.stats().loadFailures()).isEqualTo(1);
    }

    @Test
    void subSecondTtl_isKeptInMillisecondsAndExpires() {
        ServerExpiry expiry = new ServerExpiry(server, prefix + "it:", "k");
        expiry.beforePut();
        cache.put("k", TestValue.of("a", 1), Duration.ofMillis(150));

        long expiresAt = expiry.assertExpiresAfter(Duration.ofMillis(150));
        Await.until("k expired", () -> cache.get("k").isEmpty());
        expiry.assertGoneOnTime(expiresAt);
    }

    @Test
    void subMillisecondTtl_neverBecomesZero() {
        cache.put("k", TestValue.of("a", 1), Duration.ofNanos(10));

        assertThat(server.command("PTTL", prefix + "it:k")).isIn(":1", ":0", ":-2");
        assertThat(server.command("PTTL", prefix + "it:k")).isNotEqualTo(":-1");
    }

    @Test
    void tagSetTtl_isNeverShortenedByAShortLivedEntry() {
        cache.put(
                "long",
                TestValue.of("l", 1),
                WriteOptions.ttl(Duration.ofHours(1)).withTags("guild:1"));
        cache.put(
                "short",
                TestValue.of("s", 1),
                WriteOptions.ttl(Duration.ofSeconds(2)).withTags("guild:1"));

        long tagTtl = Long.parseLong(
                server.command("PTTL", prefix + "it:~vt~t:guild:1").substring(1));
        assertThat(tagTtl).isGreaterThan(Duration.ofMinutes(59).toMillis());
        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(2);
        assertThat(cache.get("long")).isEmpty();
    }

    @Test
    void retaggedEntry_isNotRemovedByItsOldTag() {
        cache.put("k", TestValue.of("a", 1), WriteOptions.tags("old"));
        cache.put("k", TestValue.of("b", 2), WriteOptions.tags("new"));

        assertThat(cache.invalidateByTag("old")).isZero();
        assertThat(cache.get("k")).contains(TestValue.of("b", 2));
        assertThat(cache.invalidateByTag("new")).isEqualTo(1);
    }

    @Test
    void clear_removesEveryKeyOfThisCacheAndNothingElse() {
        server.command("SET", "other:keep", "1");
        server.command("SET", "t999999:keep", "1");
        for (int i = 0; i < 1200; i++) {
            cache.put("k" + i, TestValue.of("v", i), WriteOptions.tags("tag" + (i % 3)));
        }

        cache.clear();

        assertThat(cache.keys("*")).isEmpty();
        assertThat(server.command("EXISTS", prefix + "it:~vt~t:tag1")).isEqualTo(":0");
        assertThat(server.command("EXISTS", "other:keep")).isEqualTo(":1");
        assertThat(server.command("EXISTS", "t999999:keep")).isEqualTo(":1");
        assertThat(cache.stats().deletes()).isEqualTo(1200);
    }

    @Test
    void invalidateByPattern_removesOnlyMatchingKeysOfThisCache() {
        cache.put("user:1:1", TestValue.of("a", 1));
        cache.put("user:1:2", TestValue.of("a", 2));
        cache.put("user:2:1", TestValue.of("a", 3));
        cache.put("lb:1:xp", TestValue.of("a", 4));
        server.command("SET", "user:1:9", "foreign");

        assertThat(cache.keys("user:1:*")).containsExactly("user:1:1", "user:1:2");
        assertThat(cache.invalidateByPattern("user:1:*")).isEqualTo(2);

        assertThat(cache.keys("*")).containsExactlyInAnyOrder("user:2:1", "lb:1:xp");
        assertThat(server.command("EXISTS", "user:1:9")).isEqualTo(":1");
    }

    @Test
    void patternMetacharactersInPrefix_areEscaped() {
        try (RedisCache<TestValue> starry = RedisCache.create(
                RedisCacheConfig.builder().url(server.url()).keyPrefix("st*r:").build(),
                CacheConfig.defaults(),
                JacksonCodec.of(TestValue.class))) {
            starry.put("a", TestValue.of("a", 1));
            server.command("SET", "stXr:a", "foreign");

            assertThat(starry.invalidateByPattern("*")).isEqualTo(1);
            assertThat(server.command("EXISTS", "stXr:a")).isEqualTo(":1");
        }
    }

    @Test
    void concurrentPutsAndTagInvalidations_neverLeaveALiveEntryOutsideItsTag() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        if (id % 2 == 0) {
                            cache.put("k" + (i % 20), TestValue.of("v", i), WriteOptions.tags("g"));
                        } else {
                            cache.invalidateByTag("g");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        cache.invalidateByTag("g");

        assertThat(cache.keys("*")).isEmpty();
    }

    @Test
    void rememberOptional_remembersAbsenceForNegativeTtl() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            Optional<TestValue> v = cache.rememberOptional("missing", WriteOptions.defaults(), () -> {
                loads.incrementAndGet();
                return Optional.empty();
            });
            assertThat(v).isEmpty();
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.contains("missing")).isFalse();
    }

    @Test
    void remember_concurrentMissesRunTheLoaderOnce() throws Exception {
        int threads = 16;
        AtomicInteger loads = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<TestValue>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.remember("hot", Duration.ofMinutes(1), () -> {
                        loads.incrementAndGet();
                        Thread.sleep(100);
                        return TestValue.of("loaded", 1);
                    });
                }));
            }
            for (Future<TestValue> f : results) {
                assertThat(f.get()).isEqualTo(TestValue.of("loaded", 1));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void serverStats_countKeysUnderPrefixOnlyAndReportMemory() {
        cache.put("a", TestValue.of("a", 1), WriteOptions.tags("x"));
        cache.put("b", TestValue.of("b", 1));
        server.command("SET", "unrelated", "1");

        RedisServerStats stats = cache.serverStats();

        assertThat(stats.keysUnderPrefix()).isEqualTo(2);
        assertThat(stats.usedMemoryBytes()).isPositive();
        assertThat(stats.evictedKeys()).isZero();
    }

    /** Lets {@code d} pass for this test's keys (see {@link RedisTime}). */
    private void pass(Duration d) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.url());
        try (var c = client.connect()) {
            RedisTime.pass(c.sync(), prefix, d);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void expiredEntries_leaveTheIndexThroughLaterPuts_eachCountedOnce() {
        for (int i = 0; i < 100; i++) {
            cache.put("old" + i, TestValue.of("o", i), Duration.ofSeconds(1));
        }
        pass(Duration.ofSeconds(2));
        // One put in 16 sweeps up to 64 expired entries; 400 puts sweep all 100 but with
        // negligible odds (fewer than 2 sweeps in 400 draws: about 1e-9).
        for (int i = 0; i < 400; i++) {
            cache.put("new", TestValue.of("n", i));
        }
        assertThat(server.command("ZCARD", prefix + "it:~vt~x")).isEqualTo(":1");
        assertThat(cache.stats().expirations()).isEqualTo(100);
        assertThat(cache.stats().sizeEvictions()).isZero();
        assertThat(cache.stats().size()).isEqualTo(1);
        assertThat(cache.stats().expirations()).isEqualTo(100);
    }

    @Test
    void aBoundMeetingAnExpiredEntry_countsAnExpiration_notASizeEviction() {
        try (RedisCache<TestValue> bounded = RedisCache.create(
                RedisCacheConfig.builder().url(server.url()).keyPrefix(prefix).build(),
                CacheConfig.builder().name("bounded").maximumEntries(3).build(),
                JacksonCodec.of(TestValue.class))) {
            bounded.put("a", TestValue.of("a", 1), Duration.ofSeconds(1));
            bounded.put("b", TestValue.of("b", 1), Duration.ofSeconds(1));
            bounded.put("c", TestValue.of("c", 1));
            pass(Duration.ofSeconds(2));
            // The index still lists a and b (unless this put happens to sweep): the bound removes
            // what expires first, which has expired.
            bounded.put("d", TestValue.of("d", 1));
            assertThat(bounded.stats().sizeEvictions()).isZero();
            assertThat(bounded.stats().expirations()).isBetween(1L, 2L);
            assertThat(bounded.stats().size()).isEqualTo(2);
            assertThat(bounded.stats().expirations()).isEqualTo(2);
            assertThat(bounded.get("c")).contains(TestValue.of("c", 1));
            assertThat(bounded.get("d")).contains(TestValue.of("d", 1));
        }
    }

    @Test
    void reservedKeyPrefix_isRejected() {
        assertThatThrownBy(() -> cache.put("~vt~x", TestValue.of("a", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("~vt~x");
    }

    @Test
    void config_rejectsBadUrlNamingIt() {
        assertThatThrownBy(() -> RedisCacheConfig.builder().url("http://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("url")
                .hasMessageContaining("http://x");
        assertThatThrownBy(() -> RedisCacheConfig.builder().commandTimeout(Duration.ZERO))
                .hasMessage("commandTimeout must be between PT0.01S and PT1M, was PT0S");
    }
}

package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis unreachable at start or killed mid-run: calls keep working in process, then recover. */
class FallbackIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(300);

    /** The longest any call may take while Redis is killed and restarted under it. */
    private static final Duration SLOWEST_CALL = COMMAND_TIMEOUT.multipliedBy(40);

    private RedisServer server;

    @BeforeEach
    void start() {
        server = RedisServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RedisCacheConfig redis() {
        return RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(COMMAND_TIMEOUT)
                .connectTimeout(Duration.ofMillis(300))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(250))
                .build();
    }

    @Test
    void unreachableAtStart_everyCallWorksInProcess_healthSaysSo_thenConnects() throws Exception {
        server.kill();
        try (RedisCache<TestValue> cache =
                RedisCache.create(redis(), CacheConfig.defaults(), JacksonCodec.of(TestValue.class))) {
            RedisHealth down = cache.health();
            assertThat(down.initialized()).isFalse();
            assertThat(down.connected()).isFalse();
            assertThat(down.healthy()).isFalse();
            assertThat(down.lastError()).isPresent();

            cache.put("a", TestValue.of("A", 1), WriteOptions.tags("t"));
            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
            assertThat(cache.remember("b", Duration.ofMinutes(1), () -> TestValue.of("B", 2)))
                    .isEqualTo(TestValue.of("B", 2));
            assertThat(cache.remember("b", Duration.ofMinutes(1), () -> TestValue.of("other", 0)))
                    .isEqualTo(TestValue.of("B", 2));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.get("a")).isEmpty();

            server.startAgain();
            Await.until("connected", () -> cache.health().healthy());
            RedisHealth up = cache.health();
            assertThat(up.initialized()).isTrue();
            assertThat(up.lastError()).isEmpty();
            assertThat(up.since()).isAfter(down.since());
            // Whatever was stored in process during the outage is dropped, and Redis is used again.
            assertThat(cache.get("b")).isEmpty();
            cache.put("c", TestValue.of("C", 3));
            assertThat(server.command("EXISTS", "vt:default:c")).isEqualTo(":1");
        }
    }

    @Test
    void serverKilledUnderLoad_noCallThrowsOrHangs_andTheCacheRecovers() throws Exception {
        try (RedisCache<TestValue> cache =
                TwoTierCache.create(redis(), CacheConfig.defaults(), JacksonCodec.of(TestValue.class))) {
            int threads = 4;
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            AtomicLong slowestNanos = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(threads);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    started.countDown();
                    int i = 0;
                    while (running.get()) {
                        String key = "k" + (i++ % 50);
                        long begin = System.nanoTime();
                        try {
                            switch (i % 4) {
                                case 0 -> cache.put(key, TestValue.of(key, id), WriteOptions.tags("g"));
                                case 1 -> cache.get(key);
                                case 2 -> cache.remember(key, Duration.ofMinutes(1), () -> TestValue.of(key, 0));
                                default -> cache.invalidateByTag("g");
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        slowestNanos.accumulateAndGet(System.nanoTime() - begin, Math::max);
                        calls.incrementAndGet();
                    }
                });
                w.start();
                workers.add(w);
            }
            started.await();
            Await.until("some calls on Redis", () -> calls.get() > 500);

            server.kill();
            Await.until("loss noticed", () -> !cache.health().connected());
            long before = calls.get();
            Await.until("calls go on while Redis is down", () -> calls.get() > before + 500);
            assertThat(cache.health().healthy()).isFalse();

            server.startAgain();
            Await.until("reconnected", () -> cache.health().healthy());
            long after = calls.get();
            Await.until("calls go on after the restart", () -> calls.get() > after + 500);

            running.set(false);
            for (Thread w : workers) {
                w.join(10_000);
            }
            assertThat(failures).isEmpty();
            // Bounded: a call waits at most for one command timeout (300 ms) per Redis round trip it
            // makes, a handful. The bound leaves room for a loaded machine to deschedule the worker,
            // and still catches a call queued until the reconnect or waiting Lettuce's default 60 s.
            assertThat(Duration.ofNanos(slowestNanos.get())).isLessThan(SLOWEST_CALL);
            cache.put("after", TestValue.of("A", 1));
            assertThat(server.command("EXISTS", "vt:default:after")).isEqualTo(":1");
            assertThat(cache.get("after")).isEqualTo(Optional.of(TestValue.of("A", 1)));
        }
    }
}

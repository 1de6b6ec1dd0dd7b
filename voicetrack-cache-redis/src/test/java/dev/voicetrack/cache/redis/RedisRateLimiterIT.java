package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.ratelimit.RateLimitDecision;
import dev.voicetrack.cache.ratelimit.RateLimitKey;
import dev.voicetrack.cache.ratelimit.RateLimitRule;
import dev.voicetrack.cache.ratelimit.RateLimiter;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits shared through a real Redis by two "processes" (two connectors). */
class RedisRateLimiterIT {

    private static final List<RateLimitRule> RULES = List.of(
            RateLimitRule.global("burst", 10, Duration.ofMinutes(1)),
            RateLimitRule.perUserCommand("stats", 3, Duration.ofMinutes(1)),
            RateLimitRule.perGuildAction("short", 2, Duration.ofMillis(300)));

    private RedisServer server;
    private RedisConnector one;
    private RedisConnector two;
    private RateLimiter first;
    private RateLimiter second;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        RedisCacheConfig config = RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(Duration.ofMillis(300))
                .connectTimeout(Duration.ofMillis(300))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        one = RedisConnector.connect(config);
        two = RedisConnector.connect(config);
        first = RedisRateLimiter.create(one, RULES);
        second = RedisRateLimiter.create(two, RULES);
    }

    @AfterEach
    void stop() {
        one.close();
        two.close();
        server.close();
    }

    @Test
    void fiftyConcurrentCallersInTwoProcesses_neverExceedTheCapacity() throws Exception {
        int callers = 50;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                RateLimiter limiter = i % 2 == 0 ? first : second;
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int allowed = 0;
                    for (int j = 0; j < 4; j++) {
                        if (limiter.tryAcquire("burst", RateLimitKey.global()).allowed()) {
                            allowed++;
                        }
                    }
                    return allowed;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void budgetIsSharedAcrossProcesses_andDenialSaysWhenToRetry() {
        assertThat(first.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(2));
        assertThat(second.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(1));
        assertThat(first.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(0));

        RateLimitDecision denied = second.tryAcquire("stats", RateLimitKey.user(1, "stats"));

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isBetween(Duration.ofSeconds(59), Duration.ofMinutes(1));
        assertThat(first.tryAcquire("stats", RateLimitKey.user(2, "stats")).allowed())
                .isTrue();
        assertThat(server.command("PTTL", "vt:rl:stats:u:1:stats")).startsWith(":");
    }

    @Test
    void window_slidesOnTheServerClock() throws InterruptedException {
        assertThat(first.tryAcquire("short", RateLimitKey.guild(5, "post")).allowed())
                .isTrue();
        assertThat(first.tryAcquire("short", RateLimitKey.guild(5, "post")).allowed())
                .isTrue();
        RateLimitDecision denied = first.tryAcquire("short", RateLimitKey.guild(5, "post"));
        assertThat(denied.allowed()).isFalse();

        Thread.sleep(denied.retryAfter().toMillis() + 20); // the window runs on Redis's real clock

        assertThat(second.tryAcquire("short", RateLimitKey.guild(5, "post")).allowed())
                .isTrue();
    }

    @Test
    void redisDown_fallsBackToInProcessLimits_neverAllowEverything() {
        server.kill();
        int allowed = 0;
        for (int i = 0; i < 25; i++) {
            if (first.tryAcquire("burst", RateLimitKey.global()).allowed()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(10);
        assertThat(one.health().healthy()).isFalse();
    }
}

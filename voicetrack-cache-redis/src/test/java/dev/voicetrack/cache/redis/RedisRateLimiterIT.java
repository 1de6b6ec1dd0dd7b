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
            RateLimitRule.perGuildAction("short", 2, Duration.ofMillis(1500)));

    private RedisServer server;
    private RedisConnector one;
    private RedisConnector two;
    private RateLimiter first;
    private RateLimiter second;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        // Generous: a loaded machine must not turn a slow answer into a fallback in these tests.
        one = connect(Duration.ofSeconds(5));
        two = connect(Duration.ofSeconds(5));
        first = RedisRateLimiter.create(one, RULES);
        second = RedisRateLimiter.create(two, RULES);
    }

    private RedisConnector connect(Duration commandTimeout) {
        return RedisConnector.connect(RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(commandTimeout)
                .connectTimeout(Duration.ofMillis(300))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build());
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
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                RateLimiter limiter = i % 2 == 0 ? first : second;
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    int[] allowedDenied = new int[2];
                    for (int j = 0; j < 4; j++) {
                        allowedDenied[
                                limiter.tryAcquire("burst", RateLimitKey.global())
                                                .allowed()
                                        ? 0
                                        : 1]++;
                    }
                    return allowedDenied;
                }));
            }
            int allowed = 0;
            int denied = 0;
            for (Future<int[]> f : results) {
                int[] allowedDenied = f.get(60, TimeUnit.SECONDS);
                allowed += allowedDenied[0];
                denied += allowedDenied[1];
            }
            assertThat(allowed).isEqualTo(10);
            assertThat(denied).isEqualTo(callers * 4 - 10);
            assertThat(one.health().healthy()).isTrue();
            assertThat(two.health().healthy()).isTrue();
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

        assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(1500));

        // The window runs on Redis's clock; sleeping at least retryAfter can only overshoot it.
        Thread.sleep(denied.retryAfter().toMillis() + 1);

        assertThat(second.tryAcquire("short", RateLimitKey.guild(5, "post")).allowed())
                .isTrue();
    }

    @Test
    void scriptThatTimesOutButRunsLater_isAnsweredByRedis_notByASecondInProcessBudget() {
        for (int i = 0; i < 3; i++) {
            assertThat(second.tryAcquire("stats", RateLimitKey.user(9, "stats")).allowed())
                    .isTrue();
        }
        try (RedisConnector hasty = connect(Duration.ofMillis(300))) {
            RateLimiter limiter = RedisRateLimiter.create(hasty, RULES);
            assertThat(limiter.tryAcquire("burst", RateLimitKey.global()).allowed())
                    .isTrue();
            // Scripts wait 450 ms on the server: the first try times out on the client (300 ms).
            assertThat(server.command("CLIENT", "PAUSE", "450", "WRITE")).isEqualTo("+OK");

            assertThat(limiter.tryAcquire("stats", RateLimitKey.user(9, "stats"))
                            .allowed())
                    .isFalse();
            // A grant made by the late first run is reported once, not taken twice.
            assertThat(server.command("CLIENT", "PAUSE", "450", "WRITE")).isEqualTo("+OK");
            assertThat(limiter.tryAcquire("burst", RateLimitKey.global())).isEqualTo(RateLimitDecision.allow(8));
        }
        assertThat(server.command("ZCARD", "vt:rl:stats:u:9:stats")).isEqualTo(":3");
        assertThat(server.command("ZCARD", "vt:rl:burst:*")).isEqualTo(":2");
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

package dev.voicetrack.cache.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InProcessRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final InProcessRateLimiter limiter = InProcessRateLimiter.create(
            List.of(
                    RateLimitRule.perUserCommand("stats", 3, Duration.ofSeconds(10)),
                    RateLimitRule.perGuildAction("announce", 2, Duration.ofMinutes(1)),
                    RateLimitRule.global("api", 50, Duration.ofSeconds(1))),
            nanos::get);

    private void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void capacityPerWindow_thenDeniedWithExactRetryAfter() {
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(2));
        pass(Duration.ofSeconds(2));
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(1));
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"))).isEqualTo(RateLimitDecision.allow(0));

        RateLimitDecision denied = limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"));

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void slidingWindow_freesOneSlotWhenTheOldestAcquisitionLeavesIt() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"));
            pass(Duration.ofSeconds(1));
        }
        pass(Duration.ofSeconds(7).minusNanos(1));
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats")).allowed())
                .isFalse();
        pass(Duration.ofNanos(1));
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats")).allowed())
                .isTrue();
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats")).allowed())
                .isFalse();
    }

    @Test
    void budgets_areSeparatePerUserCommandAndGuildAction() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("stats", RateLimitKey.user(1, "stats"));
        }
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "stats")).allowed())
                .isFalse();
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(2, "stats")).allowed())
                .isTrue();
        assertThat(limiter.tryAcquire("stats", RateLimitKey.user(1, "rank")).allowed())
                .isTrue();

        limiter.tryAcquire("announce", RateLimitKey.guild(9, "levelup"));
        limiter.tryAcquire("announce", RateLimitKey.guild(9, "levelup"));
        assertThat(limiter.tryAcquire("announce", RateLimitKey.guild(9, "levelup"))
                        .allowed())
                .isFalse();
        assertThat(limiter.tryAcquire("announce", RateLimitKey.guild(8, "levelup"))
                        .allowed())
                .isTrue();
    }

    @Test
    void fiftyConcurrentCallers_neverExceedTheCapacity() throws Exception {
        InProcessRateLimiter tight = InProcessRateLimiter.create(
                List.of(RateLimitRule.global("api", 10, Duration.ofMinutes(1))), nanos::get);
        int callers = 50;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int allowed = 0;
                    for (int j = 0; j < 20; j++) {
                        if (tight.tryAcquire("api", RateLimitKey.global()).allowed()) {
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
    void idleWindowsAreSwept_andCountingStaysCorrect() {
        for (int i = 0; i < 5000; i++) {
            limiter.tryAcquire("stats", RateLimitKey.user(i, "stats"));
        }
        pass(Duration.ofSeconds(11));
        for (int i = 0; i < 5000; i++) {
            assertThat(limiter.tryAcquire("stats", RateLimitKey.user(i, "stats")))
                    .isEqualTo(RateLimitDecision.allow(2));
        }
    }

    @Test
    void unknownRuleOrWrongScope_isRejectedNamingIt() {
        assertThatThrownBy(() -> limiter.tryAcquire("nope", RateLimitKey.global()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> limiter.tryAcquire("stats", RateLimitKey.global()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key scope must be USER_COMMAND for rule 'stats', was GLOBAL");
    }

    @Test
    void rules_validateEveryField() {
        assertThatThrownBy(() -> RateLimitRule.global("api", 0, Duration.ofSeconds(1)))
                .hasMessage("capacity must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> RateLimitRule.global("api", 1, Duration.ZERO))
                .hasMessage("window must be between 1 ms and 7 days, was PT0S");
        assertThatThrownBy(() -> RateLimitRule.global("a b", 1, Duration.ofSeconds(1)))
                .hasMessageContaining("'a b'");
        assertThatThrownBy(() -> InProcessRateLimiter.create(List.of(
                        RateLimitRule.global("api", 1, Duration.ofSeconds(1)),
                        RateLimitRule.global("api", 2, Duration.ofSeconds(1)))))
                .hasMessage("rule names must be unique, was 'api' twice");
    }
}

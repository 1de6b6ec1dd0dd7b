package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CommandRateLimiterTest {
    private final ManualClock clock = new ManualClock();
    private final CommandRateLimiter limiter = CommandRateLimiter.perUser(3, Duration.ofSeconds(10), clock);

    @Test
    void permitsWithinWindow_thenRetryAfterUntilTheOldestRunLeavesTheWindow() {
        assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
        assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
        assertThat(limiter.tryAcquire(1, "stats")).contains(Duration.ofSeconds(8));
        clock.advance(Duration.ofSeconds(8));
        assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
        assertThat(limiter.tryAcquire(1, "stats")).contains(Duration.ofSeconds(2));
    }

    @Test
    void usersAndCommands_haveSeparateBudgets() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
        }
        assertThat(limiter.tryAcquire(1, "stats")).isPresent();
        assertThat(limiter.tryAcquire(2, "stats")).isEmpty();
        assertThat(limiter.tryAcquire(1, "leaderboard")).isEmpty();
    }

    @Test
    void refusedRuns_doNotExtendTheWait() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire(1, "stats");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.tryAcquire(1, "stats")).isPresent();
        }
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire(1, "stats")).isEmpty();
    }

    @Test
    void concurrentCallers_getExactlyThePermits() throws Exception {
        int threads = 8;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        AtomicInteger allowed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] fs = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                fs[t] = pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < 100; i++) {
                        if (limiter.tryAcquire(9, "stats").isEmpty()) {
                            allowed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(allowed).hasValue(3);
    }

    @Test
    void unlimited_allowsEverything() {
        CommandRateLimiter none = CommandRateLimiter.unlimited();
        for (int i = 0; i < 100; i++) {
            assertThat(none.tryAcquire(1, "stats")).isEqualTo(Optional.empty());
        }
    }

    @Test
    void invalidSettings_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> CommandRateLimiter.perUser(0, Duration.ofSeconds(1), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be >= 1, was 0");
        assertThatThrownBy(() -> CommandRateLimiter.perUser(1, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be > 0, was PT0S");
    }
}

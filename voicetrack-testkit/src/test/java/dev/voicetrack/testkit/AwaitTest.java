package dev.voicetrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void until_conditionAlreadyTrue_checksOnceWithoutPausing() {
        AtomicInteger checks = new AtomicInteger();
        Await.until("true", () -> checks.incrementAndGet() > 0);
        assertThat(checks).hasValue(1);
    }

    @Test
    void until_pausesWithBackOffBetweenChecks() {
        // Twelve checks mean eleven pauses of at least 1, 2, 4, ..., 32 ms and then 50 ms each.
        // Sleeping never ends early, so this lower bound holds on any machine; a spin loop makes
        // the twelve checks in microseconds.
        AtomicInteger checks = new AtomicInteger();
        long started = System.nanoTime();
        Await.until("twelve checks", () -> checks.incrementAndGet() >= 12);
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(checks).hasValue(12);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(1 + 2 + 4 + 8 + 16 + 32 + 50 * 5);
    }
}

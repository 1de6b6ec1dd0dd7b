package dev.voicetrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Lives in the cache test package because that is the test folder this suite's author owns.
class ManualTickerTest {

    @Test
    void startsAtANonZeroValue() {
        assertThat(new ManualTicker().read())
                .isEqualTo(ManualTicker.DEFAULT_START)
                .isNotZero();
        assertThat(new ManualTicker(-5).read()).isEqualTo(-5);
    }

    @Test
    void advance_movesByExactlyTheDuration() {
        ManualTicker ticker = new ManualTicker(100);
        ticker.advance(Duration.ofMillis(250));
        assertThat(ticker.read()).isEqualTo(100 + 250_000_000L);
        ticker.advanceMillis(1);
        assertThat(ticker.read()).isEqualTo(100 + 251_000_000L);
        ticker.advanceNanos(7);
        assertThat(ticker.read()).isEqualTo(100 + 251_000_007L);
        ticker.advance(Duration.ZERO);
        assertThat(ticker.read()).isEqualTo(100 + 251_000_007L);
    }

    @Test
    void negativeAdvance_isRejected_andTheTickerDoesNotMove() {
        ManualTicker ticker = new ManualTicker(100);
        assertThatThrownBy(() -> ticker.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never goes backwards")
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> ticker.advanceMillis(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("millis must be >= 0, was -3");
        assertThatThrownBy(() -> ticker.advanceNanos(-3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ticker.advance(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("duration");
        assertThat(ticker.read()).isEqualTo(100);
    }

    @Test
    void concurrentAdvances_areAllCounted() throws Exception {
        ManualTicker ticker = new ManualTicker(0);
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < 10_000; i++) {
                        ticker.advanceNanos(3);
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(ticker.read()).isEqualTo(threads * 10_000L * 3);
    }
}

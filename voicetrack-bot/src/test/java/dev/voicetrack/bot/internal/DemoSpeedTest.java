package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code demo --speed N}: the demo's clock runs N times as fast as real time. */
class DemoSpeedTest {
    private static final Instant START = Instant.parse("2025-06-01T10:00:00Z");

    @Test
    void speedClock_runsNTimesAsFastAsRealTime_fromItsStart() {
        ManualClock real = new ManualClock(Instant.parse("2025-05-01T00:00:00Z"));
        Demo.SpeedClock clock = new Demo.SpeedClock(real, 5, START);
        assertThat(clock.instant()).isEqualTo(START);
        real.advance(Duration.ofSeconds(60));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(300));
        real.advance(Duration.ofMillis(100));
        assertThat(clock.instant()).isEqualTo(START.plusMillis(300_500));
    }

    @Test
    void speedClock_atSpeedOne_keepsRealTimesPace_andSlowerSpeedsSlowDown() {
        ManualClock real = new ManualClock();
        Demo.SpeedClock one = new Demo.SpeedClock(real, 1, START);
        Demo.SpeedClock tenth = new Demo.SpeedClock(real, 0.1, START);
        real.advance(Duration.ofSeconds(60));
        assertThat(one.instant()).isEqualTo(START.plusSeconds(60));
        assertThat(tenth.instant()).isEqualTo(START.plusSeconds(6));
    }

    @Test
    void mongoUri_getsAServerSelectionBound_unlessItSetsOne() {
        assertThat(Storages.withServerSelectionBound("mongodb://h:27017"))
                .isEqualTo("mongodb://h:27017/?serverSelectionTimeoutMS=5000");
        assertThat(Storages.withServerSelectionBound("mongodb://h:27017/db"))
                .isEqualTo("mongodb://h:27017/db?serverSelectionTimeoutMS=5000");
        assertThat(Storages.withServerSelectionBound("mongodb+srv://u:p@c.example/?retryWrites=true"))
                .isEqualTo("mongodb+srv://u:p@c.example/?retryWrites=true&serverSelectionTimeoutMS=5000");
        assertThat(Storages.withServerSelectionBound("mongodb://h/?serverSelectionTimeoutMS=900"))
                .isEqualTo("mongodb://h/?serverSelectionTimeoutMS=900");
    }
}

package dev.voicetrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

// Lives in the cache test package because that is the test folder this suite's author owns.
class ManualClockTest {

    private static final Instant T0 = Instant.parse("2024-03-10T12:00:00.123456789Z");

    @Test
    void defaultClock_startsAtTheDocumentedInstantInUtc() {
        ManualClock clock = new ManualClock();
        assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advance_movesTheClockAndTheTickerTogether() {
        ManualClock clock = new ManualClock(T0);
        Ticker ticker = clock.ticker();
        long before = ticker.read();

        clock.advance(Duration.ofMillis(1_500));
        clock.advanceMillis(500);

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(2));
        assertThat(clock.millis()).isEqualTo(T0.plusSeconds(2).toEpochMilli());
        assertThat(ticker.read() - before).isEqualTo(2_000_000_000L);
    }

    @Test
    void negativeAdvance_isRejected() {
        ManualClock clock = new ManualClock(T0);
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> clock.advanceMillis(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.instant()).isEqualTo(T0);
    }

    @Test
    void setInstant_forward_movesTheTickerByTheSameAmount() {
        ManualClock clock = new ManualClock(T0);
        long before = clock.ticker().read();
        clock.setInstant(T0.plus(Duration.ofHours(3)));
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(3)));
        assertThat(clock.ticker().read() - before).isEqualTo(Duration.ofHours(3).toNanos());
    }

    @Test
    void setInstant_backward_movesTheClockButTheTickerNeverGoesBack() {
        ManualClock clock = new ManualClock(T0);
        Ticker ticker = clock.ticker();
        long before = ticker.read();
        clock.setInstant(T0.minusSeconds(60));
        assertThat(clock.instant()).isEqualTo(T0.minusSeconds(60));
        assertThat(ticker.read()).isEqualTo(before);

        clock.advance(Duration.ofSeconds(5));
        assertThat(ticker.read() - before).isEqualTo(5_000_000_000L);
    }

    @Test
    void withZone_sharesTheTime_andHasTheZone() {
        ManualClock utc = new ManualClock(T0);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ManualClock local = utc.withZone(berlin);

        assertThat(local.getZone()).isEqualTo(berlin);
        utc.advance(Duration.ofHours(12));
        assertThat(local.instant()).isEqualTo(T0.plus(Duration.ofHours(12)));
        assertThat(LocalDate.now(local)).isEqualTo(LocalDate.of(2024, 3, 11));
        assertThat(local).isNotEqualTo(utc);
        assertThat(local.withZone(ZoneOffset.UTC)).isEqualTo(utc);
    }

    @Test
    void nulls_areRejectedNamingTheArgument() {
        assertThatThrownBy(() -> new ManualClock(null)).hasMessageContaining("start");
        assertThatThrownBy(() -> new ManualClock(T0, null)).hasMessageContaining("zone");
        assertThatThrownBy(() -> new ManualClock().setInstant(null)).hasMessageContaining("instant");
    }
}

package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedClockTest {
    private static final Instant START = Instant.parse("2026-12-06T05:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void advance_isSeenByEveryClockOpenOnTheFile() {
        Path file = tmp.resolve("clock");
        SharedClock writer = SharedClock.create(file, START);
        SharedClock reader = SharedClock.open(file);
        assertThat(reader.instant()).isEqualTo(START);

        writer.advance(Duration.ofSeconds(5));
        writer.advance(Duration.ofMillis(1));

        assertThat(reader.instant()).isEqualTo(START.plusMillis(5001));
        assertThat(reader.millis()).isEqualTo(writer.millis());
    }

    @Test
    void create_overwritesAnEarlierTime() {
        Path file = tmp.resolve("clock");
        SharedClock.create(file, START).advance(Duration.ofHours(1));

        SharedClock.create(file, START);

        assertThat(SharedClock.open(file).instant()).isEqualTo(START);
    }

    @Test
    void advance_onAClockOpenedReadOnly_isRefused() {
        Path file = tmp.resolve("clock");
        SharedClock.create(file, START);

        assertThatThrownBy(() -> SharedClock.open(file).advance(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-only");
    }

    @Test
    void advance_byLessThanAMillisecond_isRefused() {
        SharedClock clock = SharedClock.create(tmp.resolve("clock"), START);

        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0.000999999S");
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void open_aFileShorterThanALong_namesItsSize() throws Exception {
        Path file = Files.write(tmp.resolve("short"), new byte[3]);

        assertThatThrownBy(() -> SharedClock.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 3 bytes");
    }
}

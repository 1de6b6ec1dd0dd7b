package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.bot.internal.TrackerValueCodec;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.Window;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackerValueCodecTest {
    private final TrackerValueCodec codec = new TrackerValueCodec();

    @Test
    void trackerValues_roundTrip_withMilliseconds() {
        MemberStats stats = new MemberStats(
                1L,
                2L,
                3_500L,
                40L,
                2,
                3L,
                4L,
                Instant.parse("2024-05-06T07:08:09.123Z"),
                5,
                LocalDate.of(2024, 5, 6),
                Map.of(10L, new MemberStats.ChannelStats(10L, 3_500L, 3L)),
                Map.of("k", "v"));
        LeaderboardPage page = new LeaderboardPage(
                1L,
                Metric.VOICE_TIME,
                Window.lastDays(7),
                0,
                10,
                List.of(new LeaderboardEntry(1, 2L, 40L, 3_500L, 4L, 2)));
        UserActivity activity = new UserActivity(
                1L,
                2L,
                LocalDate.of(2024, 5, 1),
                LocalDate.of(2024, 5, 7),
                1L,
                2L,
                3L,
                List.of(new UserActivity.Day(LocalDate.of(2024, 5, 2), 1L, 2L, 3L)),
                Map.of(9L, new UserActivity.Totals(9L, 1L, 2L, 3L)));
        for (Object value : List.of(stats, page, activity)) {
            assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
        }
    }

    @Test
    void decode_refusesClassesOutsideCore() {
        byte[] evil = "{\"t\":\"java.lang.ProcessBuilder\",\"v\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(evil))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.ProcessBuilder");
    }
}

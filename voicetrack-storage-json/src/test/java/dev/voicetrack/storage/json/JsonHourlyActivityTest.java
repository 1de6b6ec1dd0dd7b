package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.MemberDelta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hourly activity lives in each day's file (day file version 2): it survives a restart and is pruned by rewriting the day. */
class JsonHourlyActivityTest {
    private static final long G = 111;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00Z");

    @TempDir
    Path dir;

    private static Batch at(LocalDate day, int hour, long voiceMs, long messages) {
        return new Batch(List.of(new MemberDelta(G, 1, CH, day, hour, voiceMs, 1, messages, 0, T)), List.of());
    }

    private String dayFile(LocalDate day) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path f = files.filter(p -> p.getFileName().toString().startsWith("guild-" + G + "-day-" + day + "-"))
                    .findFirst()
                    .orElseThrow();
            return Files.readString(f);
        }
    }

    @Test
    void hours_areWrittenInTheDayFile_andReadBackAfterARestart() throws IOException {
        try (JsonStorage s = JsonStorage.open(dir)) {
            s.init();
            s.apply(at(DAY, 9, 1_000, 2));
            s.apply(at(DAY, 9, 500, 0));
        }
        assertThat(dayFile(DAY)).contains("\"version\":2").contains("\"hours\":[[9,\"333\",1500,2]]");
        try (JsonStorage s = JsonStorage.open(dir)) {
            s.init();
            assertThat(s.hourlyActivity(G, new DayRange(DAY, DAY)).totals())
                    .containsExactly(new HourlyActivity.Total(DAY.atTime(9, 0), 1_500, 2));
        }
    }

    @Test
    void aPrune_rewritesTheOldDayWithoutItsHours_andKeepsItsDailyRows() throws IOException {
        try (JsonStorage s = JsonStorage.open(dir)) {
            s.init();
            s.setHourlyRetentionDays(1);
            s.apply(at(DAY, 9, 1_000, 0));
            s.apply(at(DAY.plusDays(1), 0, 7, 0));
            assertThat(s.hourlyActivity(G, new DayRange(DAY, DAY)).totals()).isEmpty();
        }
        assertThat(dayFile(DAY)).contains("\"hours\":[]").contains("\"rows\":[[\"1\",\"333\",1000,1,0]]");
        try (JsonStorage s = JsonStorage.open(dir)) {
            s.init();
            assertThat(s.hourlyActivity(G, new DayRange(DAY, DAY.plusDays(1))).totals())
                    .containsExactly(new HourlyActivity.Total(DAY.plusDays(1).atTime(0, 0), 7, 0));
            assertThat(s.activity(G, 1, new DayRange(DAY, DAY))).hasSize(1);
        }
    }
}

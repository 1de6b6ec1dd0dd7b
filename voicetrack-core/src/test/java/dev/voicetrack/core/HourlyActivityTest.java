package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.C2;
import static dev.voicetrack.core.Fixture.G;
import static dev.voicetrack.core.Fixture.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.HourlyActivity;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tick's voice time is split at the guild's local hour boundaries exactly (manual clock), and
 * messages count in the hour they were sent; the hours line up with the days in every zone.
 */
class HourlyActivityTest {

    private static Fixture in(String zone) {
        return new Fixture(GuildConfig.builder().timeZone(ZoneId.of(zone)).build());
    }

    private static Map<LocalDateTime, Long> voiceByHour(Fixture f, LocalDate from, LocalDate to) {
        var out = new LinkedHashMap<LocalDateTime, Long>();
        for (HourlyActivity.Total t :
                f.storage.hourlyActivity(G, new DayRange(from, to)).totals()) {
            out.put(t.hour(), t.voiceMs());
        }
        return out;
    }

    private static LocalDateTime at(String localHour) {
        return LocalDateTime.parse(localHour);
    }

    @Test
    void tickCrossingAnHour_splitsVoiceTimeAtTheBoundary() {
        try (var f = in("UTC")) {
            f.clock.set(Instant.parse("2024-03-10T10:59:30Z"));
            f.join(1, C1);
            f.tickAfterSeconds(45);
            LocalDate day = LocalDate.of(2024, 3, 10);
            assertThat(voiceByHour(f, day, day))
                    .containsExactly(
                            Map.entry(at("2024-03-10T10:00"), 30_000L), Map.entry(at("2024-03-10T11:00"), 15_000L));
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(45_000L);
        }
    }

    @Test
    void tickSpanningSeveralHours_fillsEachHour() {
        try (var f = in("UTC")) {
            f.clock.set(Instant.parse("2024-03-10T09:15:00Z"));
            f.join(1, C1);
            f.tickAfterSeconds(3 * 3600);
            LocalDate day = LocalDate.of(2024, 3, 10);
            assertThat(voiceByHour(f, day, day))
                    .containsExactly(
                            Map.entry(at("2024-03-10T09:00"), 45 * 60_000L),
                            Map.entry(at("2024-03-10T10:00"), 3_600_000L),
                            Map.entry(at("2024-03-10T11:00"), 3_600_000L),
                            Map.entry(at("2024-03-10T12:00"), 15 * 60_000L));
        }
    }

    @Test
    void zoneOffsetByHalfAnHour_splitsAtItsLocalHour() {
        try (var f = in("Asia/Kolkata")) { // +05:30: local 11:00 is 05:30Z
            f.clock.set(Instant.parse("2024-03-10T05:29:50Z"));
            f.join(1, C1);
            f.tickAfterSeconds(30);
            LocalDate day = LocalDate.of(2024, 3, 10);
            assertThat(voiceByHour(f, day, day))
                    .containsExactly(
                            Map.entry(at("2024-03-10T10:00"), 10_000L), Map.entry(at("2024-03-10T11:00"), 20_000L));
        }
    }

    @Test
    void localMidnight_endsTheDayAndItsLastHour() {
        try (var f = in("America/New_York")) { // local midnight of 11 March is 04:00Z (EDT)
            f.clock.set(Instant.parse("2024-03-11T03:59:00Z"));
            f.join(1, C1);
            f.tickAfterSeconds(120);
            assertThat(voiceByHour(f, LocalDate.of(2024, 3, 10), LocalDate.of(2024, 3, 11)))
                    .containsExactly(
                            Map.entry(at("2024-03-10T23:00"), 60_000L), Map.entry(at("2024-03-11T00:00"), 60_000L));
            assertThat(voiceByHour(f, LocalDate.of(2024, 3, 11), LocalDate.of(2024, 3, 11)))
                    .containsExactly(Map.entry(at("2024-03-11T00:00"), 60_000L));
        }
    }

    @Test
    void clocksGoingBack_putBothRealHoursInTheRepeatedLocalHour() {
        try (var f = in("America/New_York")) { // 3 Nov 2024: 02:00 EDT becomes 01:00 EST at 06:00Z
            f.clock.set(Instant.parse("2024-11-03T05:30:00Z")); // 01:30 EDT
            f.join(1, C1);
            f.tickAfterSeconds(2 * 3600); // to 02:30 EST
            LocalDate day = LocalDate.of(2024, 11, 3);
            assertThat(voiceByHour(f, day, day))
                    .containsExactly(
                            Map.entry(at("2024-11-03T01:00"), 90 * 60_000L),
                            Map.entry(at("2024-11-03T02:00"), 30 * 60_000L));
        }
    }

    @Test
    void messagesAndChannels_countInTheirHour() {
        try (var f = in("UTC")) {
            f.clock.set(Instant.parse("2024-03-10T10:59:00Z"));
            f.join(1, C1);
            f.join(2, C2);
            f.message(3);
            f.clock.advanceSeconds(90);
            f.message(3);
            f.message(1);
            f.tracker.tickNow();
            HourlyActivity a = f.tracker.getHourlyActivity(G, 1);
            assertThat(a.channels())
                    .containsExactly(
                            new HourlyActivity.Channel(at("2024-03-10T10:00"), C1, 60_000, 0),
                            new HourlyActivity.Channel(at("2024-03-10T10:00"), C2, 60_000, 0),
                            new HourlyActivity.Channel(at("2024-03-10T10:00"), TEXT, 0, 1),
                            new HourlyActivity.Channel(at("2024-03-10T11:00"), C1, 30_000, 0),
                            new HourlyActivity.Channel(at("2024-03-10T11:00"), C2, 30_000, 0),
                            new HourlyActivity.Channel(at("2024-03-10T11:00"), TEXT, 0, 2));
            assertThat(a.totals())
                    .containsExactly(
                            new HourlyActivity.Total(at("2024-03-10T10:00"), 120_000, 1),
                            new HourlyActivity.Total(at("2024-03-10T11:00"), 60_000, 2));
        }
    }

    @Test
    void getHourlyActivity_badDays_isRejectedWithTheValue() {
        try (var f = in("UTC")) {
            assertThatThrownBy(() -> f.tracker.getHourlyActivity(G, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0");
            assertThatThrownBy(() -> f.tracker.getHourlyActivity(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hourly rules of the kernel: slots, the fold of a batch's deltas, and when a prune is due. */
class HourlyRuleTest {
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00Z");

    private static MemberDelta d(long guild, long user, long channel, int hour, long voiceMs, long xp, long messages) {
        return new MemberDelta(guild, user, channel, DAY, hour, voiceMs, xp, messages, 0, T);
    }

    @Test
    void slots_areLocalHours_thatLieInTheirDay() {
        long slot = HourlyRule.slot(DAY, 23);
        assertThat(HourlyRule.day(slot)).isEqualTo(DAY);
        assertThat(HourlyRule.start(slot)).isEqualTo(LocalDateTime.of(2024, 3, 10, 23, 0));
        assertThat(HourlyRule.slotOf(Instant.parse("2024-03-10T18:29:59Z"), ZoneId.of("Asia/Kolkata")))
                .isEqualTo(slot); // 23:59:59 local
        assertThat(HourlyRule.slotOf(Instant.parse("2024-03-10T18:30:00Z"), ZoneId.of("Asia/Kolkata")))
                .isEqualTo(HourlyRule.slot(DAY.plusDays(1), 0));
        assertThat(HourlyRule.day(HourlyRule.slot(LocalDate.of(1969, 12, 31), 5)))
                .isEqualTo(LocalDate.of(1969, 12, 31)); // before the epoch too
    }

    @Test
    void fold_sumsVoiceAndMessagesPerGuildHourAndChannel_inKeyOrder_andSkipsDeltasWithoutAnHour() {
        var deltas = List.of(
                d(2, 1, 7, 10, 100, 5, 0),
                d(1, 1, 7, 11, 50, 0, 1),
                d(1, 2, 7, 11, 25, 0, 2),
                d(1, 2, 6, 11, 1, 0, 0),
                d(1, 3, 7, 9, 0, 99, 0), // XP only
                new MemberDelta(1, 4, 7, DAY, 1_000, 0, 0, 0, T)); // no hour
        FoldedBatch f = BatchFold.fold(new Batch(deltas, List.of()));
        long h11 = HourlyRule.slot(DAY, 11);
        assertThat(f.hours())
                .containsExactly(
                        new HourSum(1, h11, 6, 1, 0),
                        new HourSum(1, h11, 7, 75, 3),
                        new HourSum(2, HourlyRule.slot(DAY, 10), 7, 100, 0));
        assertThat(BatchFold.hours(deltas)).isEqualTo(f.hours());
        assertThat(f.prunes()).isEmpty();
    }

    @Test
    void fold_refusesAnHourlySumThatOverflows() {
        var deltas = List.of(d(1, 1, 7, 3, Long.MAX_VALUE, 0, 0), d(1, 2, 7, 3, 1, 0, 0));
        assertThatThrownBy(() -> BatchFold.hours(deltas))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("guild 1 in hour 2024-03-10T03:00 would overflow");
    }

    @Test
    void pruning_isDueOncePerGuildAndDay_andMovesOnlyForward() {
        var p = new HourlyPruning();
        p.retentionDays(3);
        var sums = List.of(
                new HourSum(1, HourlyRule.slot(DAY, 5), 0, 1, 0), new HourSum(1, HourlyRule.slot(DAY, 9), 0, 1, 0));
        List<HourPrune> due = p.due(sums);
        assertThat(due).containsExactly(new HourPrune(1, HourlyRule.slot(DAY.minusDays(2), 0)));
        assertThat(p.due(sums)).as("not done yet: still due").isEqualTo(due);
        p.done(due);
        assertThat(p.due(sums)).isEmpty();
        assertThat(p.due(List.of(new HourSum(1, HourlyRule.slot(DAY.minusDays(5), 1), 0, 1, 0))))
                .as("a late hour never moves the prune back")
                .isEmpty();
        assertThat(p.due(List.of(new HourSum(1, HourlyRule.slot(DAY.plusDays(1), 0), 0, 1, 0))))
                .containsExactly(new HourPrune(1, HourlyRule.slot(DAY.minusDays(1), 0)));
        assertThatThrownBy(() -> p.retentionDays(HourlyRule.MAX_RETENTION_DAYS + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hourlyRetentionDays must be between 1 and 3660, was 3661");
        assertThat(p.retentionDays()).isEqualTo(3);
    }
}

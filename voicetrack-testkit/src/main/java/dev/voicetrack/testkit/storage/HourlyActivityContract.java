package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.HourlyRule;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for hourly activity: the rows per guild, hour and channel are written with the
 * batch that carries them (and not at all when it fails), pruned past the retention by the guild's own
 * later writes, and deleted with their guild.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class HourlyActivityContract extends GuildConfigContract {

    private static final long CH2 = 444;

    private MemberDelta at(long guild, long user, long channel, LocalDate day, int hour, long voiceMs, long messages) {
        return new MemberDelta(guild, user, channel, day, hour, voiceMs, 1, messages, 0, T);
    }

    private HourlyActivity read(long guild, LocalDate from, LocalDate to) {
        return storage.hourlyActivity(guild, new DayRange(from, to));
    }

    private AbstractStorage kernel() {
        assertThat(storage).isInstanceOf(AbstractStorage.class);
        return (AbstractStorage) storage;
    }

    @Test
    void apply_writesHourlyRowsPerGuildHourAndChannel_withTheBatch() {
        storage.apply(batch(
                at(G, 1, CH, DAY, 10, 1_000, 0),
                at(G, 2, CH, DAY, 10, 2_000, 1),
                at(G, 1, CH2, DAY, 10, 500, 0),
                at(G, 1, CH, DAY, 11, 300, 2),
                at(G, 3, 0, DAY, 23, 0, 4),
                at(G2, 1, CH, DAY, 10, 9_999, 9),
                at(G, 1, CH, DAY, 12, 0, 0), // XP only: no hourly row
                new MemberDelta(G, 4, CH, DAY, 7_000, 1, 7, 0, T))); // no hour: daily only
        storage.apply(batch(at(G, 2, CH, DAY, 10, 10, 1), at(G, 1, CH, DAY.plusDays(1), 0, 60_000, 0)));

        HourlyActivity a = read(G, DAY, DAY);
        assertThat(a.guildId()).isEqualTo(G);
        assertThat(a.channels())
                .containsExactly(
                        new HourlyActivity.Channel(DAY.atTime(10, 0), CH, 3_010, 2),
                        new HourlyActivity.Channel(DAY.atTime(10, 0), CH2, 500, 0),
                        new HourlyActivity.Channel(DAY.atTime(11, 0), CH, 300, 2),
                        new HourlyActivity.Channel(DAY.atTime(23, 0), 0, 0, 4));
        assertThat(a.totals())
                .containsExactly(
                        new HourlyActivity.Total(DAY.atTime(10, 0), 3_510, 2),
                        new HourlyActivity.Total(DAY.atTime(11, 0), 300, 2),
                        new HourlyActivity.Total(DAY.atTime(23, 0), 0, 4));
        assertThat(read(G, DAY.plusDays(1), DAY.plusDays(5)).totals())
                .containsExactly(new HourlyActivity.Total(DAY.plusDays(1).atTime(0, 0), 60_000, 0));
        assertThat(read(G2, DAY, DAY.plusDays(1)).totals())
                .containsExactly(new HourlyActivity.Total(DAY.atTime(10, 0), 9_999, 9));
        assertThat(read(999, DAY, DAY).totals()).isEmpty();
        assertThat(read(G, DAY.minusDays(3), DAY.minusDays(1)).channels()).isEmpty();
        // the member rows are written by the same batch, as always
        assertThat(storage.member(G, 4).orElseThrow().voiceTimeMs()).isEqualTo(7_000);
    }

    @Test
    void aFailingBatch_writesNoHourlyRow() {
        storage.apply(batch(delta(G, 1, 0, Long.MAX_VALUE - 10)));
        var bad = batch(at(G, 2, CH, DAY, 5, 100, 1), at(G, 1, CH, DAY, 5, 0, 0), delta(G, 1, 0, 100));
        assertThatThrownBy(() -> storage.apply(bad)).isInstanceOf(StorageException.class);
        assertThat(read(G, DAY, DAY).channels()).isEmpty();
    }

    @Test
    void retention_prunesOlderDaysWithinALaterWrite_andIsValidated() {
        assertThat(kernel().hourlyRetentionDays()).isEqualTo(HourlyRule.DEFAULT_RETENTION_DAYS);
        assertThatThrownBy(() -> kernel().setHourlyRetentionDays(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hourlyRetentionDays must be between 1 and " + HourlyRule.MAX_RETENTION_DAYS + ", was 0");
        kernel().setHourlyRetentionDays(2);
        storage.apply(batch(at(G, 1, CH, DAY, 23, 100, 0), at(G2, 1, CH, DAY, 1, 5, 0)));
        storage.apply(batch(at(G, 1, CH, DAY.plusDays(1), 0, 200, 0)));
        assertThat(read(G, DAY, DAY.plusDays(1)).totals()).hasSize(2); // two days kept
        storage.apply(batch(at(G, 1, CH, DAY.plusDays(2), 3, 300, 0)));
        assertThat(read(G, DAY.minusDays(1), DAY.plusDays(2)).totals())
                .containsExactly(
                        new HourlyActivity.Total(DAY.plusDays(1).atTime(0, 0), 200, 0),
                        new HourlyActivity.Total(DAY.plusDays(2).atTime(3, 0), 300, 0));
        // a guild is pruned only by its own writes
        assertThat(read(G2, DAY, DAY).totals()).hasSize(1);
        // daily activity is never pruned with the hours
        assertThat(storage.activity(G, 1, new DayRange(DAY, DAY))).hasSize(1);
    }

    @Test
    void deleteGuild_deletesItsHourlyRows_only() {
        storage.apply(batch(at(G, 1, CH, DAY, 4, 100, 0), at(G2, 1, CH, DAY, 4, 100, 0)));
        storage.deleteGuild(G);
        assertThat(read(G, DAY, DAY).totals()).isEmpty();
        assertThat(read(G2, DAY, DAY).totals()).hasSize(1);
        storage.apply(batch(at(G, 1, CH, DAY, 4, 7, 0)));
        assertThat(read(G, DAY, DAY).totals()).containsExactly(new HourlyActivity.Total(DAY.atTime(4, 0), 7, 0));
    }
}

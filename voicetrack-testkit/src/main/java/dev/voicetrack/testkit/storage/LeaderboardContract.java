package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.MemberDelta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for leaderboards and ranks: ordered by the metric then the user id, paged,
 * summed over a window of days, and ranks correct far beyond the first page.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class LeaderboardContract extends SessionContract {

    @Test
    void leaderboard_ordersByMetricThenUserId_andPages() {
        storage.apply(batch(delta(G, 3, 300, 10), delta(G, 1, 100, 30), delta(G, 2, 200, 10), delta(G2, 9, 999, 999)));
        List<LeaderboardEntry> xp = storage.leaderboard(G, Metric.XP, null, 10, 0);
        assertThat(xp).extracting(LeaderboardEntry::userId).containsExactly(1L, 2L, 3L);
        assertThat(xp).extracting(LeaderboardEntry::rank).containsExactly(1, 2, 3);
        assertThat(storage.leaderboard(G, Metric.VOICE_TIME, null, 1, 1))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.userId()).isEqualTo(2);
                    assertThat(e.rank()).isEqualTo(2);
                });
        assertThat(storage.rank(G, 3, Metric.XP, null)).hasValue(3);
        assertThat(storage.rank(G, 42, Metric.XP, null)).isEmpty();
        assertThat(storage.memberCount(G)).isEqualTo(3);
    }

    @Test
    void windowedLeaderboard_sumsOnlyDaysInRange() {
        storage.apply(batch(
                new MemberDelta(G, 1, CH, DAY.minusDays(10), 1000, 100, 0, 0, T),
                new MemberDelta(G, 2, CH, DAY, 10, 1, 0, 0, T),
                new MemberDelta(G, 1, CH, DAY, 5, 0, 0, 0, T)));
        var range = new DayRange(DAY.minusDays(6), DAY);
        assertThat(storage.leaderboard(G, Metric.VOICE_TIME, range, 10, 0))
                .extracting(LeaderboardEntry::userId, LeaderboardEntry::voiceTimeMs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, 10L), org.assertj.core.groups.Tuple.tuple(1L, 5L));
        assertThat(storage.rank(G, 1, Metric.XP, range)).hasValue(2);
        assertThatThrownBy(() -> storage.leaderboard(G, Metric.LEVEL, range, 10, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rank_worksBeyondTheTop1000() {
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 2500; u++) {
            deltas.add(delta(G, u, u, u));
        }
        storage.apply(new Batch(deltas, List.of()));
        assertThat(storage.rank(G, 1, Metric.XP, null)).hasValue(2500);
        assertThat(storage.rank(G, 1200, Metric.VOICE_TIME, null)).hasValue(1301);
        assertThat(storage.leaderboard(G, Metric.XP, null, 5, 2000))
                .extracting(LeaderboardEntry::rank)
                .containsExactly(2001, 2002, 2003, 2004, 2005);
    }
}

package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for members and their totals: batches of increments add up exactly (also
 * from many threads at once) and are all-or-nothing, admin sets are absolute, levels only rise by
 * raises, and the daily activity, streak and last seen follow the kernel's rules ({@code
 * dev.voicetrack.core.storage.kernel}), which every backend applies and must give exactly these
 * results for.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class MemberContract extends StorageContractSupport {

    // ---------------------------------------------------------------- increments

    @Test
    void apply_addsIncrements_andReturnsTotals() {
        List<MemberTotals> t1 = storage.apply(batch(delta(G, 1, 1000, 5), delta(G, 1, 500, 2), delta(G, 2, 10, 0)));
        assertThat(t1).containsExactlyInAnyOrder(new MemberTotals(G, 1, 7, 0, 1500), new MemberTotals(G, 2, 0, 0, 10));
        storage.apply(batch(delta(G, 1, 1, 1)));
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.voiceTimeMs()).isEqualTo(1501);
        assertThat(m.xp()).isEqualTo(8);
        assertThat(m.channel(CH).orElseThrow().voiceTimeMs()).isEqualTo(1501);
        assertThat(m.lastSeen()).isEqualTo(T);
        assertThat(storage.guildIds()).containsExactly(G);
    }

    @Test
    void concurrentBatches_addUpExactly() throws Exception {
        int threads = 8;
        int batches = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var barrier = new CyclicBarrier(threads);
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < batches; i++) {
                        storage.apply(new Batch(
                                List.of(
                                        delta(G, 1, 10, 1),
                                        delta(G, 2, 20, 2),
                                        new MemberDelta(G, 1, 0, DAY, 0, 0, 1, 0, T)),
                                List.of()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) threads * batches;
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(n);
        assertThat(storage.member(G, 1).orElseThrow().voiceTimeMs()).isEqualTo(10 * n);
        assertThat(storage.member(G, 1).orElseThrow().messages()).isEqualTo(n);
        assertThat(storage.member(G, 2).orElseThrow().xp()).isEqualTo(2 * n);
    }

    @Test
    void aFailingBatch_writesNothing() {
        storage.apply(batch(delta(G, 1, 0, Long.MAX_VALUE - 10)));
        var bad = new Batch(
                List.of(delta(G, 2, 100, 100), delta(G, 1, 0, 100)),
                List.of(session("s-bad", 2, T, T.plusSeconds(1), true)));
        assertThatThrownBy(() -> storage.apply(bad)).isInstanceOf(StorageException.class);
        assertThat(storage.member(G, 2)).isEmpty();
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(Long.MAX_VALUE - 10);
        assertThat(storage.openSessions()).isEmpty();
    }

    @Test
    void aBatchWhoseSumOverflowsAnAdminSetTotal_writesNothing() {
        storage.setXp(G, 3, Long.MAX_VALUE - 1, 0);
        storage.apply(batch(delta(G, 3, 0, 1))); // exactly Long.MAX_VALUE is a valid total
        storage.setXp(G, 3, Long.MAX_VALUE - 1, 0);
        var bad = batch(delta(G, 4, 7, 7), delta(G, 3, 5, 1), delta(G, 3, 0, 1));
        assertThatThrownBy(() -> storage.apply(bad)).isInstanceOf(StorageException.class);
        assertThat(storage.member(G, 4)).isEmpty();
        assertThat(storage.member(G, 3).orElseThrow().xp()).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(storage.member(G, 3).orElseThrow().voiceTimeMs()).isZero();
        storage.apply(batch(delta(G, 4, 7, 7)));
        assertThat(storage.member(G, 4).orElseThrow().xp()).isEqualTo(7);
    }

    // ---------------------------------------------------------------- a guild's members at once

    @Test
    void forEachMember_handsEveryMemberOfTheGuild_exactlyAsMemberReadsIt() {
        storage.apply(batch(delta(G, 1, 1000, 5), delta(G, 2, 10, 0), delta(G2, 1, 7, 7)));
        storage.apply(batch(new MemberDelta(G, 1, CH + 1, DAY, 300, 1, 4, 1, T.plusSeconds(5))));
        storage.setXp(G, 3, 500, 2);
        storage.setLevel(G, 2, 9);
        storage.updateMetadata(G, 1, Map.of("a", "1", "b", "2"), List.of());
        storage.updateMetadata(G, 4, Map.of("only", "metadata"), List.of());
        storage.apply(batch(delta(G, 5, 1, 1)));
        assertThat(storage.deleteMember(G, 5)).isTrue();

        var handed = new ArrayList<MemberStats>();
        storage.forEachMember(G, handed::add);

        assertThat(handed).extracting(MemberStats::userId).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        for (MemberStats m : handed) {
            assertThat(m).isEqualTo(storage.member(G, m.userId()).orElseThrow());
        }
        MemberStats one =
                handed.stream().filter(m -> m.userId() == 1).findFirst().orElseThrow();
        assertThat(one.channels()).containsOnlyKeys(CH, CH + 1);
        assertThat(one.metadata()).isEqualTo(Map.of("a", "1", "b", "2"));
        var other = new ArrayList<MemberStats>();
        storage.forEachMember(G2, other::add);
        assertThat(other).containsExactly(storage.member(G2, 1).orElseThrow());
        var none = new ArrayList<MemberStats>();
        storage.forEachMember(999, none::add);
        assertThat(none).isEmpty();
    }

    // ---------------------------------------------------------------- levels and admin sets

    @Test
    void raiseLevels_neverLowers() {
        storage.apply(batch(delta(G, 1, 0, 1000)));
        assertThat(storage.raiseLevels(List.of(new LevelRaise(G, 1, 3))))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.oldLevel()).isZero();
                    assertThat(c.newLevel()).isEqualTo(3);
                });
        assertThat(storage.raiseLevels(List.of(new LevelRaise(G, 1, 2)))).isEmpty();
        assertThat(storage.member(G, 1).orElseThrow().level()).isEqualTo(3);
    }

    @Test
    void adminSets_areAbsolute_andLaterIncrementsAddOnTop() {
        storage.apply(batch(delta(G, 1, 100, 50)));
        storage.setXp(G, 1, 500, 2);
        storage.apply(batch(delta(G, 1, 100, 5)));
        storage.setLevel(G, 1, 40);
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.xp()).isEqualTo(505);
        assertThat(m.level()).isEqualTo(40);
        assertThat(m.voiceTimeMs()).isEqualTo(200);
        storage.updateMetadata(G, 1, Map.of("a", "1", "b", "2"), List.of());
        storage.updateMetadata(G, 1, Map.of("c", "3"), List.of("a"));
        assertThat(storage.member(G, 1).orElseThrow().metadata()).isEqualTo(Map.of("b", "2", "c", "3"));
    }

    // ---------------------------------------------------------------- daily activity, streaks and last seen (kernel
    // rules)

    @Test
    void dailyActivity_andStreaks() {
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY.minusDays(2), 10, 1, 0, 0, T)));
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY.minusDays(1), 20, 2, 0, 0, T)));
        storage.apply(batch(new MemberDelta(G, 1, 0, DAY, 0, 0, 3, 0, T), delta(G, 1, 30, 3)));
        var rows = storage.activity(G, 1, new DayRange(DAY.minusDays(1), DAY));
        assertThat(rows).extracting(r -> r.voiceMs()).containsExactly(20L, 0L, 30L);
        assertThat(rows.get(1).messages()).isEqualTo(3);
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.streak()).isEqualTo(3);
        assertThat(m.lastActiveDay()).isEqualTo(DAY);
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY.plusDays(2), 1, 0, 0, 0, T)));
        assertThat(storage.member(G, 1).orElseThrow().streak()).isEqualTo(1);
    }

    private MemberDelta on(long user, LocalDate day, long voiceMs) {
        return new MemberDelta(G, user, CH, day, voiceMs, 1, 0, 0, T);
    }

    private int streak(long user) {
        return storage.member(G, user).orElseThrow().streak();
    }

    @Test
    void streak_growsDayByDay_restartsAfterAGap_andALateDayLeavesIt() {
        storage.apply(batch(on(1, DAY, 1)));
        storage.apply(batch(on(1, DAY, 1))); // the same day again
        assertThat(streak(1)).isEqualTo(1);
        storage.apply(batch(on(1, DAY.plusDays(1), 1)));
        assertThat(streak(1)).isEqualTo(2);
        storage.apply(batch(on(1, DAY.minusDays(3), 1))); // a late increment for an older day
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.streak()).isEqualTo(2);
        assertThat(m.lastActiveDay()).isEqualTo(DAY.plusDays(1));
        storage.apply(batch(on(1, DAY.plusDays(3), 1)));
        assertThat(streak(1)).isEqualTo(1);
        assertThat(storage.member(G, 1).orElseThrow().lastActiveDay()).isEqualTo(DAY.plusDays(3));
    }

    @Test
    void streak_ofOneBatchSpanningSeveralDays_isWhatTheDaysOneByOneGive() {
        storage.apply(batch(on(1, DAY.minusDays(1), 1)));
        // A batch across midnight, with a late day in the middle: D, D+1, D-5, D+2 on top of D-1.
        storage.apply(
                batch(on(1, DAY, 1), on(1, DAY.plusDays(1), 1), on(1, DAY.minusDays(5), 1), on(1, DAY.plusDays(2), 1)));
        assertThat(streak(1)).isEqualTo(4);
        // A new member whose first batch has a gap: only the last run counts.
        storage.apply(batch(on(2, DAY, 1), on(2, DAY.plusDays(2), 1), on(2, DAY.plusDays(3), 1)));
        assertThat(streak(2)).isEqualTo(2);
        assertThat(storage.member(G, 2).orElseThrow().lastActiveDay()).isEqualTo(DAY.plusDays(3));
        // Days in a batch in descending order: only the first (the latest) moves anything.
        storage.apply(batch(on(3, DAY.plusDays(1), 1), on(3, DAY, 1)));
        assertThat(streak(3)).isEqualTo(1);
        assertThat(storage.member(G, 3).orElseThrow().lastActiveDay()).isEqualTo(DAY.plusDays(1));
    }

    @Test
    void streak_countsOnlyDaysWithActivity() {
        storage.apply(batch(on(1, DAY, 1)));
        // last seen only, and a session start only: no activity, so no active day
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY.plusDays(1), 0, 0, 0, 1, T.plusSeconds(86_400))));
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.streak()).isEqualTo(1);
        assertThat(m.lastActiveDay()).isEqualTo(DAY);
        assertThat(storage.activity(G, 1, new DayRange(DAY.plusDays(1), DAY.plusDays(1))))
                .isEmpty();
        // a message alone is activity
        storage.apply(batch(new MemberDelta(G, 1, 0, DAY.plusDays(1), 0, 0, 1, 0, T)));
        assertThat(streak(1)).isEqualTo(2);
    }

    /**
     * The day of a delta is the guild's day (its time zone), which the tracker computes; storage
     * must take it as given and never derive a day from the UTC instant.
     */
    @Test
    void streak_followsTheGuildsDay_notTheUtcDateOfTheInstant() {
        // 23:30 UTC on DAY is already DAY + 1 in Pacific/Kiritimati (UTC+14) and still DAY in
        // Pacific/Honolulu (UTC-10): the same instant falls on different days in two guilds.
        Instant lateEvening = DAY.atTime(23, 30).toInstant(java.time.ZoneOffset.UTC);
        LocalDate kiritimati =
                lateEvening.atZone(ZoneId.of("Pacific/Kiritimati")).toLocalDate();
        LocalDate honolulu = lateEvening.atZone(ZoneId.of("Pacific/Honolulu")).toLocalDate();
        assertThat(kiritimati).isEqualTo(DAY.plusDays(1));
        assertThat(honolulu).isEqualTo(DAY);
        storage.apply(
                batch(new MemberDelta(G, 1, CH, DAY, 5, 1, 0, 0, T), new MemberDelta(G2, 1, CH, DAY, 5, 1, 0, 0, T)));
        storage.apply(batch(
                new MemberDelta(G, 1, CH, kiritimati, 5, 1, 0, 0, lateEvening),
                new MemberDelta(G2, 1, CH, honolulu, 5, 1, 0, 0, lateEvening)));
        var east = storage.member(G, 1).orElseThrow();
        var west = storage.member(G2, 1).orElseThrow();
        assertThat(east.streak()).isEqualTo(2);
        assertThat(east.lastActiveDay()).isEqualTo(DAY.plusDays(1));
        assertThat(west.streak()).isEqualTo(1);
        assertThat(west.lastActiveDay()).isEqualTo(DAY);
        assertThat(storage.activity(G, 1, new DayRange(DAY.plusDays(1), DAY.plusDays(1))))
                .singleElement()
                .satisfies(a -> assertThat(a.voiceMs()).isEqualTo(5));
        assertThat(storage.activity(G2, 1, new DayRange(DAY, DAY)))
                .singleElement()
                .satisfies(a -> assertThat(a.voiceMs()).isEqualTo(10));
        assertThat(east.lastSeen()).isEqualTo(lateEvening);
    }

    @Test
    void overflow_withinOneBatchOfANewMember_writesNothing_andSaysSo() {
        var bad = new Batch(
                List.of(
                        delta(G, 5, 1, 1),
                        new MemberDelta(G, 6, CH, DAY, Long.MAX_VALUE, 0, 0, 0, T),
                        new MemberDelta(G, 6, CH, DAY, 1, 0, 0, 0, T)),
                List.of(session("s-over", 5, T, T.plusSeconds(1), true)));
        assertThatThrownBy(() -> storage.apply(bad))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("overflow");
        assertThat(storage.member(G, 5)).isEmpty();
        assertThat(storage.member(G, 6)).isEmpty();
        assertThat(storage.openSessions()).isEmpty();
        assertThat(storage.guildIds()).isEmpty();
    }

    @Test
    void overflow_ofMessagesAndSessions_isCaughtToo() {
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY, 0, 0, Long.MAX_VALUE, 0, T)));
        assertThatThrownBy(() -> storage.apply(batch(new MemberDelta(G, 1, CH, DAY, 0, 0, 1, 0, T))))
                .isInstanceOf(StorageException.class);
        storage.apply(batch(new MemberDelta(G, 2, CH, DAY, 0, 0, 0, Long.MAX_VALUE, T)));
        assertThatThrownBy(() -> storage.apply(batch(new MemberDelta(G, 2, CH, DAY, 0, 0, 0, 1, T))))
                .isInstanceOf(StorageException.class);
        assertThat(storage.member(G, 1).orElseThrow().messages()).isEqualTo(Long.MAX_VALUE);
        assertThat(storage.member(G, 2).orElseThrow().sessions()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void lastSeen_keepsTheLaterInstant_inABatchAndAcrossBatches() {
        storage.apply(batch(
                new MemberDelta(G, 1, CH, DAY, 1, 0, 0, 0, T.plusMillis(7)),
                new MemberDelta(G, 1, CH, DAY, 1, 0, 0, 0, T)));
        assertThat(storage.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T.plusMillis(7));
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY, 1, 0, 0, 0, T.minusSeconds(3600))));
        assertThat(storage.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T.plusMillis(7));
        storage.apply(batch(new MemberDelta(G, 1, CH, DAY, 0, 0, 0, 0, T.plusSeconds(60))));
        assertThat(storage.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T.plusSeconds(60));
    }

    @Test
    void levels_riseOnlyByRaises_incrementsNeverTouchThem_andUnknownMembersAreNotCreated() {
        storage.apply(batch(delta(G, 1, 10, 100)));
        storage.setLevel(G, 1, 5);
        assertThat(storage.raiseLevels(
                        List.of(new LevelRaise(G, 1, 5), new LevelRaise(G, 1, 4), new LevelRaise(G, 77, 9))))
                .isEmpty();
        assertThat(storage.member(G, 77)).isEmpty();
        var changes = storage.raiseLevels(List.of(new LevelRaise(G, 1, 7)));
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.oldLevel()).isEqualTo(5);
            assertThat(c.newLevel()).isEqualTo(7);
            assertThat(c.xp()).isEqualTo(100);
        });
        List<MemberTotals> after = storage.apply(batch(delta(G, 1, 10, 1)));
        assertThat(after).containsExactly(new MemberTotals(G, 1, 101, 7, 20));
        storage.setLevel(G, 1, 2); // an admin set may lower it
        assertThat(storage.member(G, 1).orElseThrow().level()).isEqualTo(2);
        assertThat(storage.leaderboard(G, Metric.LEVEL, null, 1, 0))
                .singleElement()
                .satisfies(e -> assertThat(e.level()).isEqualTo(2));
    }
}

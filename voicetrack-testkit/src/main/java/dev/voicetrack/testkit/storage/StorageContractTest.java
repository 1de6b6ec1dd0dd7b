package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMigration;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.HourlyRule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Storage} backend passes. A backend's test extends this class and
 * returns a fresh, empty storage against its real server from {@link #newStorage()}; the suite calls
 * {@link Storage#init()} and {@link Storage#close()}.
 */
public abstract class StorageContractTest {

    protected static final long G = 111;
    protected static final long G2 = 222;
    protected static final long CH = 333;
    protected static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    protected static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    protected Storage storage;

    /** A fresh, empty storage (not initialised). */
    protected abstract Storage newStorage();

    @BeforeEach
    void setUpStorage() {
        storage = newStorage();
        storage.init();
    }

    @AfterEach
    void tearDownStorage() {
        storage.close();
    }

    protected static MemberDelta delta(long guild, long user, long voiceMs, long xp) {
        return new MemberDelta(guild, user, CH, DAY, voiceMs, xp, 0, 0, T);
    }

    protected static Batch batch(MemberDelta... deltas) {
        return new Batch(List.of(deltas), List.of());
    }

    protected static VoiceSession session(String id, long user, Instant start, Instant last, boolean open) {
        return new VoiceSession(
                id, G, user, CH, start, open ? null : last, last, last.toEpochMilli() - start.toEpochMilli(), 3, 1, 0);
    }

    // ---------------------------------------------------------------- schema and init

    @Test
    void init_isIdempotent_andReportsTheSchemaVersion() {
        storage.init();
        assertThat(storage.schemaVersion()).isEqualTo(Storage.SCHEMA_VERSION);
        assertThat(storage.guildIds()).isEmpty();
        assertThat(storage.member(G, 1)).isEmpty();
    }

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

    // ---------------------------------------------------------------- levels and admin

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

    @Test
    void reset_zeroesCountersAndHistory_keepsMetadata() {
        storage.apply(new Batch(List.of(delta(G, 1, 100, 50)), List.of(session("s1", 1, T, T.plusSeconds(5), false))));
        storage.updateMetadata(G, 1, Map.of("k", "v"), List.of());
        assertThat(storage.resetMember(G, 1)).isTrue();
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.xp()).isZero();
        assertThat(m.voiceTimeMs()).isZero();
        assertThat(m.channels()).isEmpty();
        assertThat(m.metadata()).containsEntry("k", "v");
        assertThat(storage.sessions(G, 1, 10)).isEmpty();
        assertThat(storage.activity(G, 1, new DayRange(DAY, DAY))).isEmpty();
        assertThat(storage.resetMember(G, 99)).isFalse();
    }

    @Test
    void deletes_removeEverything_andTouchNothingElse() {
        storage.apply(new Batch(
                List.of(delta(G, 1, 100, 50), delta(G, 2, 1, 1), delta(G2, 1, 7, 7)),
                List.of(session("s1", 1, T, T.plusSeconds(5), true))));
        storage.saveGuildConfig(G, GuildConfig.defaults());
        assertThat(storage.deleteMember(G, 1)).isTrue();
        assertThat(storage.member(G, 1)).isEmpty();
        assertThat(storage.sessions(G, 1, 10)).isEmpty();
        assertThat(storage.openSessions()).isEmpty();
        assertThat(storage.member(G, 2)).isPresent();
        assertThat(storage.member(G2, 1)).isPresent();
        assertThat(storage.deleteMember(G, 1)).isFalse();
        storage.deleteGuild(G);
        assertThat(storage.member(G, 2)).isEmpty();
        assertThat(storage.guildConfig(G)).isEmpty();
        assertThat(storage.member(G2, 1).orElseThrow().xp()).isEqualTo(7);
        assertThat(storage.guildIds()).containsExactly(G2);
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessions_upsertById_keepMilliseconds_andListNewestFirst() {
        Instant s1 = T;
        Instant s2 = T.plusMillis(60_001);
        storage.apply(new Batch(List.of(), List.of(session("a", 1, s1, s1.plusMillis(10), true))));
        storage.apply(new Batch(List.of(), List.of(session("a", 1, s1, s1.plusMillis(5_555), false))));
        storage.apply(new Batch(List.of(), List.of(session("b", 1, s2, s2.plusMillis(7), true))));
        List<VoiceSession> all = storage.sessions(G, 1, 10);
        assertThat(all).extracting(VoiceSession::id).containsExactly("b", "a");
        assertThat(all.get(1).end()).isEqualTo(s1.plusMillis(5_555));
        assertThat(all.get(1).durationMs()).isEqualTo(5_555);
        assertThat(all.get(0).start()).isEqualTo(s2);
        assertThat(storage.openSessions()).extracting(VoiceSession::id).containsExactly("b");
        assertThat(storage.sessions(G, 1, 1)).hasSize(1);
    }

    // ---------------------------------------------------------------- config

    @Test
    void guildConfig_roundTrips_withoutRuntimeFilters() {
        GuildConfig c = GuildConfig.builder()
                .trackBots(true)
                .channelIds(List.of(5L, 6L))
                .xpStrategy("role-based")
                .xpConfig(new XpConfig(7L, Map.of(9L, 20L), 1.5, 2L, 4L))
                .timeZone(ZoneId.of("Europe/Paris"))
                .exemptPermissions(Set.of("ADMINISTRATOR"))
                .memberFilter(m -> false)
                .build();
        storage.saveGuildConfig(G, c);
        GuildConfig back = storage.guildConfig(G).orElseThrow();
        assertThat(back.hasDefaultFilters()).isTrue();
        assertThat(back)
                .isEqualTo(c.toBuilder()
                        .memberFilter(dev.voicetrack.core.MemberFilter.ALL)
                        .build());
        assertThat(storage.member(G, 1)).isEmpty();
    }

    // ---------------------------------------------------------------- daily activity, windows, ranks

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

    // ---------------------------------------------------------------- the kernel's rules, once for every backend

    /**
     * The write rules of the storage kernel ({@code dev.voicetrack.core.storage.kernel}): streak,
     * overflow, last seen, level raise, the stored config, argument checks and lifecycle. Every
     * backend applies them through the kernel and must give exactly these results.
     */
    @Nested
    class KernelRules {

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
            storage.apply(batch(
                    on(1, DAY, 1), on(1, DAY.plusDays(1), 1), on(1, DAY.minusDays(5), 1), on(1, DAY.plusDays(2), 1)));
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
            LocalDate honolulu =
                    lateEvening.atZone(ZoneId.of("Pacific/Honolulu")).toLocalDate();
            assertThat(kiritimati).isEqualTo(DAY.plusDays(1));
            assertThat(honolulu).isEqualTo(DAY);
            storage.apply(batch(
                    new MemberDelta(G, 1, CH, DAY, 5, 1, 0, 0, T), new MemberDelta(G2, 1, CH, DAY, 5, 1, 0, 0, T)));
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

        @Test
        void guildConfig_everyOption_roundTrips() {
            var roles = new java.util.LinkedHashMap<Long, Long>();
            roles.put(30L, 7L);
            roles.put(20L, 9L);
            GuildConfig every = GuildConfig.builder()
                    .trackBots(true)
                    .trackAllChannels(false)
                    .channelIds(List.of(6L, 5L))
                    .trackMuted(false)
                    .trackDeafened(false)
                    .minUsersToTrack(2)
                    .maxUsersToTrack(9)
                    .exemptPermissions(Set.of("MANAGE_SERVER", "ADMINISTRATOR"))
                    .xpStrategy("booster-bonus")
                    .xpConfig(new XpConfig(7L, roles, 1.5, 2L, 40L))
                    .voiceTimeStrategy("fixed")
                    .voiceTimeConfig(new dev.voicetrack.core.VoiceTimeConfig(3000L, 2.5))
                    .levelMultiplierStrategy("custom strategy/1")
                    .levelMultiplierConfig(new dev.voicetrack.core.LevelMultiplierConfig(0.25))
                    .enableLeveling(false)
                    .enableVoiceTime(false)
                    .excludedChannelIds(List.of(11L))
                    .noXpRoleIds(List.of(13L, 12L))
                    .noXpChannelIds(List.of(14L))
                    .botsCountAsCompany(true)
                    .mutedCountAsCompany(true)
                    .messageXp(3)
                    .messageXpCooldown(java.time.Duration.ofMillis(1500))
                    .timeZone(ZoneId.of("Asia/Kolkata"))
                    .levelRewards(dev.voicetrack.core.LevelRewards.of(List.of(
                            new dev.voicetrack.core.LevelReward(
                                    dev.voicetrack.core.LevelReward.Trigger.LEVEL, 10, Set.of(41L, 40L), false),
                            new dev.voicetrack.core.LevelReward(
                                    dev.voicetrack.core.LevelReward.Trigger.VOICE_HOURS, 5, Set.of(42L), true))))
                    .publicDashboard(false)
                    .build();
            storage.saveGuildConfig(G, every);
            assertThat(storage.guildConfig(G)).hasValue(every);
            assertThat(storage.guildConfig(G).orElseThrow().xpConfig().roles().keySet())
                    .containsExactly(30L, 20L);
            GuildConfig unset = every.toBuilder()
                    .xpConfig(XpConfig.EMPTY)
                    .voiceTimeConfig(new dev.voicetrack.core.VoiceTimeConfig(null, null))
                    .levelMultiplierConfig(new dev.voicetrack.core.LevelMultiplierConfig(null))
                    .levelRewards(dev.voicetrack.core.LevelRewards.NONE)
                    .publicDashboard(true)
                    .build();
            storage.saveGuildConfig(G2, unset);
            assertThat(storage.guildConfig(G2)).hasValue(unset);
            storage.saveGuildConfig(G, GuildConfig.defaults());
            assertThat(storage.guildConfig(G)).hasValue(GuildConfig.defaults());
            assertThat(storage.guildIds()).containsExactly(G, G2);
        }

        @Test
        void badArguments_areRefusedWithTheArgumentNamed_andWriteNothing() {
            assertThatThrownBy(() -> storage.leaderboard(G, Metric.XP, null, 0, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit must be >= 1");
            assertThatThrownBy(() -> storage.leaderboard(G, Metric.XP, null, 1, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset >= 0");
            assertThatThrownBy(() -> storage.setXp(G, 1, -1, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("xp and level must be >= 0");
            assertThatThrownBy(() -> storage.setLevel(G, 1, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("level must be >= 0");
            assertThatThrownBy(() -> storage.rank(G, 1, Metric.LEVEL, new DayRange(DAY, DAY)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("level");
            assertThatThrownBy(() -> storage.apply(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> storage.saveGuildConfig(G, null)).isInstanceOf(NullPointerException.class);
            assertThat(storage.member(G, 1)).isEmpty();
            assertThat(storage.guildIds()).isEmpty();
        }

        @Test
        void lifecycle_refusesUseBeforeInit_andAfterClose() {
            Storage fresh = newStorage();
            try {
                assertThatThrownBy(() -> fresh.member(G, 1))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("init");
            } finally {
                fresh.close();
            }
            storage.close();
            assertThatThrownBy(() -> storage.member(G, 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> storage.apply(batch(delta(G, 1, 1, 1))))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("closed");
            storage.close(); // idempotent
        }
    }

    // ---------------------------------------------------------------- snapshots and migration

    /**
     * {@link Storage#exportGuild}, {@link Storage#importGuild} and {@link StorageMigration}: a copy is
     * exact (every field, milliseconds included), replaces the guild's data, and is idempotent.
     */
    @Nested
    class HourlyActivityRows {
        static final long CH2 = 444;

        MemberDelta at(long guild, long user, long channel, LocalDate day, int hour, long voiceMs, long messages) {
            return new MemberDelta(guild, user, channel, day, hour, voiceMs, 1, messages, 0, T);
        }

        HourlyActivity read(long guild, LocalDate from, LocalDate to) {
            return storage.hourlyActivity(guild, new DayRange(from, to));
        }

        AbstractStorage kernel() {
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
                    .hasMessage(
                            "hourlyRetentionDays must be between 1 and " + HourlyRule.MAX_RETENTION_DAYS + ", was 0");
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

    @Nested
    class SnapshotsAndMigration {

        /** Fills {@link #storage} with two guilds that use every kind of stored data. */
        private void fill(Storage s) {
            s.saveGuildConfig(
                    G,
                    GuildConfig.builder()
                            .xpConfig(new XpConfig(7L, Map.of(9L, 20L, 8L, 30L), 1.5, 2L, 4L))
                            .channelIds(List.of(5L, 6L))
                            .timeZone(ZoneId.of("Europe/Paris"))
                            .build());
            s.apply(new Batch(
                    List.of(
                            new MemberDelta(G, 1, CH, DAY.minusDays(2), 1000, 10, 0, 1, T),
                            new MemberDelta(G, 2, CH + 1, DAY.minusDays(2), 5, 1, 0, 2, T.plusMillis(1))),
                    List.of(session("closed", 1, T, T.plusMillis(1_234), false))));
            // day, then a late increment for the day before it: the streak stays 1
            s.apply(batch(new MemberDelta(G, 1, CH, DAY, 20, 2, 0, 0, T.plusMillis(7))));
            s.apply(new Batch(
                    List.of(
                            new MemberDelta(G, 1, 0, DAY.minusDays(1), 0, 0, 4, 0, T),
                            new MemberDelta(G, 3, 0, DAY, 0, 0, 0, 0, T)),
                    List.of(session("open", 1, T.plusSeconds(9), T.plusMillis(9_999), true))));
            s.setXp(G, 2, 777, 5);
            s.raiseLevels(List.of(new LevelRaise(G, 1, 2)));
            s.updateMetadata(G, 1, Map.of("note", "a b=c", "k", "v"), List.of());
            s.apply(batch(delta(G2, 9, 50, 5)));
        }

        @Test
        void exportThenImport_intoAnEmptyStorage_copiesEveryFieldExactly() {
            fill(storage);
            GuildSnapshot snap = storage.exportGuild(G);
            assertThat(snap.members()).extracting(m -> m.stats().userId()).containsExactly(1L, 2L, 3L);
            assertThat(snap.sessions()).extracting(VoiceSession::id).containsExactly("closed", "open");
            MemberStats one = snap.members().get(0).stats();
            assertThat(one.lastSeen()).isEqualTo(T.plusMillis(7));
            assertThat(one.streak()).isEqualTo(1);
            assertThat(one.messages()).isEqualTo(4);
            Storage other = newStorage();
            other.init();
            try {
                other.importGuild(snap);
                assertThat(other.exportGuild(G)).isEqualTo(snap);
                assertThat(other.exportGuild(G).checksum()).isEqualTo(snap.checksum());
                assertThat(other.guildIds()).containsExactly(G);
                assertThat(other.leaderboard(G, Metric.XP, null, 10, 0))
                        .isEqualTo(storage.leaderboard(G, Metric.XP, null, 10, 0));
                var week = new DayRange(DAY.minusDays(6), DAY);
                assertThat(other.leaderboard(G, Metric.VOICE_TIME, week, 10, 0))
                        .isEqualTo(storage.leaderboard(G, Metric.VOICE_TIME, week, 10, 0));
                assertThat(other.openSessions()).extracting(VoiceSession::id).containsExactly("open");
                assertThat(other.member(G, 1)).isEqualTo(storage.member(G, 1));
            } finally {
                other.close();
            }
        }

        @Test
        void import_replacesTheGuildsData_leavesOtherGuilds_andIsIdempotent() {
            fill(storage);
            GuildSnapshot snap = storage.exportGuild(G);
            Storage other = newStorage();
            other.init();
            try {
                other.apply(new Batch(
                        List.of(delta(G, 1, 5, 5), delta(G, 50, 1, 1), delta(G2, 9, 3, 3)),
                        List.of(session("stale", 50, T, T.plusSeconds(1), true))));
                other.saveGuildConfig(G, GuildConfig.defaults());
                other.importGuild(snap);
                other.importGuild(snap);
                assertThat(other.exportGuild(G)).isEqualTo(snap);
                assertThat(other.member(G, 50)).isEmpty();
                assertThat(other.openSessions()).extracting(VoiceSession::id).containsExactly("open");
                assertThat(other.member(G2, 9).orElseThrow().xp()).isEqualTo(3);
                other.importGuild(new GuildSnapshot(G, null, List.of(), List.of()));
                assertThat(other.guildIds()).containsExactly(G2);
                assertThat(other.guildConfig(G)).isEmpty();
            } finally {
                other.close();
            }
        }

        @Test
        void exportOfAnUnknownGuild_isEmpty() {
            GuildSnapshot snap = storage.exportGuild(G);
            assertThat(snap).isEqualTo(new GuildSnapshot(G, null, List.of(), List.of()));
            assertThat(snap.rowCount()).isZero();
        }

        @Test
        void migration_copiesEveryGuild_reportsProgress_andARerunDoublesNothing() {
            fill(storage);
            Storage other = newStorage();
            other.init();
            try {
                var progress = new ArrayList<StorageMigration.Progress>();
                StorageMigration.Report report = StorageMigration.from(storage)
                        .to(other)
                        .onProgress(progress::add)
                        .run();
                assertThat(report.guilds())
                        .extracting(StorageMigration.GuildResult::guildId)
                        .containsExactly(G, G2);
                assertThat(report.members()).isEqualTo(4);
                assertThat(report.sessions()).isEqualTo(2);
                assertThat(progress)
                        .extracting(StorageMigration.Progress::guildsDone, StorageMigration.Progress::guildsTotal)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(1, 2), org.assertj.core.groups.Tuple.tuple(2, 2));
                assertThat(progress.get(1).rowsCopied()).isEqualTo(report.rowsCopied());
                // config + 3 members + 4 activity rows + 2 sessions, then 1 member + 1 activity row
                assertThat(report.rowsCopied()).isEqualTo(10 + 2);

                StorageMigration.Report again =
                        StorageMigration.from(storage).to(other).run();
                assertThat(again.guilds()).isEqualTo(report.guilds());
                assertThat(other.member(G, 1).orElseThrow().xp())
                        .isEqualTo(storage.member(G, 1).orElseThrow().xp());
                assertThat(other.member(G2, 9).orElseThrow().voiceTimeMs()).isEqualTo(50);
                assertThat(other.exportGuild(G)).isEqualTo(storage.exportGuild(G));
            } finally {
                other.close();
            }
        }

        @Test
        void migration_rejectsTheSourceAsTarget_andRunWithoutTarget() {
            assertThatThrownBy(() -> StorageMigration.from(storage).to(storage))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("target");
            assertThatThrownBy(() -> StorageMigration.from(storage).run())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("target");
        }
    }
}

package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.C2;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Guild snapshots: once a guild is read a few times, its member stats, ranks and leaderboard pages of every metric
 * and window are answered from memory after each tick, and every answer equals what storage gives at that moment:
 * after ticks, after each admin write, after another process's write announced by an invalidation of the guild's
 * cache tag, and across a change of day. A guild above the cap is left to the cache path.
 */
class GuildSnapshotsTest {
    private static final int MEMBERS = 30;
    private static final List<Window> WINDOWS =
            List.of(Window.allTime(), Window.thisWeek(), Window.thisMonth(), Window.lastDays(7));

    /** Counts every read that reaches storage, the snapshot's own reads included. */
    static final class CountingStorage extends ForwardingStorage {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger memberReads = new AtomicInteger();

        CountingStorage(Storage delegate) {
            super(delegate);
        }

        @Override
        public Optional<MemberStats> member(long guildId, long userId) {
            reads.incrementAndGet();
            return super.member(guildId, userId);
        }

        @Override
        public void forEachMember(long guildId, Consumer<? super MemberStats> action) {
            reads.incrementAndGet();
            memberReads.incrementAndGet();
            super.forEachMember(guildId, action);
        }

        @Override
        public List<LeaderboardEntry> leaderboard(
                long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
            reads.incrementAndGet();
            return super.leaderboard(guildId, metric, range, limit, offset);
        }

        @Override
        public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
            reads.incrementAndGet();
            return super.rank(guildId, userId, metric, range);
        }

        @Override
        public long memberCount(long guildId) {
            reads.incrementAndGet();
            return super.memberCount(guildId);
        }
    }

    private final Cache<Object> cache = InProcessCache.create(CacheConfig.defaults());
    private final InMemoryStorage truth = new InMemoryStorage();
    private final CountingStorage storage = new CountingStorage(truth);

    private Fixture fixture(int maxMembers) {
        var f = new Fixture(
                VoiceTracker.builder().manualTicks().guildSnapshotMaxMembers(maxMembers),
                cache,
                storage,
                VoiceView.EMPTY);
        for (long u = 1; u <= MEMBERS; u++) {
            f.join(u, u % 3 == 0 ? C2 : C1);
        }
        f.tickAfterSeconds(60);
        for (long u = 1; u <= MEMBERS; u += 4) {
            f.leave(u); // some members stop accruing, so the orders differ by metric
            f.message(u + 1);
        }
        f.tickAfterSeconds(30);
        return f;
    }

    /** Three reads make the guild worth a snapshot; the next tick builds it. */
    private static void makeHot(Fixture f) {
        for (int i = 0; i < 3; i++) {
            f.tracker.getUser(G, 1);
        }
        f.tickAfterSeconds(5);
    }

    @Test
    void aGuildBeingRead_isAnsweredFromMemory_exactlyAsStorageAnswers_afterEachTick() {
        try (var f = fixture(10_000)) {
            makeHot(f);
            assertThat(storage.memberReads).as("the tick built the snapshot").hasValue(1);

            int firstPass = readEverythingAndCompare(f);
            assertThat(firstPass)
                    .as("only the windows' boards were read, once each (on this Sunday the week is the last 7 days)")
                    .isEqualTo(2);
            long hits = cache.stats().hits();
            long misses = cache.stats().misses();
            assertThat(readEverythingAndCompare(f))
                    .as("then nothing reaches storage")
                    .isZero();
            assertThat(cache.stats().misses()).isEqualTo(misses);
            assertThat(cache.stats().hits())
                    .as("each read served from memory counts as a hit")
                    .isGreaterThan(hits);

            for (int tick = 0; tick < 3; tick++) {
                f.message(2);
                f.leave(3 + tick);
                int r0 = storage.reads.get();
                f.tickAfterSeconds(7);
                assertThat(storage.reads.get() - r0)
                        .as("the rebuild: the members and the two windows' boards, and no per-key refresh")
                        .isEqualTo(3);
                assertThat(readEverythingAndCompare(f))
                        .as("the tick rebuilt the snapshot and the windows read lately")
                        .isZero();
            }
        }
    }

    @Test
    void adminWrites_endTheSnapshot_soTheNextAnswersAreStoragesOnes() {
        try (var f = fixture(10_000)) {
            makeHot(f);
            readEverythingAndCompare(f);

            f.tracker.addXp(G, 5, 10_000);
            readEverythingAndCompare(f);
            f.tickAfterSeconds(5);
            assertThat(readEverythingAndCompare(f)).isZero();

            f.tracker.setXp(G, 7, 0);
            readEverythingAndCompare(f);
            f.tickAfterSeconds(5);
            f.tracker.setLevel(G, 8, 40);
            readEverythingAndCompare(f);
            f.tickAfterSeconds(5);
            f.tracker.resetUser(G, 9);
            readEverythingAndCompare(f);
            f.tickAfterSeconds(5);
            f.tracker.deleteUser(G, 10);
            readEverythingAndCompare(f);
            assertThat(f.tracker.getUser(G, 10)).isEmpty();
            f.tickAfterSeconds(5);
            f.tracker.editMetadata(G, 11, Map.of("note", "x"), List.of());
            readEverythingAndCompare(f);
            assertThat(f.tracker.getUser(G, 11).orElseThrow().metadata()).containsEntry("note", "x");
            f.tickAfterSeconds(5);
            assertThat(readEverythingAndCompare(f)).isZero();
        }
    }

    @Test
    void anotherProcessesWrite_isSeenOnceItsInvalidationOfTheGuildTagArrives() {
        try (var f = fixture(10_000)) {
            makeHot(f);
            readEverythingAndCompare(f);
            long before = f.tracker.getUser(G, 12).orElseThrow().xp();

            truth.setXp(G, 12, before + 1_000_000, 0); // another process shares the storage
            assertThat(f.tracker.getUser(G, 12).orElseThrow().xp())
                    .as("until its invalidation arrives the snapshot, like any cached answer, has the old total")
                    .isEqualTo(before);
            cache.invalidateByTag(CacheKeys.key("guild", G)); // what its pub/sub message does here

            assertThat(f.tracker.getUser(G, 12).orElseThrow().xp()).isEqualTo(before + 1_000_000);
            assertThat(f.tracker.getRank(G, 12, Metric.XP, Window.allTime())).hasValue(1);
            readEverythingAndCompare(f);
            f.tickAfterSeconds(5);
            assertThat(readEverythingAndCompare(f)).isZero();
        }
    }

    @Test
    void aGuildAboveTheCap_takesTheCachePath() {
        try (var f = fixture(MEMBERS - 1)) {
            makeHot(f);
            assertThat(storage.memberReads).as("never read whole").hasValue(0);
            f.tickAfterSeconds(5);
            assertThat(readEverythingAndCompare(f))
                    .as("the cache path reads storage")
                    .isPositive();
            assertThat(storage.memberReads).hasValue(0);
        }
    }

    @Test
    void aNegativeCap_isRefused_namingTheValue() {
        assertThatThrownBy(() -> VoiceTracker.builder().guildSnapshotMaxMembers(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("guildSnapshotMaxMembers must be >= 0, was -1");
    }

    @Test
    void aChangeOfDay_startsTheWindowsAfresh() {
        try (var f = fixture(10_000)) {
            // 2024-03-10 is a Sunday: at midnight UTC the week, and the last 7 days, move on
            f.clock.set(Instant.parse("2024-03-10T23:59:00Z"));
            f.tracker.tickNow();
            makeHot(f);
            readEverythingAndCompare(f);
            assertThat(readEverythingAndCompare(f)).isZero();

            f.clock.set(Instant.parse("2024-03-11T00:00:30Z")); // no tick yet: the new day's windows load on use
            assertThat(f.tracker
                            .getLeaderboard(G, Metric.XP, Window.thisWeek(), 50, 0)
                            .entries())
                    .isEmpty();
            readEverythingAndCompare(f);
            f.tickAfterSeconds(30);
            assertThat(f.tracker
                            .getLeaderboard(G, Metric.XP, Window.thisWeek(), 50, 0)
                            .entries())
                    .isNotEmpty();
            assertThat(readEverythingAndCompare(f)).isZero();
        }
    }

    /**
     * Reads every member's stats and ranks and pages of every metric and window through the tracker and checks each
     * against storage read directly; returns how many storage reads the tracker's reads made.
     */
    private int readEverythingAndCompare(Fixture f) {
        LocalDate today =
                LocalDate.ofInstant(f.clock.instant(), f.tracker.config(G).timeZone());
        int tracker = 0;
        for (long u = 1; u <= MEMBERS + 2; u++) {
            int r0 = storage.reads.get();
            Optional<MemberStats> got = f.tracker.getUser(G, u);
            tracker += storage.reads.get() - r0;
            assertThat(got).as("member %d", u).isEqualTo(truth.member(G, u));
        }
        for (Window w : WINDOWS) {
            LocalDate first = w.firstDay(today);
            DayRange range = first == null ? null : new DayRange(first, today);
            for (Metric m : Metric.values()) {
                if (m == Metric.LEVEL && range != null) {
                    continue;
                }
                for (int offset : new int[] {0, 7, 14, 28, 35}) {
                    int r0 = storage.reads.get();
                    List<LeaderboardEntry> got =
                            f.tracker.getLeaderboard(G, m, w, 7, offset).entries();
                    tracker += storage.reads.get() - r0;
                    assertThat(got)
                            .as("%s %s page at %d", m, w.key(), offset)
                            .isEqualTo(truth.leaderboard(G, m, range, 7, offset));
                }
                var ranks = new ArrayList<OptionalInt>();
                var expected = new ArrayList<OptionalInt>();
                for (long u = 1; u <= MEMBERS + 2; u++) {
                    int r0 = storage.reads.get();
                    ranks.add(f.tracker.getRank(G, u, m, w));
                    tracker += storage.reads.get() - r0;
                    expected.add(truth.rank(G, u, m, range));
                }
                assertThat(ranks).as("%s %s ranks", m, w.key()).isEqualTo(expected);
            }
        }
        return tracker;
    }
}

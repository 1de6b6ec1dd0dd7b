package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Queries read after each tick are answered from the cache and are as fresh as that tick: a tick
 * reloads the entries read lately instead of dropping them (the clock is the fixture's manual one).
 */
class HotEntriesFreshnessTest {

    private final Cache<Object> cache = InProcessCache.create(CacheConfig.defaults());
    private final Fixture f = new Fixture(GuildConfig.defaults(), cache, new InMemoryStorage());

    @AfterEach
    void close() {
        f.close();
        cache.close();
    }

    @Test
    void readsAfterEachTick_seeThatTick_andAreServedFromMemory() {
        for (long u = 1; u <= 3; u++) {
            f.join(u, C1);
        }
        f.tickAfterSeconds(10);
        readAll(); // first reads: misses, now hot
        long missesAfterFirstReads = cache.stats().misses();

        for (int tick = 1; tick <= 20; tick++) {
            f.tickAfterSeconds(10);
            long storedXp = f.user(2).xp();
            assertThat(f.tracker.getUser(G, 2).orElseThrow().xp()).isEqualTo(storedXp);
            LeaderboardPage page = f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
            assertThat(page.entries()).isEqualTo(f.storage.leaderboard(G, Metric.XP, null, 10, 0));
            LeaderboardPage week = f.tracker.getLeaderboard(G, Metric.VOICE_TIME, Window.thisWeek(), 10, 0);
            assertThat(week.entries()).isEqualTo(f.storage.leaderboard(G, Metric.VOICE_TIME, thisWeek(), 10, 0));
            assertThat(f.tracker.getRank(G, 3, Metric.XP, Window.allTime()))
                    .isEqualTo(f.storage.rank(G, 3, Metric.XP, null));
            assertThat(f.tracker.getUserStats(G, 1, 7).voiceTimeMs())
                    .isEqualTo(f.user(1).voiceTimeMs());
        }
        assertThat(cache.stats().misses())
                .as("reads after the first that reached storage")
                .isEqualTo(missesAfterFirstReads);
    }

    @Test
    void everyTick_dropsThePreviousGeneration_soTheCacheDoesNotGrow() {
        f.join(1, C1);
        f.tickAfterSeconds(10);
        readAll();
        long size = cache.stats().size();
        for (int tick = 0; tick < 10; tick++) {
            f.tickAfterSeconds(10);
            readAll();
            assertThat(cache.stats().size()).isEqualTo(size);
        }
    }

    @Test
    void entryNotReadForManyTicks_isNoLongerReloaded_andMissesOnce() {
        f.join(1, C1);
        f.tickAfterSeconds(10);
        f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
        for (int tick = 0; tick <= 13; tick++) {
            f.tickAfterSeconds(10);
        }
        long misses = cache.stats().misses();
        LeaderboardPage page = f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
        assertThat(cache.stats().misses()).isEqualTo(misses + 1);
        assertThat(page.entries().get(0).xp()).isEqualTo(f.user(1).xp());
    }

    @Test
    void adminChange_isSeenAtOnce_betweenTicks() {
        f.join(1, C1);
        f.tickAfterSeconds(10);
        readAll();
        f.tickAfterSeconds(10);
        f.tracker.addXp(G, 1, 1_000);
        assertThat(f.tracker.getUser(G, 1).orElseThrow().xp())
                .isEqualTo(f.user(1).xp());
        assertThat(f.tracker
                        .getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0)
                        .entries()
                        .get(0)
                        .xp())
                .isEqualTo(f.user(1).xp());
    }

    @Test
    void everyPageAndRank_matchesStorage_forEveryMetricAndWindow_withTies() {
        for (long u = 1; u <= 7; u++) {
            f.join(u, C1);
        }
        f.tickAfterSeconds(60);
        f.leave(3);
        f.leave(6);
        f.message(5);
        f.message(2);
        f.tracker.addXp(G, 4, 500);
        f.tickAfterSeconds(60);
        Window[] windows = {Window.allTime(), Window.thisWeek(), Window.thisMonth(), Window.lastDays(7)};
        for (int round = 0; round < 2; round++) { // cold, then from the cache
            for (Metric metric : Metric.values()) {
                for (Window window : windows) {
                    if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
                        continue;
                    }
                    DayRange range = range(window);
                    for (int offset : new int[] {0, 2, 5, 7, 50}) {
                        assertThat(f.tracker
                                        .getLeaderboard(G, metric, window, 3, offset)
                                        .entries())
                                .as("%s %s offset %d", metric, window.key(), offset)
                                .isEqualTo(f.storage.leaderboard(G, metric, range, 3, offset));
                    }
                    for (long u = 1; u <= 8; u++) {
                        assertThat(f.tracker.getRank(G, u, metric, window))
                                .as("rank of %d by %s %s", u, metric, window.key())
                                .isEqualTo(f.storage.rank(G, u, metric, range));
                    }
                }
            }
        }
    }

    private DayRange range(Window window) {
        LocalDate today = LocalDate.ofInstant(f.clock.instant(), ZoneOffset.UTC);
        LocalDate first = window.firstDay(today);
        return first == null ? null : new DayRange(first, today);
    }

    private void readAll() {
        for (long u = 1; u <= 3; u++) {
            f.tracker.getUser(G, u);
            f.tracker.getRank(G, u, Metric.XP, Window.allTime());
            f.tracker.getUserStats(G, u, 7);
        }
        f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
        f.tracker.getLeaderboard(G, Metric.VOICE_TIME, Window.thisWeek(), 10, 0);
    }

    private DayRange thisWeek() {
        LocalDate today = LocalDate.ofInstant(f.clock.instant(), ZoneOffset.UTC);
        return new DayRange(Window.thisWeek().firstDay(today), today);
    }
}

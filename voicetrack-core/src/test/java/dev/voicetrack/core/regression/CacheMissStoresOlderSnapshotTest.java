package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.Fixture;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LockedMapCache;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Defect: a read that missed the cache could store an older snapshot than a write that landed
 * meanwhile and serve it until the TTL; clearing the cache while sessions were writing desynced XP
 * and voice time (the original removed its "clear cache" command). Here the cache is cleared in a
 * loop, with readers filling it, while 1,000 ticks run.
 */
class CacheMissStoresOlderSnapshotTest {

    private static final int MEMBERS = 20;
    private static final int TICKS = 1000;

    @Test
    void clearDuringTicks_losesNoXp_andNeverServesDataOlderThanOneTick() throws Exception {
        run(InProcessCache.create(CacheConfig.defaults()));
    }

    /** The same run over a cache that cannot race at all: isolates the tracker's own protocol. */
    @Test
    void clearDuringTicks_withALockedCache_losesNoXp_andNeverServesStaleData() throws Exception {
        run(new LockedMapCache());
    }

    private static void run(Cache<Object> cache) throws Exception {
        try (var f = new Fixture(GuildConfig.defaults(), cache, new InMemoryStorage())) {
            for (long u = 1; u <= MEMBERS; u++) {
                f.join(u, C1);
            }
            var stop = new AtomicBoolean();
            var failure = new AtomicReference<Throwable>();
            var clears = new AtomicLong();
            Thread chaos = new Thread(() -> {
                try {
                    long u = 1;
                    while (!stop.get()) {
                        cache.clear();
                        clears.incrementAndGet();
                        f.tracker.getUser(G, u);
                        f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
                        f.tracker.getRank(G, u, Metric.VOICE_TIME, Window.lastDays(7));
                        u = u % MEMBERS + 1;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            chaos.start();
            try {
                for (int i = 1; i <= TICKS; i++) {
                    f.tickAfterSeconds(1);
                    long u = i % MEMBERS + 1;
                    MemberStats served = f.tracker.getUser(G, u).orElseThrow();
                    MemberStats stored = f.storage.member(G, u).orElseThrow();
                    assertThat(served.xp()).isEqualTo(stored.xp());
                    assertThat(served.voiceTimeMs()).isEqualTo(stored.voiceTimeMs());
                    var top = f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 1, 0);
                    assertThat(top.entries().get(0).xp()).isEqualTo(5L * i);
                }
            } finally {
                stop.set(true);
                chaos.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(clears.get()).isPositive();
            for (long u = 1; u <= MEMBERS; u++) {
                assertThat(f.user(u).xp()).isEqualTo(5L * TICKS);
                assertThat(f.user(u).voiceTimeMs()).isEqualTo(1000L * TICKS);
                assertThat(f.tracker.getUser(G, u).orElseThrow().xp()).isEqualTo(5L * TICKS);
            }
        }
    }
}

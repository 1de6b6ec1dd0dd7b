package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A tick drops the cached answers of the guilds it wrote to; the leaderboards and ranks readers asked for in the
 * last minute are loaded again right after the tick, so the next reader is served from the cache, with the new
 * totals, and the reload does not count as a read in the hit rate. Keys nobody read for a minute are not reloaded.
 */
class RefreshAheadTest {
    /** Counts the leaderboard and rank reads that reach storage. */
    static final class CountingStorage extends ForwardingStorage {
        final AtomicInteger reads = new AtomicInteger();

        CountingStorage() {
            super(new InMemoryStorage());
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
    }

    private final Cache<Object> cache = InProcessCache.create(CacheConfig.defaults());
    private final CountingStorage storage = new CountingStorage();

    /** Guild snapshots off: these tests are about the per-key refresh (GuildSnapshotsTest is about snapshots). */
    private Fixture fixture() {
        return new Fixture(
                VoiceTracker.builder().manualTicks().guildSnapshotMaxMembers(0), cache, storage, VoiceView.EMPTY);
    }

    @Test
    void aReadKeyIsReloadedAfterEachTick_soItsNextReaderHitsWithTheNewTotals() {
        try (var f = fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(60);
            long first = voiceOfLeader(f);
            f.tracker.getRank(G, 1, Metric.XP, Window.lastDays(7));
            assertThat(storage.reads).hasValue(2);
            long misses = cache.stats().misses();

            f.tickAfterSeconds(60);
            assertThat(storage.reads).as("both keys reloaded after the tick").hasValue(4);
            long hits = cache.stats().hits();
            assertThat(voiceOfLeader(f)).isEqualTo(first + 60_000);
            assertThat(f.tracker.getRank(G, 1, Metric.XP, Window.lastDays(7))).hasValue(1);
            assertThat(storage.reads).as("the readers reached no storage").hasValue(4);
            assertThat(cache.stats().hits()).isEqualTo(hits + 2);
            assertThat(cache.stats().misses()).as("a reload is not a read").isEqualTo(misses);
        }
    }

    @Test
    void keysNobodyReadForAMinute_areNoLongerReloaded() {
        try (var f = fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(10);
            voiceOfLeader(f);
            assertThat(storage.reads).hasValue(1);
            f.tickAfterSeconds(30);
            f.tickAfterSeconds(29);
            assertThat(storage.reads).as("read 59 s ago: still reloaded").hasValue(3);
            f.tickAfterSeconds(2);
            assertThat(storage.reads).as("read 61 s ago: forgotten").hasValue(3);
            long misses = cache.stats().misses();
            assertThat(voiceOfLeader(f)).isEqualTo(71_000);
            assertThat(storage.reads).hasValue(4);
            assertThat(cache.stats().misses()).isEqualTo(misses + 1);
        }
    }

    @Test
    void aFullGuild_keepsTheKeysReadAgain_andANewKeyTakesTheSlotOfTheKeyReadOnceLongestAgo() {
        try (var f = fixture()) {
            for (long u = 1; u <= 70; u++) {
                f.join(u, C1);
            }
            f.tickAfterSeconds(10);
            voiceOfLeader(f);
            voiceOfLeader(f); // read again: kept while it is read
            for (long u = 1; u <= 63; u++) { // read once each, 100 ms apart: the guild's 64 slots are full
                f.clock.advanceMillis(100);
                f.tracker.getRank(G, u, Metric.XP, Window.allTime());
            }
            f.clock.advanceMillis(100);
            f.tracker.getRank(G, 64, Metric.XP, Window.allTime()); // takes the slot of rank 1
            storage.reads.set(0);

            f.tickAfterSeconds(1);
            assertThat(storage.reads).as("the 64 kept keys reloaded").hasValue(64);
            voiceOfLeader(f);
            f.tracker.getRank(G, 64, Metric.XP, Window.allTime());
            f.tracker.getRank(G, 2, Metric.XP, Window.allTime());
            assertThat(storage.reads)
                    .as("the page, the newcomer and rank 2 were kept")
                    .hasValue(64);
            f.tracker.getRank(G, 1, Metric.XP, Window.allTime());
            assertThat(storage.reads).as("rank 1 gave up its slot").hasValue(65);
        }
    }

    @Test
    void aGuildFullOfKeysReadAgain_leavesANewKeyToItsReaders() {
        try (var f = fixture()) {
            for (long u = 1; u <= 70; u++) {
                f.join(u, C1);
            }
            f.tickAfterSeconds(10);
            for (long u = 1; u <= 64; u++) {
                f.tracker.getRank(G, u, Metric.XP, Window.allTime());
                f.tracker.getRank(G, u, Metric.XP, Window.allTime());
            }
            f.tracker.getRank(G, 65, Metric.XP, Window.allTime());
            storage.reads.set(0);

            f.tickAfterSeconds(1);
            assertThat(storage.reads).hasValue(64);
            f.tracker.getRank(G, 65, Metric.XP, Window.allTime());
            assertThat(storage.reads).as("the newcomer was not kept").hasValue(65);
            f.tracker.getRank(G, 1, Metric.XP, Window.allTime());
            assertThat(storage.reads).hasValue(65);
        }
    }

    @Test
    void refreshAheadZero_turnsItOff_andANegativeWindowIsRefused() {
        try (var f = new Fixture(
                VoiceTracker.builder().manualTicks().refreshAhead(Duration.ZERO), cache, storage, VoiceView.EMPTY)) {
            f.join(1, C1);
            f.tickAfterSeconds(10);
            voiceOfLeader(f);
            f.tickAfterSeconds(10);
            assertThat(storage.reads).as("no reload").hasValue(1);
            voiceOfLeader(f);
            assertThat(storage.reads).as("the reader loads").hasValue(2);
        }
        assertThatThrownBy(() -> VoiceTracker.builder().refreshAhead(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshAhead must be >= 0, was PT-1S");
    }

    @Test
    void withoutACache_nothingIsReloaded() {
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            f.tickAfterSeconds(10);
            voiceOfLeader(f);
            f.tickAfterSeconds(10);
            assertThat(storage.reads).hasValue(1);
        }
    }

    private static long voiceOfLeader(Fixture f) {
        return f.tracker
                .getLeaderboard(G, Metric.VOICE_TIME, Window.allTime(), 10, 0)
                .entries()
                .get(0)
                .voiceTimeMs();
    }
}

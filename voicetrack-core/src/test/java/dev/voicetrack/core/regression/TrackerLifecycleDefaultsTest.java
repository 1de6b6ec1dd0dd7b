package dev.voicetrack.core.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.LockedMapCache;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.TestClock;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.StorageException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a tracker built as the README showed (no scheduler) never ticked, so members in voice never got
 * time; and {@code close()} closed neither the storage nor the cache it was handed, so nothing owned them.
 * Time here is a manual clock; only the tick thread's cadence is real, and the test waits for its effect with a
 * bound.
 */
class TrackerLifecycleDefaultsTest {
    private static final long G = 1, U = 7, C = 11;

    @Test
    void startedTracker_withoutScheduler_ticksByItself() throws InterruptedException {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        try (VoiceTracker tracker = VoiceTracker.builder()
                .storage(storage)
                .ownsStorage(false)
                .clock(clock)
                .checkInterval(Duration.ofMillis(100))
                .build()) {
            tracker.start();
            tracker.accept(new GatewayEvent.VoiceJoined(G, U, C, MemberInfo.PLAIN, VoiceFlags.NONE));
            clock.advanceSeconds(30);
            awaitTrue(() -> storage.member(G, U).map(MemberStats::voiceTimeMs).orElse(0L) == 30_000);
            assertThat(tickThreads()).isEqualTo(1);
        }
        assertThat(storage.member(G, U).orElseThrow().voiceTimeMs()).isEqualTo(30_000);
        assertThat(tickThreads()).isZero();
    }

    @Test
    void manualTicks_startNoTickThread() {
        try (VoiceTracker tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(new InMemoryStorage())
                .build()) {
            tracker.start();
            assertThat(tickThreads()).isZero();
        }
    }

    @Test
    void close_closesTheStorageAndCacheHandedToTheBuilder() {
        var storage = new InMemoryStorage();
        var cache = new LockedMapCache();
        VoiceTracker tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .cache(cache)
                .build();
        tracker.start();
        assertThat(tracker.storage()).isSameAs(storage);
        assertThat(tracker.cache()).isEqualTo(Optional.of(cache));
        tracker.close();
        assertThat(cache.closed).isTrue();
        assertThatThrownBy(() -> storage.guildIds())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
        tracker.close(); // idempotent
    }

    @Test
    void close_leavesStorageAndCacheOpen_whenNotOwned() {
        var storage = new InMemoryStorage();
        var cache = new LockedMapCache();
        VoiceTracker tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .ownsStorage(false)
                .cache(cache)
                .ownsCache(false)
                .build();
        tracker.start();
        tracker.close();
        assertThat(cache.closed).isFalse();
        assertThat(storage.guildIds()).isEmpty();
        storage.close();
    }

    private static long tickThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("voicetrack-ticks") && t.isAlive())
                .count();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }
}

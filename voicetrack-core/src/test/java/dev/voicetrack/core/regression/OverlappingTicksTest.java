package dev.voicetrack.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.ForwardingStorage;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TestClock;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberTotals;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Defect: ticks could overlap. A tick that overruns is reported; the next is skipped, not stacked. */
class OverlappingTicksTest {

    static final class SlowStorage extends ForwardingStorage {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        volatile boolean block;

        SlowStorage() {
            super(new InMemoryStorage());
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            int n = inside.incrementAndGet();
            maxInside.accumulateAndGet(n, Math::max);
            try {
                if (block) {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                return super.apply(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    @Test
    void aSlowTick_makesScheduledTicksSkipAndReport_neverRunConcurrently() throws Exception {
        var storage = new SlowStorage();
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        var skipped = new CountDownLatch(1);
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .scheduler(scheduler)
                .checkInterval(Duration.ofMillis(100))
                .build();
        tracker.addListener(new TrackerListener() {
            @Override
            public void error(String context, @Nullable Throwable error) {
                if (context.startsWith("tick skipped")) {
                    skipped.countDown();
                }
            }
        });
        tracker.start();
        tracker.accept(new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
        storage.block = true;
        Thread manual = new Thread(tracker::tickNow);
        manual.start();
        assertThat(storage.entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(skipped.await(30, TimeUnit.SECONDS)).isTrue();
        storage.block = false;
        storage.release.countDown();
        manual.join();
        tracker.close();
        scheduler.shutdownNow();
        assertThat(storage.maxInside.get()).isEqualTo(1);
    }
}

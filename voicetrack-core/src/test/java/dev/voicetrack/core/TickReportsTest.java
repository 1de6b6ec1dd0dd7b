package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every tick that completes hands its {@link TickReport} to {@link TrackerListener#tickCompleted}, so
 * an application can take tick metrics from a tracker that schedules its own ticks. Time is a manual
 * clock; scheduled ticks run on the test thread when the test says so.
 */
class TickReportsTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    /** Storage whose next write can fail, and whose setLevel can be held inside the tracker lock. */
    private static final class ControlledStorage extends ForwardingStorage {
        volatile boolean failNext;
        volatile @Nullable Error defectNext;
        final CountDownLatch inSetLevel = new CountDownLatch(1);
        final CountDownLatch releaseSetLevel = new CountDownLatch(1);

        ControlledStorage() {
            super(new InMemoryStorage());
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            Error defect = defectNext;
            if (defect != null) {
                defectNext = null;
                throw defect;
            }
            if (failNext) {
                failNext = false;
                throw new StorageException("injected write failure");
            }
            return super.apply(batch);
        }

        @Override
        public MemberTotals setLevel(long guildId, long userId, int level) {
            inSetLevel.countDown();
            try {
                if (!releaseSetLevel.await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never released setLevel");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.setLevel(guildId, userId, level);
        }
    }

    private final TestClock clock = TestClock.at("2024-03-10T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TickCadenceTest.StepScheduler scheduler = new TickCadenceTest.StepScheduler();
    private final ControlledStorage storage = new ControlledStorage();
    private final List<TickReport> reports = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private @Nullable VoiceTracker tracker;

    private VoiceTracker start(VoiceTrackerBuilder builder) {
        VoiceTracker t = builder.storage(storage)
                .clock(clock)
                .nanoTime(nanos::get)
                .listenerExecutor(Runnable::run)
                .checkInterval(INTERVAL)
                .build();
        t.addListener(new TrackerListener() {
            @Override
            public void tickCompleted(TickReport report) {
                reports.add(report);
            }

            @Override
            public void error(String context, @Nullable Throwable error) {
                errors.add(context);
            }
        });
        t.start();
        t.accept(new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
        tracker = t;
        return t;
    }

    @AfterEach
    void tearDown() {
        if (tracker != null) {
            tracker.close();
        }
    }

    @Test
    void everyScheduledTick_reportsToListeners() {
        start(VoiceTracker.builder().scheduler(scheduler));
        scheduler.runNext();
        clock.advance(INTERVAL);
        scheduler.runNext();

        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).eventsApplied()).isEqualTo(1);
        assertThat(reports.get(0).membersInVoice()).isEqualTo(1);
        assertThat(reports.get(1).eventsApplied()).isZero();
        assertThat(reports.get(1).at()).isEqualTo(reports.get(0).at().plus(INTERVAL));
        assertThat(reports).allSatisfy(r -> assertThat(r.written()).isTrue());
    }

    @Test
    void aTickWhoseWriteFails_isStillReported_withWrittenFalse() {
        start(VoiceTracker.builder().scheduler(scheduler));
        storage.failNext = true;
        scheduler.runNext();

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.written()).isFalse();
            assertThat(r.bufferedDeltas()).isEqualTo(1);
        });
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("storage write failed"));
    }

    @Test
    void aScheduledTickThatThrows_reachesTickFailed_andByDefaultError_andTheNextTickRuns() {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        VoiceTracker t = start(VoiceTracker.builder().scheduler(scheduler));
        t.addListener(new TrackerListener() {
            @Override
            public void tickFailed(Throwable error) {
                failures.add(error);
            }
        });
        AssertionError defect = new AssertionError("injected defect");
        storage.defectNext = defect;
        scheduler.runNext();

        assertThat(failures).containsExactly(defect);
        assertThat(errors).containsExactly(TrackerListener.TICK_FAILED); // the listener without tickFailed
        assertThat(reports).isEmpty();

        clock.advance(INTERVAL);
        scheduler.runNext();
        assertThat(reports).singleElement().satisfies(r -> assertThat(r.written())
                .isTrue());
    }

    @Test
    void aSkippedScheduledTick_reportsAnErrorAndNoTick() throws Exception {
        VoiceTracker t = start(VoiceTracker.builder().scheduler(scheduler));
        CompletableFuture<MemberTotals> admin = CompletableFuture.supplyAsync(() -> t.setLevel(1, 7, 3));
        assertThat(storage.inSetLevel.await(1, TimeUnit.MINUTES)).isTrue(); // holds the tracker lock now

        scheduler.runNext();
        storage.releaseSetLevel.countDown();
        admin.get(1, TimeUnit.MINUTES);

        assertThat(reports).isEmpty();
        assertThat(errors).contains("tick skipped: the previous tick is still running");
        assertThat(scheduler.pending()).hasSize(1);
    }

    @Test
    void tickNowAndTheLastTickAtClose_areReportedToo() {
        VoiceTracker t = start(VoiceTracker.builder().manualTicks());
        TickReport now = t.tickNow();
        clock.advanceSeconds(3);
        t.close();

        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).isSameAs(now);
        assertThat(reports.get(1).at()).isEqualTo(now.at().plusSeconds(3));
    }
}

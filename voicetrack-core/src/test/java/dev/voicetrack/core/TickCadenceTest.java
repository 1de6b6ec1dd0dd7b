package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scheduled ticks start every check interval however long each takes (the original's fixed XP per
 * check would otherwise be given less often than configured on a slow database), and one that
 * overruns is followed by a whole interval, never by a tick at once. Time is a manual clock; the
 * scheduler only records what is scheduled and runs it when the test says so.
 */
class TickCadenceTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    /** Storage whose writes take {@code writeTime} of the manual nano clock. */
    private static final class TimedStorage extends ForwardingStorage {
        final AtomicLong nanos;
        volatile Duration writeTime = Duration.ZERO;
        volatile boolean failNext;

        TimedStorage(AtomicLong nanos) {
            super(new InMemoryStorage());
            this.nanos = nanos;
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            nanos.addAndGet(writeTime.toNanos());
            if (failNext) {
                failNext = false;
                throw new StorageException("injected write failure");
            }
            return super.apply(batch);
        }
    }

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TestClock clock = TestClock.at("2024-03-10T12:00:00Z");
    private final StepScheduler scheduler = new StepScheduler();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private TimedStorage storage;
    private VoiceTracker tracker;

    @BeforeEach
    void setUp() {
        storage = new TimedStorage(nanos);
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .nanoTime(nanos::get)
                .scheduler(scheduler)
                .listenerExecutor(Runnable::run)
                .checkInterval(INTERVAL)
                .build();
        tracker.addListener(new TrackerListener() {
            @Override
            public void error(String context, @Nullable Throwable error) {
                errors.add(context);
            }
        });
        tracker.start();
        tracker.accept(new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
    }

    @AfterEach
    void tearDown() {
        tracker.close();
    }

    @Test
    void theFirstTickIsOneIntervalAfterStart() {
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay)
                .isEqualTo(INTERVAL));
    }

    @Test
    void aTickThatTakesPartOfTheInterval_shortensTheWaitForTheNext() {
        storage.writeTime = Duration.ofSeconds(3);
        scheduler.runNext();
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay)
                .isEqualTo(Duration.ofSeconds(7)));
        storage.writeTime = Duration.ofMillis(9_999);
        scheduler.runNext();
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay)
                .isEqualTo(Duration.ofMillis(1)));
        assertThat(errors).isEmpty();
    }

    @Test
    void aTickThatOverruns_isReported_andTheNextWaitsAWholeInterval() {
        storage.writeTime = Duration.ofSeconds(12);
        scheduler.runNext();
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("tick overran"));
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay)
                .isEqualTo(INTERVAL));
    }

    @Test
    void aFailedTick_stillSchedulesTheNext() {
        storage.failNext = true;
        scheduler.runNext();
        assertThat(errors).isNotEmpty();
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay)
                .isEqualTo(INTERVAL));
    }

    @Test
    void close_cancelsThePendingTick_andNothingIsScheduledAfter() {
        scheduler.runNext();
        StepScheduler.Task pending = scheduler.pending().get(0);
        tracker.close();
        assertThat(pending.cancelled).isTrue();
        assertThat(scheduler.pending()).isEmpty();
    }

    /** Records what is scheduled; {@link #runNext()} runs the oldest pending task on the test thread. */
    static final class StepScheduler extends AbstractExecutorService implements ScheduledExecutorService {
        static final class Task implements ScheduledFuture<Object> {
            final Runnable body;
            final Duration delay;
            volatile boolean cancelled;
            volatile boolean done;

            Task(Runnable body, Duration delay) {
                this.body = body;
                this.delay = delay;
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return unit.convert(delay);
            }

            @Override
            public int compareTo(Delayed o) {
                return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                cancelled = true;
                return !done;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }

            @Override
            public boolean isDone() {
                return done || cancelled;
            }

            @Override
            public @Nullable Object get() {
                return null;
            }

            @Override
            public @Nullable Object get(long timeout, TimeUnit unit) {
                return null;
            }
        }

        private final List<Task> tasks = new ArrayList<>();

        synchronized List<Task> pending() {
            return tasks.stream().filter(t -> !t.isDone()).toList();
        }

        void runNext() {
            Task t = pending().get(0);
            t.done = true;
            t.body.run();
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            var t = new Task(command, Duration.ofNanos(unit.toNanos(delay)));
            tasks.add(t);
            return t;
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("the tracker schedules runnables");
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("the tracker schedules each tick itself");
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(
                Runnable command, long initialDelay, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("the tracker schedules each tick itself");
        }

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}

package dev.voicetrack.core.internal;

import dev.voicetrack.core.TickReport;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When ticks run: on a schedule, on demand ({@link #tickNow}) and once more at close ({@link
 * #finalTick}).
 *
 * <h2>Cadence</h2>
 *
 * A scheduled tick schedules the next one when it ends: the wait is the interval minus the tick's own
 * duration, so ticks start every interval however long each takes; after a tick that overran the wait
 * is a whole interval, so ticks never run back to back. The schedule runs on the executor given to the
 * builder, else on a daemon thread {@code voicetrack-ticks} this loop owns; with manual ticks there is
 * no schedule.
 *
 * <h2>Never two at once</h2>
 *
 * Every tick holds the tracker lock. A scheduled tick that cannot take it at once (a {@code tickNow},
 * an admin operation or a slow previous tick holds it) is skipped and reported rather than queued;
 * {@code tickNow} and the final tick wait for it.
 *
 * <h2>Reports</h2>
 *
 * After every tick that completes (scheduled, on demand or final) its {@link TickReport} goes to the
 * listeners' {@code tickCompleted}, after the tick's other events. A tick that throws is reported
 * through {@code error} and produces no report.
 */
final class TickLoop {
    private final ReentrantLock lock;
    private final TickWriter writer;
    private final Dispatcher dispatcher;
    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Runnable afterTick;

    /** Guards {@code scheduled}, {@code stopping} and {@code ownScheduler}, so that stop() cancels the last scheduled tick. */
    private final Object scheduling = new Object();

    private boolean stopping;
    private @Nullable ScheduledFuture<?> scheduled;
    private @Nullable ScheduledExecutorService ownScheduler;

    /** @param afterTick runs after every tick, on the tick's thread, once the lock is released (cache refresh-ahead) */
    TickLoop(
            ReentrantLock lock,
            TickWriter writer,
            Dispatcher dispatcher,
            Duration interval,
            LongSupplier nanoTime,
            Runnable afterTick) {
        this.lock = lock;
        this.writer = writer;
        this.dispatcher = dispatcher;
        this.interval = interval;
        this.nanoTime = nanoTime;
        this.afterTick = afterTick;
    }

    /**
     * Starts the schedule: on {@code scheduler} if given, else on a tick thread of its own unless
     * {@code manual}. The first tick runs one interval from now.
     */
    void start(@Nullable ScheduledExecutorService scheduler, boolean manual) {
        if (scheduler == null && !manual) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "voicetrack-ticks");
                t.setDaemon(true);
                return t;
            });
            synchronized (scheduling) {
                ownScheduler = scheduler;
            }
        }
        if (scheduler != null) {
            schedule(scheduler, interval.toNanos());
        }
    }

    /** Runs one tick on the calling thread, after any running tick, and reports it. */
    TickReport tickNow() {
        return tickWaitingForLock(false);
    }

    /**
     * Cancels the schedule; a tick already running on the own tick thread finishes first (waited for,
     * up to a minute). A scheduler given to the builder is left running.
     */
    void stop() {
        ScheduledFuture<?> f;
        ScheduledExecutorService own;
        synchronized (scheduling) {
            stopping = true;
            f = scheduled;
            own = ownScheduler;
        }
        if (f != null) {
            f.cancel(false);
        }
        if (own != null) {
            own.shutdown();
            awaitQuietly(own);
        }
    }

    /** The last tick, at close: like {@link #tickNow}, and it writes every open session row. */
    TickReport finalTick() {
        return tickWaitingForLock(true);
    }

    private TickReport tickWaitingForLock(boolean allOpenRows) {
        TickReport report;
        lock.lock();
        try {
            report = tickLocked(allOpenRows);
        } finally {
            lock.unlock();
        }
        afterTick();
        return report;
    }

    private void afterTick() {
        try {
            afterTick.run();
        } catch (RuntimeException e) {
            dispatcher.error("the work after a tick failed", e);
        }
    }

    private TickReport tickLocked(boolean allOpenRows) {
        TickReport report = writer.tick(allOpenRows);
        dispatcher.emit(l -> l.tickCompleted(report));
        return report;
    }

    /** Schedules the next tick {@code delayNanos} from now, unless the loop is stopping. */
    private void schedule(ScheduledExecutorService scheduler, long delayNanos) {
        synchronized (scheduling) {
            if (stopping) {
                return;
            }
            try {
                scheduled = scheduler.schedule(() -> scheduledTick(scheduler), delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                dispatcher.error("the scheduler refused the next tick: ticks have stopped", e);
            }
        }
    }

    private void scheduledTick(ScheduledExecutorService scheduler) {
        long intervalNanos = interval.toNanos();
        long start = nanoTime.getAsLong();
        long wait = intervalNanos;
        try {
            if (!lock.tryLock()) {
                dispatcher.emit(l -> l.error("tick skipped: the previous tick is still running", null));
                return;
            }
            try {
                tickLocked(false);
            } catch (RuntimeException | Error e) {
                dispatcher.emit(l -> l.tickFailed(e));
            } finally {
                lock.unlock();
            }
            afterTick();
            long took = nanoTime.getAsLong() - start;
            wait = took < intervalNanos ? intervalNanos - took : intervalNanos;
        } finally {
            schedule(scheduler, wait);
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

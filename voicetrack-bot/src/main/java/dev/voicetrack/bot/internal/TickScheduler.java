package dev.voicetrack.bot.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The tracker's tick thread: the one-thread scheduler given to the tracker, which schedules each of
 * its ticks here (so two never overlap, and each reports to the listeners, {@link TickMetrics} among
 * them).
 *
 * <p>Everything the thread runs is on the tick path of the {@link TimedStorage}: a tick's write that
 * did not answer in time is carried, not doubled. A task ({@link Runnable}) that comes due once the bot's shutdown has
 * begun does not run; the tracker's next tick is scheduled by the one before it, so ticks then stop,
 * and the last one runs at the tracker's close. The tracker never shuts this scheduler down: its
 * owner does, after closing the tracker.
 */
final class TickScheduler extends ScheduledThreadPoolExecutor {
    private final BooleanSupplier stopping;

    /** @param stopping true once the bot's shutdown has begun: no task starts after that */
    TickScheduler(TimedStorage storage, BooleanSupplier stopping) {
        super(1, onTickPath(storage));
        this.stopping = stopping;
        setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static ThreadFactory onTickPath(TimedStorage storage) {
        ThreadFactory daemons = Threads.daemons("voicetrack-tick");
        return work -> daemons.newThread(() -> storage.onTickPath(() -> {
            work.run();
            return null;
        }));
    }

    // execute() and submit(Runnable) come through here too.
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return super.schedule(unlessStopping(command), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(unlessStopping(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(unlessStopping(command), initialDelay, delay, unit);
    }

    private Runnable unlessStopping(Runnable command) {
        return () -> {
            if (!stopping.getAsBoolean()) {
                command.run();
            }
        };
    }
}

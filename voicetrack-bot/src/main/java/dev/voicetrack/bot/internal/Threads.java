package dev.voicetrack.bot.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime's threads: named daemons, periodic tasks that log their failures, bounded stops. */
final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {}

    /** Daemon threads named {@code name}. */
    static ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code task} every {@code period}, first after one period; a failure is logged and the next run still comes. */
    static void every(ScheduledExecutorService ex, Duration period, String what, Runnable task) {
        ex.scheduleAtFixedRate(() -> safely(what, task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task}, logging a failure instead of throwing it. */
    static void safely(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", what, e.toString());
        }
    }

    /** Shuts {@code ex} down, waiting at most {@code wait} for running tasks before interrupting them. */
    static void stop(ExecutorService ex, Duration wait) {
        ex.shutdown();
        try {
            if (!ex.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                ex.shutdownNow();
            }
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

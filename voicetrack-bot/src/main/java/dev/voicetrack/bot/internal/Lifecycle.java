package dev.voicetrack.bot.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components started in one declared order and stopped in the reverse order.
 *
 * <p>{@link #start} starts them one by one; when one fails, the ones already started are stopped
 * (last started first) and the failure is rethrown, so a failed start leaves nothing running. {@link
 * #stop} stops the started ones, last started first; a component whose stop throws is logged and the
 * others are still stopped. A stop that comes while {@link #start} runs (a signal during start-up)
 * wins: the component being started is stopped as soon as its start returns, and the start fails.
 *
 * <p>Thread safety: {@link #stop} may be called from any thread, any number of times.
 */
final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Component> components;
    private final Deque<Component> running = new ArrayDeque<>(); // guarded by this
    private boolean stopRequested; // guarded by this

    Lifecycle(List<Component> components) {
        this.components = List.copyOf(components);
    }

    /**
     * Starts every component in order.
     *
     * @throws IllegalStateException when {@link #stop} was called during the start
     */
    void start() throws InterruptedException {
        for (Component c : components) {
            try {
                c.start();
            } catch (RuntimeException | Error | InterruptedException e) {
                stop();
                throw e;
            }
            if (!markRunning(c)) {
                stopQuietly(c);
                throw new IllegalStateException("stopped while starting " + c.name());
            }
        }
    }

    private synchronized boolean markRunning(Component c) {
        if (stopRequested) {
            return false;
        }
        running.push(c);
        return true;
    }

    /** Stops the started components, last started first; never throws. */
    void stop() {
        synchronized (this) {
            stopRequested = true;
        }
        for (Component c = next(); c != null; c = next()) {
            stopQuietly(c);
        }
    }

    private synchronized @Nullable Component next() {
        return running.poll();
    }

    private static void stopQuietly(Component c) {
        try {
            c.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping {} failed: {}", c.name(), e.toString());
        }
    }

    /** The names of the running components, first started first; for tests and logs. */
    synchronized List<String> runningNames() {
        List<String> names = new ArrayList<>();
        running.descendingIterator().forEachRemaining(c -> names.add(c.name()));
        return names;
    }
}

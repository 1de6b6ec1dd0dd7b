package dev.voicetrack.jda.internal;

import dev.voicetrack.core.VoiceTracker;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.JDA;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link VoiceTracker#reconcile()} on its own thread (it reads storage), never on a JDA event thread.
 * Requests that arrive while one is queued are merged into it; a request that arrives while one runs queues
 * exactly one more, so the last request is always followed by a reconciliation that started after it.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final VoiceTracker tracker;
    private final Gateways gateways;
    private final ExecutorService executor;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicLong completed = new AtomicLong();

    Reconciler(VoiceTracker tracker, Gateways gateways, ExecutorService executor) {
        this.tracker = tracker;
        this.gateways = gateways;
        this.executor = executor;
    }

    /**
     * Asks for a reconciliation because {@code shard} (null: none in particular) became ready. With several
     * shards it waits until the others are connected too: a shard still connecting holds no voice states, and its
     * members would be taken for gone.
     */
    void request(@Nullable JDA shard) {
        if (!gateways.connectedExcept(shard)) {
            LOG.debug("reconciliation postponed: not every shard is connected");
            return;
        }
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) {
            queued.set(false);
            LOG.debug("reconciliation not run: the adapter is closed");
        }
    }

    private void run() {
        queued.set(false);
        try {
            tracker.reconcile();
        } catch (RuntimeException e) {
            LOG.warn("reconciliation with JDA's voice states failed", e);
        } finally {
            completed.incrementAndGet();
        }
    }

    long completed() {
        return completed.get();
    }
}

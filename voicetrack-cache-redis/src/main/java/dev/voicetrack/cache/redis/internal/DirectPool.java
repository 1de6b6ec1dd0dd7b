package dev.voicetrack.cache.redis.internal;

import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} {@link DirectConnection}s to one server, made when a caller finds none idle and
 * kept for the next, and lent only while at most {@code max} callers are in a single-key command
 * ({@link #enter}). Beyond that the callers use Lettuce, whose one connection pipelines their
 * commands: each costs the server one read and one write for many commands instead of one of each
 * per command, which decides throughput once the server is the bottleneck. So a few callers get
 * blocking round trips (lower latency), and many share one multiplexed socket (more throughput),
 * rather than a mix of both that costs the server most.
 *
 * <p>{@link #reset} (the connector calls it when Lettuce loses or regains its connection, and a
 * caller when a direct connection breaks) closes the idle connections and marks those lent out, which
 * are closed on return: after a server restart no old socket is used twice. A failed connect makes
 * {@link #acquire} answer none for a second, so an unreachable server costs a caller one connect
 * timeout, not one per call.
 */
final class DirectPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectPool.class);
    private static final long CONNECT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DirectConnection.Endpoint endpoint;
    private final int max;
    private final ConcurrentLinkedDeque<DirectConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicInteger callers = new AtomicInteger();
    private volatile long connectBlockedUntil = System.nanoTime();
    private volatile boolean closed;

    DirectPool(DirectConnection.Endpoint endpoint, int max) {
        this.endpoint = endpoint;
        this.max = max;
    }

    /**
     * Starts a single-key command: a connection to run it on, or null to run it on Lettuce (more than
     * {@code max} callers, or no connection to be had). Every call must be followed by {@link #leave}.
     */
    @Nullable
    DirectConnection enter() {
        return callers.incrementAndGet() > max ? null : acquire();
    }

    /** Ends what {@link #enter} started, returning its connection if it lent one. */
    void leave(@Nullable DirectConnection c) {
        callers.decrementAndGet();
        if (c != null) {
            release(c);
        }
    }

    /** An idle connection, a new one, or null when {@code max} are lent out or connecting failed. */
    @Nullable
    DirectConnection acquire() {
        DirectConnection c = idle.pollFirst(); // the most recently returned, whose buffers are warm
        if (c != null || closed || System.nanoTime() - connectBlockedUntil < 0) {
            return c;
        }
        int n;
        do {
            n = open.get();
            if (n >= max) {
                return null;
            }
        } while (!open.compareAndSet(n, n + 1));
        try {
            return DirectConnection.open(endpoint, generation.get());
        } catch (IOException | RedisException e) {
            open.decrementAndGet();
            connectBlockedUntil = System.nanoTime() + CONNECT_RETRY_NANOS;
            LOG.debug("direct Redis connection failed; Lettuce serves meanwhile", e);
            return null;
        }
    }

    /** Takes back a connection from {@link #acquire}; closes it if it broke or a reset came meanwhile. */
    void release(DirectConnection c) {
        if (!c.isOpen() || c.generation() != generation.get() || closed) {
            discard(c);
            return;
        }
        idle.offerFirst(c);
        // A reset between the check and the offer may have drained the deque before c was in it.
        if ((c.generation() != generation.get() || closed) && idle.remove(c)) {
            discard(c);
        }
    }

    /** Closes every idle connection; connections lent out are closed when returned. */
    void reset() {
        generation.incrementAndGet();
        DirectConnection c;
        while ((c = idle.pollFirst()) != null) {
            discard(c);
        }
    }

    /** Connections open now, idle or lent out. */
    int size() {
        return open.get();
    }

    private void discard(DirectConnection c) {
        c.close();
        open.decrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
        reset();
    }
}

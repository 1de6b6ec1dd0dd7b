package dev.voicetrack.testkit;

import dev.voicetrack.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when a test tells it to, so expiry can be tested without sleeping.
 * Thread safe; it never goes backwards.
 *
 * <p>It starts at {@link #DEFAULT_START} rather than zero, so code that mistakes a ticker reading for
 * "time since start" fails its tests.
 */
public final class ManualTicker implements Ticker {

    /** The reading of a ticker created with {@link #ManualTicker()}: an arbitrary, non-zero value. */
    public static final long DEFAULT_START = 1_234_567_890_123_456L;

    private final AtomicLong nanos;

    /** A ticker reading {@link #DEFAULT_START}. */
    public ManualTicker() {
        this(DEFAULT_START);
    }

    /** A ticker reading {@code startNanos}, which may be any value, negative ones included. */
    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /**
     * Moves the ticker forward.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative, or too long to add
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a ticker never goes backwards: duration must be >= 0, was " + duration);
        }
        long delta;
        try {
            delta = duration.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration must fit in a long of nanoseconds, was " + duration, e);
        }
        advanceNanos(delta);
    }

    /**
     * Moves the ticker forward by {@code millis} milliseconds.
     *
     * @throws IllegalArgumentException if {@code millis} is negative, or too large to add
     */
    public void advanceMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a ticker never goes backwards: millis must be >= 0, was " + millis);
        }
        advance(Duration.ofMillis(millis));
    }

    /**
     * Moves the ticker forward by {@code nanos} nanoseconds.
     *
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a ticker never goes backwards: nanos must be >= 0, was " + nanos);
        }
        // Wrapping around is what System.nanoTime may do too; only differences are meaningful.
        this.nanos.addAndGet(nanos);
    }

    @Override
    public String toString() {
        return "ManualTicker[" + nanos.get() + " ns]";
    }
}

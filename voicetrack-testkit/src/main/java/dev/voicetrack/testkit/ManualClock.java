package dev.voicetrack.testkit;

import dev.voicetrack.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A wall clock that moves only when a test tells it to, with a {@link #ticker()} view that moves
 * with it, so one object drives both the code that reads wall time and the caches that read a
 * monotonic ticker. Thread safe.
 *
 * <p>{@link #advance} moves the clock and the ticker forward by the same amount. {@link #setInstant}
 * may also move the clock backwards, as a wall clock stepped by NTP does; the ticker then stands still
 * (a ticker never goes backwards) and moves on again with the clock's later forward moves.
 *
 * <p>{@link #withZone} returns a clock in another zone that shares this one's time: moving either
 * moves both.
 */
public final class ManualClock extends Clock {

    /** The instant a clock created with {@link #ManualClock()} starts at: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

    private final State state;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START} in UTC. */
    public ManualClock() {
        this(DEFAULT_START, ZoneOffset.UTC);
    }

    /** A clock at {@code start} in UTC. */
    public ManualClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    /** A clock at {@code start} in {@code zone}. */
    public ManualClock(Instant start, ZoneId zone) {
        this(new State(Objects.requireNonNull(start, "start")), zone);
    }

    private ManualClock(State state, ZoneId zone) {
        this.state = state;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A clock in {@code zone} sharing this clock's time. */
    @Override
    public ManualClock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new ManualClock(state, zone);
    }

    @Override
    public Instant instant() {
        return state.instant();
    }

    @Override
    public long millis() {
        return state.instant().toEpochMilli();
    }

    /**
     * Moves the clock, and its ticker, forward.
     *
     * @throws IllegalArgumentException if {@code duration} is negative; use {@link #setInstant} to go
     *     back
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("advance moves forward only: duration must be >= 0, was " + duration
                    + "; use setInstant to move the clock back");
        }
        state.advance(duration);
    }

    /**
     * Moves the clock, and its ticker, forward by {@code millis} milliseconds.
     *
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public void advanceMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("advance moves forward only: millis must be >= 0, was " + millis);
        }
        advance(Duration.ofMillis(millis));
    }

    /**
     * Sets the clock to {@code instant}, forwards or backwards. The ticker moves forward by the same
     * amount when the clock moves forward and stands still when it moves back.
     */
    public void setInstant(Instant instant) {
        state.set(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * A ticker that moves with this clock: it advances by exactly as many nanoseconds as the clock
     * moves forward, and never goes backwards. Every call returns a view of the same time.
     */
    public Ticker ticker() {
        return state::tickerNanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManualClock other && other.state == state && other.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(state) * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }

    /** The time shared by a clock and its zone variants and tickers. */
    private static final class State {
        private Instant instant;
        private long tickerNanos = ManualTicker.DEFAULT_START;

        State(Instant start) {
            this.instant = start;
        }

        synchronized Instant instant() {
            return instant;
        }

        synchronized long tickerNanos() {
            return tickerNanos;
        }

        synchronized void advance(Duration duration) {
            Instant next = instant.plus(duration);
            tickerNanos += duration.toNanos();
            instant = next;
        }

        synchronized void set(Instant next) {
            if (next.isAfter(instant)) {
                tickerNanos += Duration.between(instant, next).toNanos();
            }
            instant = next;
        }
    }
}

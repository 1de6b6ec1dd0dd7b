package dev.voicetrack.emulator.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Discord-style snowflakes: milliseconds since the Discord epoch in the top 42 bits, then worker, process and an
 * increment. Ids are strictly increasing even when the clock stands still or steps back. Thread safe.
 *
 * <p>{@link #countingFrom} gives reproducible ids instead: the snowflake of a fixed instant, then one more for each id.
 */
final class Snowflakes {
    static final long DISCORD_EPOCH_MS = 1_420_070_400_000L;
    private static final long WORKER_AND_PROCESS = 1L << 17;

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    Snowflakes(Clock clock) {
        this.clock = clock;
    }

    /** Ids that depend only on {@code start} and how many were handed out before. */
    static Snowflakes countingFrom(java.time.Instant start) {
        Snowflakes s = new Snowflakes(Clock.fixed(start, java.time.ZoneOffset.UTC));
        s.last.set(((start.toEpochMilli() - DISCORD_EPOCH_MS) << 22) | WORKER_AND_PROCESS);
        s.last.decrementAndGet();
        return s;
    }

    long next() {
        long fromClock = ((clock.millis() - DISCORD_EPOCH_MS) << 22) | WORKER_AND_PROCESS;
        return last.updateAndGet(previous -> Math.max(previous + 1, fromClock));
    }

    static long timestampMillis(long snowflake) {
        return (snowflake >>> 22) + DISCORD_EPOCH_MS;
    }
}

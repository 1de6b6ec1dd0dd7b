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

    /**
     * The next id whose shard ({@code (id >> 22) % shardCount}) is {@code shard}: the next id if it falls
     * there, else the first id of the nearest later millisecond that does. Later ids follow it, so ids
     * stay strictly increasing; with {@link #countingFrom} the result still depends only on the start and
     * the ids handed out before.
     */
    long nextOnShard(int shard, int shardCount) {
        return last.updateAndGet(previous -> {
            long fromClock = ((clock.millis() - DISCORD_EPOCH_MS) << 22) | WORKER_AND_PROCESS;
            long next = Math.max(previous + 1, fromClock);
            long ms = next >>> 22;
            long ahead = Math.floorMod(shard - ms, (long) shardCount);
            return ahead == 0 ? next : ((ms + ahead) << 22) | WORKER_AND_PROCESS;
        });
    }

    static long timestampMillis(long snowflake) {
        return (snowflake >>> 22) + DISCORD_EPOCH_MS;
    }
}

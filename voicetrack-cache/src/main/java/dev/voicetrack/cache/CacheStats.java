package dev.voicetrack.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of what one cache has done since it was created or its stats were last reset. Taking a
 * snapshot never scans the entries. Counters are those of this cache alone, never a server's.
 *
 * @param name the cache's name
 * @param hits reads that found a value (including a remembered absence)
 * @param misses reads that found nothing
 * @param sets values written by {@code put}, {@code warm} and successful loads
 * @param deletes entries removed on request: delete, tag and pattern invalidation, clear
 * @param expirations entries removed because their TTL ran out
 * @param sizeEvictions entries removed to stay within the entry or byte bound
 * @param loadSuccesses loader runs that returned a value
 * @param loadFailures loader runs that threw
 * @param totalLoadNanos time spent in loaders, successful or not
 * @param size the current number of entries (approximate while writes are in flight)
 * @param estimatedBytes the current estimated bytes of keys and values, or -1 if not tracked
 */
public record CacheStats(
        String name,
        long hits,
        long misses,
        long sets,
        long deletes,
        long expirations,
        long sizeEvictions,
        long loadSuccesses,
        long loadFailures,
        long totalLoadNanos,
        long size,
        long estimatedBytes) {

    public CacheStats {
        Objects.requireNonNull(name, "name");
    }

    /** Hits plus misses. */
    public long requests() {
        return hits + misses;
    }

    /** Hits divided by requests, between 0 and 1; 1 when there were no requests. */
    public double hitRate() {
        long requests = requests();
        return requests == 0 ? 1.0 : (double) hits / requests;
    }

    /** {@link #hitRate()} as a percentage, as the original's {@code /cachestats} shows it. */
    public double hitRatePercent() {
        return hitRate() * 100.0;
    }

    /** Evictions of the given cause. */
    public long evictions(EvictionCause cause) {
        return switch (cause) {
            case EXPIRED -> expirations;
            case SIZE -> sizeEvictions;
        };
    }

    /** All evictions, whatever the cause. */
    public long evictions() {
        return expirations + sizeEvictions;
    }

    /** The mean time of a loader run, or zero when none ran. */
    public Duration averageLoadTime() {
        long loads = loadSuccesses + loadFailures;
        return loads == 0 ? Duration.ZERO : Duration.ofNanos(totalLoadNanos / loads);
    }
}

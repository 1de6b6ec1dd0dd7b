package dev.voicetrack.bot.internal;

import dev.voicetrack.cache.CacheStats;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The original's low hit-rate warning ({@code LOW_HIT_RATE}), judged so that it fires only when something can be
 * done about it.
 *
 * <p>Two things make a plain "hit rate below the threshold" wrong for this tracker. The cache's counters run from
 * start-up, so the figure of a bot that has run for a day barely moves when its cache starts failing, and an early
 * cold start keeps it low long after; so each check looks only at the reads since the previous check (the monitor
 * interval), and only once there were more than {@value #MIN_READS} of them. And under a real read mix much of what
 * misses is a question nobody asked in the last minute ({@code /rank} of a member nobody looked at, a leaderboard
 * page of a rarely read window): such a read reaches storage whatever the cache's size or TTL, so a low figure
 * alone is no fault, and warning about it every minute teaches operators to ignore the log. The fault the
 * warning's advice can fix is a cache too small for what is read, which shows as entries evicted for size; so it
 * fires when the hit rate over the interval is under the threshold and the cache evicted entries for size in
 * that same interval.
 *
 * <p>Stats that went backwards (a {@code resetStats()}) restart the count from that snapshot. Not thread safe: the
 * maintenance thread alone calls {@link #check}.
 */
final class HitRateAlarm {
    static final long MIN_READS = 100;

    private final double threshold;
    private @Nullable CacheStats previous;

    /** @param threshold {@code LOW_HIT_RATE}, in 0..1 */
    HitRateAlarm(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in 0..1, was " + threshold);
        }
        this.threshold = threshold;
    }

    /** Judges the reads since the previous call; returns the warning to log, if any. */
    Optional<String> check(CacheStats now) {
        CacheStats before = previous;
        previous = now;
        if (before == null
                || now.hits() < before.hits()
                || now.misses() < before.misses()
                || now.sizeEvictions() < before.sizeEvictions()) {
            return Optional.empty(); // first look, or the stats were reset: nothing to compare with yet
        }
        long hits = now.hits() - before.hits();
        long reads = hits + now.misses() - before.misses();
        long evicted = now.sizeEvictions() - before.sizeEvictions();
        double rate = reads == 0 ? 1.0 : (double) hits / reads;
        if (reads <= MIN_READS || rate >= threshold || evicted == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "Low cache hit rate: %.1f%% over the last %d reads (threshold %d%%), and %d entries were evicted"
                        + " meanwhile to stay within the cache's bound: the cache is too small for what is read."
                        + " Consider a larger CACHE_MAX_ENTRIES.",
                100.0 * rate,
                reads,
                Math.round(threshold * 100),
                evicted));
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cache's hit rate over time, for the admin console's chart: at a tick at least {@link #STEP} after the
 * last sample, the hits and misses since then, for the last {@link #SAMPLES} steps (an hour at the default
 * step). Thread safe.
 */
final class CacheHistory implements TrackerListener {
    static final Duration STEP = Duration.ofSeconds(10);
    static final int SAMPLES = 360;

    /** One step: when it ended (tick time) and what the cache answered during it. */
    record Sample(String at, long hits, long misses) {}

    private final Supplier<Cache<Object>> cache;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long lastAtMillis = Long.MIN_VALUE;
    private long lastHits;
    private long lastMisses;

    CacheHistory(Supplier<Cache<Object>> cache) {
        this.cache = cache;
    }

    @Override
    public void tickCompleted(TickReport report) {
        long at = report.at().toEpochMilli();
        synchronized (this) {
            if (lastAtMillis != Long.MIN_VALUE && at - lastAtMillis < STEP.toMillis()) {
                return;
            }
            CacheStats s = cache.get().stats();
            if (lastAtMillis != Long.MIN_VALUE) {
                samples.addLast(new Sample(report.at().toString(), s.hits() - lastHits, s.misses() - lastMisses));
                if (samples.size() > SAMPLES) {
                    samples.pollFirst();
                }
            }
            lastAtMillis = at;
            lastHits = s.hits();
            lastMisses = s.misses();
        }
    }

    synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }
}

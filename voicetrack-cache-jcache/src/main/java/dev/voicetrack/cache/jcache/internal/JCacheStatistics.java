package dev.voicetrack.cache.jcache.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The JCache counters of one cache, as the specification defines them (a get of an absent key is a
 * miss even when read-through loads it; a put that stores nothing is not a put). Evictions are the
 * VoiceTrack cache's own size evictions since the last {@link #clear()}. Times are in microseconds,
 * measured on the cache's ticker. Thread safe.
 */
final class JCacheStatistics implements CacheStatisticsMXBean {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private final LongSupplier evictionsSource;
    private volatile long evictionsBase;

    JCacheStatistics(LongSupplier evictionsSource) {
        this.evictionsSource = evictionsSource;
        this.evictionsBase = evictionsSource.getAsLong();
    }

    void hits(long n) {
        hits.add(n);
    }

    void misses(long n) {
        misses.add(n);
    }

    void puts(long n) {
        puts.add(n);
    }

    void removals(long n) {
        removals.add(n);
    }

    void getTime(long nanos) {
        getNanos.add(nanos);
    }

    void putTime(long nanos) {
        putNanos.add(nanos);
    }

    void removeTime(long nanos) {
        removeNanos.add(nanos);
    }

    @Override
    public void clear() {
        hits.reset();
        misses.reset();
        puts.reset();
        removals.reset();
        getNanos.reset();
        putNanos.reset();
        removeNanos.reset();
        evictionsBase = evictionsSource.getAsLong();
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : getCacheHits() * 100f / gets;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : getCacheMisses() * 100f / gets;
    }

    @Override
    public long getCacheGets() {
        return hits.sum() + misses.sum();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return Math.max(0, evictionsSource.getAsLong() - evictionsBase);
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos.sum(), getCacheRemovals());
    }

    private static float average(long nanos, long count) {
        return count == 0 ? 0 : nanos / 1000f / count;
    }
}

package dev.voicetrack.cache.spi;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The base of a cache that keeps its own stats: its configuration, the nine counters of {@link
 * CacheStats}, the argument checks every cache makes the same way, and the checks on what a loader
 * returned.
 *
 * <p>The counters are fields of the cache itself, not of an object it points to, so counting a hit on
 * the read path costs one {@link LongAdder#increment()} and no extra load. Subclasses increment them
 * directly; {@link #snapshot} and {@link #resetCounters} read and reset all nine together.
 *
 * @param <V> the value type
 */
public abstract class AbstractCache<V> implements Cache<V> {

    /** The configuration the cache was built with. */
    protected final CacheConfig config;

    /** Reads that found a value or a remembered absence. */
    protected final LongAdder hits = new LongAdder();

    /** Reads that found nothing. */
    protected final LongAdder misses = new LongAdder();

    /** Values written by put, warm and loads. */
    protected final LongAdder sets = new LongAdder();

    /** Entries removed on request. */
    protected final LongAdder deletes = new LongAdder();

    /** Entries removed because their TTL ran out. */
    protected final LongAdder expirations = new LongAdder();

    /** Entries removed to stay within a bound. */
    protected final LongAdder sizeEvictions = new LongAdder();

    /** Loader runs that returned. */
    protected final LongAdder loadSuccesses = new LongAdder();

    /** Loader runs that threw. */
    protected final LongAdder loadFailures = new LongAdder();

    /** Nanoseconds spent in loaders. */
    protected final LongAdder loadNanos = new LongAdder();

    /** A cache built with {@code config}. */
    protected AbstractCache(CacheConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public final String name() {
        return config.name();
    }

    @Override
    public final CacheConfig config() {
        return config;
    }

    /** A snapshot of the counters with the size and estimated bytes only the subclass knows. */
    protected final CacheStats snapshot(long size, long estimatedBytes) {
        return new CacheStats(
                name(),
                hits.sum(),
                misses.sum(),
                sets.sum(),
                deletes.sum(),
                expirations.sum(),
                sizeEvictions.sum(),
                loadSuccesses.sum(),
                loadFailures.sum(),
                loadNanos.sum(),
                size,
                estimatedBytes);
    }

    /** Sets the nine counters back to zero (hot keys are the subclass's to reset). */
    protected final void resetCounters() {
        hits.reset();
        misses.reset();
        sets.reset();
        deletes.reset();
        expirations.reset();
        sizeEvictions.reset();
        loadSuccesses.reset();
        loadFailures.reset();
        loadNanos.reset();
    }

    /**
     * Checks a key as every cache does.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty
     */
    protected static void checkKey(String key) {
        if (key == null) {
            throw new NullPointerException("key must not be null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty, was ''");
        }
    }

    /**
     * Checks the arguments of {@code remember} and {@code rememberOptional} other than the key.
     *
     * @throws NullPointerException naming the null argument
     */
    protected static void checkRemember(WriteOptions options, Loader<?> loader) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
    }

    /**
     * Checks the argument of {@code topKeys}.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    protected static void checkTopKeys(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
    }

    /**
     * What a {@code remember} loader returned, which must be a value.
     *
     * @throws NullPointerException naming the key if the loader returned null
     */
    protected static <V> V loaded(String key, @Nullable V value) {
        if (value == null) {
            throw new NullPointerException(
                    "loader returned null for key '" + key + "'; use rememberOptional for values that may be absent");
        }
        return value;
    }

    /**
     * What a {@code rememberOptional} loader returned, which must be an {@link Optional}.
     *
     * @throws NullPointerException naming the key if the loader returned null
     */
    protected static <V> Optional<V> loadedOptional(String key, @Nullable Optional<V> value) {
        if (value == null) {
            throw new NullPointerException("loader returned null instead of Optional.empty() for key '" + key + "'");
        }
        return value;
    }
}

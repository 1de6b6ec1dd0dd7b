package dev.voicetrack.cache;

import dev.voicetrack.cache.internal.LocalCache;
import java.util.Objects;

/**
 * Creates in-process caches on Caffeine: per-entry TTLs, entry and byte bounds with W-TinyLFU
 * eviction (O(1) per write, never a scan), tags, glob invalidation over a sorted key index (a pattern
 * with a literal prefix only visits keys with that prefix), single-flight {@code remember} without a
 * global lock, hot-key tracking and stats. The caches are thread safe.
 *
 * <p>Values are isolated as the {@link ValueIsolation} rule says; by default they must be immutable
 * and are checked on every write.
 */
public final class InProcessCache {

    private InProcessCache() {}

    /** A cache with the given configuration and the immutable-value rule. */
    public static <V> Cache<V> create(CacheConfig config) {
        return create(config, ValueIsolation.immutable());
    }

    /** A cache with the given configuration and isolation rule. */
    public static <V> Cache<V> create(CacheConfig config, ValueIsolation<V> isolation) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(isolation, "isolation");
        return new LocalCache<>(config, isolation);
    }
}

package dev.voicetrack.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;

/**
 * The baseline of every cache benchmark: a plain Caffeine cache built the way the VoiceTrack
 * in-process cache ({@code dev.voicetrack.cache.internal.LocalCache}) builds its own when only an
 * entry bound is configured, minus everything VoiceTrack adds on top (the node wrapper, the tag and
 * sorted key indexes, hot keys, stats counters, single-flight bookkeeping, value checks).
 *
 * <p>Configuration, mirroring LocalCache's constructor:
 *
 * <ul>
 *   <li>{@code maximumSize} = the VoiceTrack cache's {@code maximumEntries} (no weigher);
 *   <li>variable (per-entry) expiry through {@link Caffeine#expireAfter(Expiry)}, as LocalCache's
 *       {@code NodeExpiry}: the TTL on create and on update, a read leaves the expiry unchanged.
 *       LocalCache takes each entry's TTL from its node; here every entry gets the same TTL;
 *   <li>{@code executor(Runnable::run)}: maintenance runs on the calling thread, as in LocalCache;
 *   <li>{@code ticker(System::nanoTime)}, as LocalCache adapts the default {@code Ticker.system()};
 *   <li>an eviction listener (a no-op here; LocalCache unindexes the node in it);
 *   <li>no {@code recordStats()} (LocalCache counts with its own adders).
 * </ul>
 */
final class RawCaffeine {

    private RawCaffeine() {}

    static <V> Cache<String, V> build(long maximumSize, Duration ttl) {
        return Caffeine.newBuilder()
                .ticker(System::nanoTime)
                .executor(Runnable::run)
                .expireAfter(new FixedTtl<V>(ttl.toNanos()))
                .evictionListener((String key, V value, RemovalCause cause) -> {})
                .maximumSize(maximumSize)
                .build();
    }

    /** Per-entry expiry that happens to give every entry the same TTL. */
    private static final class FixedTtl<V> implements Expiry<String, V> {
        private final long ttlNanos;

        FixedTtl(long ttlNanos) {
            this.ttlNanos = ttlNanos;
        }

        @Override
        public long expireAfterCreate(String key, V value, long currentTime) {
            return ttlNanos;
        }

        @Override
        public long expireAfterUpdate(String key, V value, long currentTime, long currentDuration) {
            return ttlNanos;
        }

        @Override
        public long expireAfterRead(String key, V value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}

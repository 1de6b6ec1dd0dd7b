package dev.voicetrack.cache;

import java.util.Objects;

/**
 * A key, a value and its write options, as handed to {@link Cache#warm}.
 *
 * @param <V> the value type
 */
public record CacheEntry<V>(String key, V value, WriteOptions options) {
    public CacheEntry {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(options, "options must not be null");
    }

    /** An entry with the cache's default TTL and no tags. */
    public static <V> CacheEntry<V> of(String key, V value) {
        return new CacheEntry<>(key, value, WriteOptions.defaults());
    }

    public static <V> CacheEntry<V> of(String key, V value, WriteOptions options) {
        return new CacheEntry<>(key, value, options);
    }
}

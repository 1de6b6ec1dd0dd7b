package dev.voicetrack.cache.redis.internal;

import java.util.Optional;

/**
 * A value (or a remembered absence) read from Redis, with its remaining TTL.
 *
 * @param value the value, empty for a remembered absence
 * @param ttlMillis the remaining TTL in milliseconds, or -1 if not read
 * @param <V> the value type
 */
public record Fetched<V>(Optional<V> value, long ttlMillis) {}

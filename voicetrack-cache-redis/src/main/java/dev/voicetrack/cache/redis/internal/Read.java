package dev.voicetrack.cache.redis.internal;

import java.util.Optional;

/**
 * What one read of the Redis cache found: an entry, or nothing and whether it had just expired
 * ({@code gone} 1) or vanished early, evicted by the server (2).
 *
 * @param entry the entry found, if any
 * @param gone 0, or why there was no entry
 * @param <V> the value type
 */
public record Read<V>(Optional<Fetched<V>> entry, int gone) {}

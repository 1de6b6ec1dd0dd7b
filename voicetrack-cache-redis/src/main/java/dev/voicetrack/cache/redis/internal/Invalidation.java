package dev.voicetrack.cache.redis.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message on a two-tier cache's channel: which entries another instance changed, or a probe.
 *
 * @param origin the sending instance
 * @param kind {@code keys}, {@code tag}, {@code pattern}, {@code clear} or {@code probe}
 * @param keys the changed keys (kind {@code keys}, and the removed keys of kind {@code tag})
 * @param arg the tag, the pattern or the probe token
 */
public record Invalidation(String origin, String kind, List<String> keys, @Nullable String arg) {
    public Invalidation {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }
}

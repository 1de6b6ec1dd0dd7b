package dev.voicetrack.cache.redis.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message on a two-tier cache's channel: which entries another instance changed, or a probe.
 *
 * <p>{@code tags} is left out of the JSON when empty, so the messages of the older kinds read the same
 * as before it existed (an instance that predates it still reads them; it logs a {@code tags} message
 * as an unknown kind).
 *
 * @param origin the sending instance
 * @param kind {@code keys}, {@code tag}, {@code tags}, {@code pattern}, {@code clear} or {@code probe}
 * @param keys the changed keys (kind {@code keys}, and the removed keys of kinds {@code tag} and {@code tags})
 * @param arg the tag, the pattern or the probe token
 * @param tags the tags invalidated together (kind {@code tags})
 */
public record Invalidation(
        String origin,
        String kind,
        List<String> keys,
        @Nullable String arg,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tags) {
    public Invalidation {
        keys = keys == null ? List.of() : List.copyOf(keys);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}

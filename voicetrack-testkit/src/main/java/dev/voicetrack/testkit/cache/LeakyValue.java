package dev.voicetrack.testkit.cache;

import java.util.List;
import java.util.Objects;

/**
 * A value that does NOT copy its list: whoever built it can still change it. The cache contract suite
 * uses it to check that a cache either rejects such a value or isolates itself from the caller's
 * list.
 *
 * @param name a name
 * @param items a list, stored as given (possibly mutable)
 */
public record LeakyValue(String name, List<String> items) {

    public LeakyValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(items, "items");
    }
}

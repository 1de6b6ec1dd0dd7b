package dev.voicetrack.testkit.cache;

import java.util.List;
import java.util.Objects;

/**
 * The value type of the cache contract suite: a deeply immutable record (its list is copied with
 * {@link List#copyOf}), so every isolation rule accepts it.
 *
 * @param name a name, in the suite usually derived from the key
 * @param count a number
 * @param items a list, stored as an unmodifiable copy
 */
public record TestValue(String name, long count, List<String> items) {

    public TestValue {
        Objects.requireNonNull(name, "name");
        items = List.copyOf(items);
    }

    /** A value with no items. */
    public static TestValue of(String name, long count) {
        return new TestValue(name, count, List.of());
    }

    /** A value with the given items. */
    public static TestValue of(String name, long count, String... items) {
        return new TestValue(name, count, List.of(items));
    }
}

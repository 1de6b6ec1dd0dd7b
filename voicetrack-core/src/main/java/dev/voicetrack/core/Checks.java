package dev.voicetrack.core;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/** Argument checks whose messages name the field and the rejected value, built in one place. */
final class Checks {
    private Checks() {}

    static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
        return value;
    }

    static double nonNegative(double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, was " + value);
        }
        return value;
    }

    static double positive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, was " + value);
        }
        return value;
    }

    static long snowflake(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be a snowflake id > 0, was " + value);
        }
        return value;
    }

    static Set<Long> ids(Collection<Long> ids, String name) {
        notNull(ids, name);
        var out = new LinkedHashSet<Long>();
        for (Long id : ids) {
            if (id == null) {
                throw new NullPointerException(name + " must not contain null");
            }
            snowflake(id, name + " element");
            out.add(id);
        }
        return Set.copyOf(out);
    }

    static String nonBlank(String value, String name) {
        notNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
        }
        return value;
    }
}

package dev.voicetrack.bot.internal;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Component} made at start (the JDA connection, the storage), for the components
 * started after it. Reading it before the start is a programming error. Thread safe.
 */
final class Started<T> {
    private final String what;
    private volatile @Nullable T value;

    Started(String what) {
        this.what = what;
    }

    void set(T value) {
        this.value = Objects.requireNonNull(value, what);
    }

    /** @throws IllegalStateException when the component has not started */
    T get() {
        T v = value;
        if (v == null) {
            throw new IllegalStateException(what + " is not started");
        }
        return v;
    }

    /** The value if the component has started. */
    Optional<T> ifStarted() {
        return Optional.ofNullable(value);
    }
}

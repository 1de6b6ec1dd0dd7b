package dev.voicetrack.cache.jcache.internal;

import java.util.Objects;
import java.util.function.Function;
import javax.cache.processor.MutableEntry;
import org.jspecify.annotations.Nullable;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It records what the processor
 * did; the cache applies the net effect once the processor returns (so a value set and then removed
 * in one call changes nothing), with the writer, expiry, events and statistics of that one change.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

    /** The net effect of the processor on the entry. */
    enum Op {
        NONE,
        ACCESS,
        LOAD,
        CREATE,
        UPDATE,
        REMOVE
    }

    private final K key;
    private final @Nullable V original;
    private final @Nullable Function<K, @Nullable V> loader;
    private @Nullable V value;
    private Op op = Op.NONE;

    /**
     * @param original the live value when the processor starts, or null
     * @param loader loads a missing value on {@link #getValue()} (read-through), or null
     */
    ProcessorEntry(K key, @Nullable V original, @Nullable Function<K, @Nullable V> loader) {
        this.key = key;
        this.original = original;
        this.value = original;
        this.loader = loader;
    }

    Op op() {
        return op;
    }

    boolean existed() {
        return original != null;
    }

    @Nullable
    V original() {
        return original;
    }

    @Nullable
    V value() {
        return value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public @Nullable V getValue() {
        if (op == Op.NONE) {
            if (value != null) {
                op = Op.ACCESS;
            } else if (loader != null) {
                value = loader.apply(key);
                if (value != null) {
                    op = Op.LOAD;
                }
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return value != null;
    }

    @Override
    public void remove() {
        op = op == Op.CREATE || op == Op.LOAD ? (original == null ? Op.NONE : Op.REMOVE) : Op.REMOVE;
        value = null;
    }

    @Override
    public void setValue(V newValue) {
        Objects.requireNonNull(newValue, "value");
        op = original == null ? Op.CREATE : Op.UPDATE;
        value = newValue;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a mutable entry cannot be unwrapped to " + clazz.getName());
    }
}

package dev.voicetrack.core.storage.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A hash map from {@code long} to non-null values, with open addressing and linear probing: no boxed
 * keys and no entry objects, so a lookup touches the key array and the value array only. Removal
 * shifts the following run back, so there are no tombstones. Not thread safe: {@link
 * dev.voicetrack.core.storage.InMemoryStorage} and {@link GuildModel} confine it to their locks.
 */
public final class LongObjectMap<V> {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long[] keys;
    private @Nullable Object[] values;
    private int shift;
    private int size;

    public LongObjectMap() {
        this(16);
    }

    public LongObjectMap(int expected) {
        int cap = 16;
        while (cap * 3L / 4 < expected) {
            cap <<= 1;
        }
        keys = new long[cap];
        values = new Object[cap];
        shift = 64 - Integer.numberOfTrailingZeros(cap);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private int slot(long key) {
        return (int) ((key * GOLDEN) >>> shift);
    }

    // Values are only ever put as V; the cast cannot fail.
    @SuppressWarnings("unchecked")
    private V at(int i) {
        return (V) values[i];
    }

    @Nullable
    public V get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                return null;
            }
            if (keys[i] == key) {
                return at(i);
            }
        }
    }

    /** Puts a value; returns the previous one, or null. */
    @Nullable
    public V put(long key, V value) {
        int mask = keys.length - 1;
        int i = slot(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = at(i);
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size > keys.length * 3 / 4) {
            grow();
        }
        return null;
    }

    /** Removes a key; returns its value, or null if it was absent. */
    @Nullable
    public V remove(long key) {
        int mask = keys.length - 1;
        int i = slot(key);
        for (; ; i = (i + 1) & mask) {
            if (values[i] == null) {
                return null;
            }
            if (keys[i] == key) {
                break;
            }
        }
        V old = at(i);
        // Shift back every later entry of the run whose home slot is not between the hole and it.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        size--;
        return old;
    }

    /** The values, in no particular order, as a new list (so the map may change while it is walked). */
    public List<V> values() {
        var out = new ArrayList<V>(size);
        forEachValue(out::add);
        return out;
    }

    public void forEachValue(Consumer<? super V> action) {
        Object[] vs = values;
        for (int i = 0; i < vs.length; i++) {
            if (vs[i] != null) {
                action.accept(at(i));
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        shift--;
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldValues[k] != null) {
                int i = slot(oldKeys[k]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                values[i] = oldValues[k];
            }
        }
    }

    public void clear() {
        Arrays.fill(values, null);
        size = 0;
    }
}

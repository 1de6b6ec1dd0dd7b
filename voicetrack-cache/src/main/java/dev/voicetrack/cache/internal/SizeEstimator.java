package dev.voicetrack.cache.internal;

import java.lang.invoke.MethodHandle;
import java.util.Collection;
import java.util.Map;

/**
 * Estimates the heap bytes of cached keys and values for the byte bound and the stats. It is an
 * estimate on a 64-bit JVM with compressed references (12-byte headers, 4-byte references, 8-byte
 * alignment), not a measurement: strings, boxed numbers, arrays, collections, maps and records are
 * walked; anything else counts as {@link #UNKNOWN_OBJECT_BYTES}. Walks stop at a depth of 16 and
 * after 10,000 elements, whose average size then stands for the rest.
 */
public final class SizeEstimator {

    /** The bytes charged for an object of a type the estimator does not look into. */
    public static final long UNKNOWN_OBJECT_BYTES = 64;

    /** The fixed bytes charged per cache entry: node, index entries and expiry bookkeeping. */
    public static final long ENTRY_OVERHEAD_BYTES = 160;

    private static final int MAX_DEPTH = 16;
    private static final int MAX_ELEMENTS = 10_000;

    /** {@code Class.isRecord()} is a call into the VM on every use; this asks it once per class. */
    private static final ClassValue<Boolean> IS_RECORD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.isRecord();
        }
    };

    private SizeEstimator() {}

    /** The estimated bytes of one entry: its key, its value and the per-entry overhead. */
    public static long entryBytes(String key, Object value) {
        return ENTRY_OVERHEAD_BYTES + estimate(key) + estimate(value);
    }

    /** The estimated retained bytes of {@code value}, 0 for {@code null}. */
    public static long estimate(Object value) {
        return estimate(value, 0);
    }

    private static long estimate(Object value, int depth) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            return align(24) + align(16 + s.length()); // Latin-1 compact strings; UTF-16 ones cost more
        }
        if (value instanceof Integer
                || value instanceof Float
                || value instanceof Short
                || value instanceof Byte
                || value instanceof Character
                || value instanceof Boolean) {
            return 16;
        }
        if (value instanceof Long || value instanceof Double) {
            return 24;
        }
        if (depth >= MAX_DEPTH) {
            return UNKNOWN_OBJECT_BYTES;
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            return arrayBytes(value, type.getComponentType(), depth);
        }
        if (value instanceof Collection<?> c) {
            long total = align(16 + 4L * c.size()) + 24;
            int n = 0;
            long sampled = 0;
            for (Object e : c) {
                if (n == MAX_ELEMENTS) {
                    return total + sampled / n * c.size();
                }
                sampled += estimate(e, depth + 1);
                n++;
            }
            return total + sampled;
        }
        if (value instanceof Map<?, ?> m) {
            long total = align(16 + 4L * m.size()) + 48 + 32L * m.size();
            int n = 0;
            long sampled = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (n == MAX_ELEMENTS) {
                    return total + sampled / n * m.size();
                }
                sampled += estimate(e.getKey(), depth + 1) + estimate(e.getValue(), depth + 1);
                n++;
            }
            return total + sampled;
        }
        if (IS_RECORD.get(type)) {
            RecordAccess record = RecordAccess.of(type);
            MethodHandle[] accessors = record.accessors;
            if (accessors == null) {
                return UNKNOWN_OBJECT_BYTES;
            }
            long total = align(12 + 8L * accessors.length);
            if (record.allPrimitive) {
                return total;
            }
            for (int i = 0; i < accessors.length; i++) {
                if (record.types[i].isPrimitive()) {
                    continue;
                }
                try {
                    total += estimate(accessors[i].invoke(value), depth + 1);
                } catch (Throwable t) {
                    total += UNKNOWN_OBJECT_BYTES;
                }
            }
            return total;
        }
        if (type.isEnum() || value instanceof Class<?>) {
            return 0; // shared singletons
        }
        return UNKNOWN_OBJECT_BYTES;
    }

    private static long arrayBytes(Object array, Class<?> component, int depth) {
        int length = java.lang.reflect.Array.getLength(array);
        if (component.isPrimitive()) {
            int width = component == long.class || component == double.class
                    ? 8
                    : component == int.class || component == float.class
                            ? 4
                            : component == short.class || component == char.class ? 2 : 1;
            return align(16 + (long) width * length);
        }
        Object[] objects = (Object[]) array;
        long total = align(16 + 4L * length);
        int n = Math.min(length, MAX_ELEMENTS);
        long sampled = 0;
        for (int i = 0; i < n; i++) {
            sampled += estimate(objects[i], depth + 1);
        }
        return total + (n == 0 ? 0 : sampled / n * length);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}

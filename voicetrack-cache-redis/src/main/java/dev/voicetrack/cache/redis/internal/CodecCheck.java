package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.ValueCodec;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value rule of the Redis cache: the rule every backend applies ({@code Cache}, Values), then the
 * codec's own, that a value must come back from Redis as an equal value. Thread safe.
 */
final class CodecCheck<V> {

    private final ValueCodec<V> codec;
    private final ValueIsolation<V> isolation;
    /** The classes whose values have been seen to survive the codec (see {@link #checkRoundTrip}). */
    private final Set<Class<?>> roundTrips = ConcurrentHashMap.newKeySet();

    CodecCheck(ValueCodec<V> codec, ValueIsolation<V> isolation) {
        this.codec = codec;
        this.isolation = isolation;
    }

    /**
     * Applies the isolation's check (a copying rule needs none here, the codec copies), then the
     * codec's own, once per class.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with the value
     */
    void check(String key, V value) {
        if (isolation.sharesValues()) {
            isolation.onWrite(key, value);
        }
        Class<?> type = value.getClass();
        if (!roundTrips.contains(type)) {
            checkRoundTrip(key, value);
            roundTrips.add(type);
        }
    }

    /** Checks a value ({@link #check}) and encodes it. */
    byte[] encode(String key, V value) {
        check(key, value);
        return codec.encode(value);
    }

    /**
     * Checks, once per class, that the codec reads a value back as an equal one: by {@code equals} for
     * classes that define it (records, value types), else by writing the copy again and comparing the
     * bytes. A value that would come back as something else (a {@code LinkedHashMap}, a base class, a
     * thread's description) is refused instead of being stored.
     */
    private void checkRoundTrip(String key, V value) {
        Class<?> type = value.getClass();
        byte[] bytes = codec.encode(value);
        V back;
        try {
            back = codec.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "value for key '" + key + "' of " + type.getName() + " cannot be stored in Redis: " + codec
                            + " cannot read back what it writes for it (" + e.getMessage() + ")",
                    e);
        }
        boolean same;
        try {
            same = definesEquals(type) ? value.equals(back) : Arrays.equals(bytes, codec.encode(back));
        } catch (RuntimeException e) {
            same = false;
        }
        if (!same) {
            throw new IllegalArgumentException(
                    "value for key '" + key + "' of " + type.getName() + " cannot be stored in Redis: " + codec
                            + " reads it back as a different value ("
                            + (back == null ? "null" : "a " + back.getClass().getName())
                            + "); use a type that the codec writes completely (a record of plain values)");
        }
    }

    private static boolean definesEquals(Class<?> type) {
        try {
            return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}

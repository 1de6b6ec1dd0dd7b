package dev.voicetrack.cache.redis;

/**
 * Turns values into bytes for Redis and back. Implementations must be thread safe, and {@code
 * decode(encode(v))} must equal {@code v}. {@link JacksonCodec} is the JSON one.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

    /**
     * Encodes a value.
     *
     * @throws IllegalArgumentException if the value cannot be encoded
     */
    byte[] encode(V value);

    /**
     * Decodes bytes written by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are not a value of this codec
     */
    V decode(byte[] bytes);

    /** A deep copy of a value, made by encoding and decoding it. */
    default V copy(V value) {
        return decode(encode(value));
    }
}

package dev.voicetrack.cache.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link ValueCodec} writing values as JSON with Jackson. Records, {@code java.util} collections and
 * plain beans work with the default mapper; pass a configured {@link ObjectMapper} (for example with
 * the {@code java.time} module) for other types. Thread safe.
 *
 * @param <V> the value type
 */
public final class JacksonCodec<V> implements ValueCodec<V> {

    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    private final ObjectMapper mapper;
    private final JavaType type;

    private JacksonCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    /** A codec for {@code type} with a default {@link ObjectMapper}. */
    public static <V> JacksonCodec<V> of(Class<V> type) {
        return of(DEFAULT_MAPPER, type);
    }

    /** A codec for {@code type} with the given mapper. */
    public static <V> JacksonCodec<V> of(ObjectMapper mapper, Class<V> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JacksonCodec<>(mapper, mapper.constructType(type));
    }

    /** A codec for a generic type, such as {@code new TypeReference<List<Long>>() {}}. */
    public static <V> JacksonCodec<V> of(ObjectMapper mapper, TypeReference<V> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JacksonCodec<>(mapper, mapper.constructType(type));
    }

    @Override
    public byte[] encode(V value) {
        Objects.requireNonNull(value, "value");
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "value of " + value.getClass().getName() + " cannot be written as JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    @Override
    public V decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("bytes are not JSON of " + type + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JacksonCodec[" + type + "]";
    }
}

package dev.voicetrack.cache.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * A {@link ValueCodec} writing values as JSON with Jackson. Records, {@code java.util} collections and
 * plain beans work with the default mapper; pass a configured {@link ObjectMapper} (for example with
 * the {@code java.time} module) for other types. Thread safe.
 *
 * <p>JSON carries no class names, so a value reads back as the codec's type, whatever it was written
 * as. The codec therefore refuses, with an {@link IllegalArgumentException} naming the type:
 *
 * <ul>
 *   <li>at construction, a type that JSON cannot read back: {@code Object}, an interface or an
 *       abstract class (also as the element, key or value type of a collection, map or array), unless
 *       Jackson is told how to record the concrete class ({@code @JsonTypeInfo}, or default typing on
 *       the mapper); {@code of(Object.class)} would otherwise read every object back as a {@code
 *       LinkedHashMap};
 *   <li>at {@link #encode}, a value of another class than the codec's type (a subclass), which would
 *       read back as the codec's type.
 * </ul>
 *
 * A Redis cache also checks, once per class, that a value reads back equal to itself.
 *
 * @param <V> the value type
 */
public final class JacksonCodec<V> implements ValueCodec<V> {

    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    private final ObjectMapper mapper;
    private final JavaType type;
    private final boolean polymorphic;

    private JacksonCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
        this.polymorphic = hasTypeInfo(mapper, type);
        String problem = unreadable(mapper, type);
        if (problem != null) {
            throw new IllegalArgumentException("JacksonCodec cannot read back values of " + type.toCanonical() + ": "
                    + problem + " JSON does not record which class a value was, so it would be read back as"
                    + " a different object; use a concrete type (a record, a final class), or annotate the"
                    + " type with @JsonTypeInfo");
        }
    }

    /** Why values of {@code t} cannot be read back from JSON, or null if they can. */
    private static String unreadable(ObjectMapper mapper, JavaType t) {
        if (hasTypeInfo(mapper, t)) {
            return null;
        }
        if (t.isContainerType()) {
            String problem = t.getContentType() == null ? null : unreadable(mapper, t.getContentType());
            if (problem == null && t.isMapLikeType() && t.getKeyType() != null) {
                problem = unreadable(mapper, t.getKeyType());
            }
            return problem;
        }
        Class<?> raw = t.getRawClass();
        if (raw == Object.class) {
            return "java.lang.Object says nothing about what to build (objects would come back as maps).";
        }
        if (raw.isPrimitive() || raw.isEnum() || !(raw.isInterface() || Modifier.isAbstract(raw.getModifiers()))) {
            return null;
        }
        // An abstract type is readable only if something (a module, a built-in) knows what to build.
        String what = raw.getName() + " is " + (raw.isInterface() ? "an interface" : "abstract") + ".";
        try {
            DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                    .createDummyInstance(mapper.getDeserializationConfig());
            return context.findRootValueDeserializer(t) instanceof AbstractDeserializer ? what : null;
        } catch (JsonMappingException | RuntimeException e) {
            return what;
        }
    }

    /** Whether Jackson writes the concrete class of values of {@code t} (@JsonTypeInfo or default typing). */
    private static boolean hasTypeInfo(ObjectMapper mapper, JavaType t) {
        try {
            return mapper.getDeserializationContext()
                            .getFactory()
                            .findTypeDeserializer(mapper.getDeserializationConfig(), t)
                    != null;
        } catch (JsonMappingException e) {
            return false;
        }
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
        Class<?> actual = value.getClass();
        Class<?> raw = type.getRawClass();
        if (actual != raw
                && !polymorphic
                && !type.isContainerType()
                && !raw.isPrimitive()
                && !raw.isInterface()
                && !Modifier.isAbstract(raw.getModifiers())
                && !(raw.isEnum() && actual.getSuperclass() == raw)) {
            throw new IllegalArgumentException("value of " + actual.getName() + " cannot be written by the codec of "
                    + type.toCanonical() + ": it would be read back as " + raw.getName()
                    + "; use a codec of " + actual.getName() + " or annotate " + raw.getName() + " with @JsonTypeInfo");
        }
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

package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.redis.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * The codec of auto-configured Redis caches: Java serialization, since a Spring cache holds values of
 * any type (and Spring's null marker). Values must be {@code Serializable}; replace the {@code
 * CacheManager} bean to use another codec.
 */
final class JavaSerializationCodec implements ValueCodec<Object> {

    @Override
    public byte[] encode(Object value) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "value must be Serializable to be cached in Redis, was "
                            + value.getClass().getName(),
                    e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes) {
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("bytes are not a serialized value: " + e, e);
        }
    }
}

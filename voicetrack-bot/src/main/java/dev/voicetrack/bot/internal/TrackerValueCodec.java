package dev.voicetrack.bot.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.cache.redis.ValueCodec;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Encodes what the tracker caches (member stats, leaderboard pages, ranks, activity: immutable
 * records of {@code dev.voicetrack.core}) as JSON for Redis: {@code {"t": class, "v": value}}. Only
 * records under {@code dev.voicetrack.core.} are decoded, so bytes in Redis can never name another
 * class. Instants and dates are ISO strings, with their milliseconds. Thread safe.
 */
public final class TrackerValueCodec implements ValueCodec<Object> {
    private static final String ALLOWED_PREFIX = "dev.voicetrack.core.";
    private final ObjectMapper mapper;

    public TrackerValueCodec() {
        SimpleModule time = new SimpleModule("voicetrack-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        time.addSerializer(LocalDate.class, new JsonSerializer<>() {
            @Override
            public void serialize(LocalDate value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeString(value.toString());
            }
        });
        time.addDeserializer(LocalDate.class, new JsonDeserializer<>() {
            @Override
            public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return LocalDate.parse(p.getValueAsString());
            }
        });
        this.mapper = new ObjectMapper().registerModule(time);
    }

    @Override
    public byte[] encode(Object value) {
        Class<?> type = value.getClass();
        if (!type.isRecord() || !type.getName().startsWith(ALLOWED_PREFIX)) {
            throw new IllegalArgumentException(
                    "only records of " + ALLOWED_PREFIX + " can be cached in Redis, was " + type.getName());
        }
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("t", type.getName());
        envelope.set("v", mapper.valueToTree(value));
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Object decode(byte[] bytes) {
        try {
            JsonNode envelope = mapper.readTree(bytes);
            String name = envelope.path("t").asText("");
            if (!name.startsWith(ALLOWED_PREFIX)) {
                throw new IllegalArgumentException("refusing to decode a value of type '" + name + "'");
            }
            Class<?> type = Class.forName(name, false, TrackerValueCodec.class.getClassLoader());
            if (!type.isRecord()) {
                throw new IllegalArgumentException("refusing to decode a value of type '" + name + "'");
            }
            return mapper.treeToValue(envelope.get("v"), type);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot decode a cached value: " + e.getMessage(), e);
        }
    }
}

package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.redis.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Writes a {@link Stored} entry for Redis: its expiry instant, its tags and the serialized value, in
 * that order. Only store-by-value entries go to Redis, so the payload is always a serialized copy.
 */
final class StoredCodec implements ValueCodec<Stored> {

    static final StoredCodec INSTANCE = new StoredCodec();

    private static final int VERSION = 1;

    @Override
    public byte[] encode(Stored value) {
        if (!(value.payload() instanceof Copier.Serialized serialized)) {
            throw new IllegalArgumentException("a Redis entry must hold a serialized value, was "
                    + value.payload().getClass().getName());
        }
        var bytes = new ByteArrayOutputStream(serialized.bytes.length + 32);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(value.expiresAt());
            out.writeInt(value.tags().size());
            for (String tag : value.tags()) {
                out.writeUTF(tag);
            }
            out.writeInt(serialized.bytes.length);
            out.write(serialized.bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("entry could not be written: " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Stored decode(byte[] bytes) {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("entry format must be " + VERSION + ", was " + version);
            }
            long expiresAt = in.readLong();
            int tagCount = in.readInt();
            Set<String> tags = new LinkedHashSet<>();
            for (int i = 0; i < tagCount; i++) {
                tags.add(in.readUTF());
            }
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return new Stored(new Copier.Serialized(payload), expiresAt, Set.copyOf(tags));
        } catch (IOException e) {
            throw new IllegalArgumentException("bytes are not a JCache entry: " + e, e);
        }
    }
}

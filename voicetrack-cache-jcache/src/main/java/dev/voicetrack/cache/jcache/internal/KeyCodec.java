package dev.voicetrack.cache.jcache.internal;

import java.io.Serializable;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps JCache keys to the string keys of the VoiceTrack cache and back.
 *
 * <ul>
 *   <li>A string key is kept as it is, so glob patterns and {@code keys(...)} on the unwrapped cache
 *       read naturally ({@code user:42}); only a string that is empty or starts with {@value #MARK}
 *       is escaped.
 *   <li>A serializable key is kept as {@value #MARK}{@code j} and the Base64 of its serialized form,
 *       so equal keys of the usual key types (numbers, records, enums) meet on one entry and the key
 *       reads back for iteration and events.
 *   <li>A key that is not serializable is only accepted when the cache stores by reference: it gets a
 *       number ({@value #MARK}{@code r1}, ...) from a registry of such keys, which keeps every such key
 *       it has seen for the life of the cache.
 * </ul>
 */
final class KeyCodec {

    static final char MARK = '~';
    private static final String STRING = MARK + "s";
    private static final String SERIALIZED = MARK + "j";
    private static final String REFERENCE = MARK + "r";

    private final ClassLoader classLoader;
    private final boolean byReference;
    private final ConcurrentMap<Object, String> ids = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> keysById = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    KeyCodec(ClassLoader classLoader, boolean byReference) {
        this.classLoader = classLoader;
        this.byReference = byReference;
    }

    String encode(Object key) {
        if (key instanceof String s) {
            return s.isEmpty() || s.charAt(0) == MARK ? STRING + s : s;
        }
        if (byReference && !(key instanceof Serializable)) {
            return ids.computeIfAbsent(key, k -> {
                String id = REFERENCE + nextId.incrementAndGet();
                keysById.put(id, k);
                return id;
            });
        }
        return SERIALIZED + Base64.getEncoder().encodeToString(Copier.serialize(key, "key"));
    }

    Object decode(String stored) {
        if (stored.startsWith(SERIALIZED)) {
            return Copier.deserialize(Base64.getDecoder().decode(stored.substring(SERIALIZED.length())), classLoader);
        }
        if (stored.startsWith(REFERENCE)) {
            return keysById.get(stored);
        }
        return stored.startsWith(STRING) ? stored.substring(STRING.length()) : stored;
    }
}

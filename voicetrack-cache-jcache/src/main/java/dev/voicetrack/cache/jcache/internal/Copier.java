package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.ValueIsolation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * Turns keys and values into what the cache keeps and back: store-by-value keeps a serialized copy,
 * so nothing a caller does to an object it passed in or got back reaches the cache; store-by-reference
 * keeps the object itself.
 */
abstract class Copier {

    /** What the cache keeps for {@code value}. */
    abstract Object toStored(Object value, String what);

    /** The caller's view of what the cache keeps. */
    abstract Object fromStored(Object stored);

    static Copier byReference() {
        return ByReference.INSTANCE;
    }

    /**
     * Store-by-value. With {@code shareImmutable}, a value the VoiceTrack cache's immutability rule
     * finds deeply immutable (strings, boxed primitives, {@code java.time} values, unmodifiable
     * collections and records of these, ...) is kept as it is: no caller can change it, so handing out
     * the object itself is as good as a copy, and a read costs no deserialization (Caffeine's JCache
     * does the same for the JDK's immutable types). A Redis cache keeps bytes, so it never shares.
     */
    static Copier byValue(ClassLoader classLoader, boolean shareImmutable) {
        return new ByValue(classLoader, shareImmutable);
    }

    /** The serialized form of a key or value; rejects what cannot be serialized, naming it. */
    static byte[] serialize(Object value, String what) {
        if (!(value instanceof Serializable)) {
            throw new IllegalArgumentException(what + " must be Serializable to be stored by value, was "
                    + value.getClass().getName());
        }
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    what + " could not be serialized (" + value.getClass().getName() + "): " + e, e);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] bytes, ClassLoader classLoader) {
        try (var in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new CacheException("a stored value could not be read back: " + e, e);
        }
    }

    private static final class ByReference extends Copier {
        static final ByReference INSTANCE = new ByReference();

        @Override
        Object toStored(Object value, String what) {
            return value;
        }

        @Override
        Object fromStored(Object stored) {
            return stored;
        }
    }

    private static final class ByValue extends Copier {
        private final ClassLoader classLoader;
        private final boolean shareImmutable;
        private final ValueIsolation<Object> immutable = ValueIsolation.immutable();
        // classes a value of which was found mutable once: copied from then on without asking again
        private final Set<Class<?>> copied = ConcurrentHashMap.newKeySet();

        ByValue(ClassLoader classLoader, boolean shareImmutable) {
            this.classLoader = classLoader;
            this.shareImmutable = shareImmutable;
        }

        @Override
        Object toStored(Object value, String what) {
            if (shareImmutable && value instanceof Serializable && !copied.contains(value.getClass())) {
                try {
                    return immutable.onWrite(what, value);
                } catch (IllegalArgumentException mutable) {
                    copied.add(value.getClass());
                }
            }
            return new Serialized(serialize(value, what));
        }

        @Override
        Object fromStored(Object stored) {
            return stored instanceof Serialized s ? deserialize(s.bytes, classLoader) : stored;
        }
    }

    /** A serialized copy; the array is never handed out. Equal when the bytes are. */
    static final class Serialized {
        final byte[] bytes;

        Serialized(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Serialized other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** Resolves classes through the cache manager's class loader first. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader classLoader;

        LoaderObjectInputStream(InputStream in, ClassLoader classLoader) throws IOException {
            super(in);
            this.classLoader = classLoader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, classLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}

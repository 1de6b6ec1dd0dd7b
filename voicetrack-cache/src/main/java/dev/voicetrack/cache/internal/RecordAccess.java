package dev.voicetrack.cache.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import org.jspecify.annotations.Nullable;

/**
 * The components of a record class, looked up once per class: {@code Class.getRecordComponents()}
 * copies its array and builds reflection objects on every call, which cost more than the rest of a
 * cache write together.
 */
final class RecordAccess {

    private static final ClassValue<RecordAccess> CACHE = new ClassValue<>() {
        @Override
        protected RecordAccess computeValue(Class<?> type) {
            return new RecordAccess(type);
        }
    };

    final String[] names;
    final Class<?>[] types;

    /** Whether every component is primitive, so the record's size and immutability never vary. */
    final boolean allPrimitive;

    /** The accessors, or {@code null} if the record's accessors cannot be called from here. */
    final MethodHandle @Nullable [] accessors;

    private RecordAccess(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        names = new String[components.length];
        types = new Class<?>[components.length];
        MethodHandle[] handles = new MethodHandle[components.length];
        boolean accessible = true;
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            types[i] = components[i].getType();
            try {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                handles[i] = MethodHandles.lookup().unreflect(accessor);
            } catch (ReflectiveOperationException | RuntimeException e) {
                accessible = false;
            }
        }
        accessors = accessible ? handles : null;
        boolean primitive = true;
        for (Class<?> t : types) {
            primitive &= t.isPrimitive();
        }
        allPrimitive = primitive;
    }

    /** The cached components of {@code recordType}, which must be a record class. */
    static RecordAccess of(Class<?> recordType) {
        return CACHE.get(recordType);
    }
}

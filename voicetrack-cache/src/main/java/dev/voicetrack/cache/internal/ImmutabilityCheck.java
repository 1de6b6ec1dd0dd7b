package dev.voicetrack.cache.internal;

import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a value is deeply immutable, for the immutable isolation rule.
 *
 * <p>Verdicts are cached per class: a class is either always immutable (final value types, records
 * whose component types are all always immutable), never immutable, or needs its contents looked at
 * (the JDK's unmodifiable collections, {@code Optional}, records with a component of an interface
 * type such as {@code List}). Only the last kind costs a walk on each write; reads never pay.
 */
public final class ImmutabilityCheck {

    private enum Verdict {
        ALWAYS,
        NEVER,
        INSPECT
    }

    private static final Set<Class<?>> VALUE_TYPES = Set.of(
            String.class,
            Boolean.class,
            Character.class,
            Byte.class,
            Short.class,
            Integer.class,
            Long.class,
            Float.class,
            Double.class,
            BigInteger.class,
            BigDecimal.class,
            UUID.class,
            OptionalInt.class,
            OptionalLong.class,
            OptionalDouble.class,
            Class.class);

    // The classes behind List.of, Set.of, Map.of, List.copyOf, Stream.toList and friends.
    private static final Set<Class<?>> UNMODIFIABLE_COLLECTIONS = Set.copyOf(List.of(
            List.of().getClass(),
            List.of(1).getClass(),
            List.of(1, 2, 3).getClass(),
            List.of(1, 2, 3).subList(0, 1).getClass(),
            Set.of().getClass(),
            Set.of(1).getClass(),
            Set.of(1, 2, 3).getClass(),
            Map.of().getClass(),
            Map.of(1, 1).getClass(),
            Map.of(1, 1, 2, 2).getClass(),
            java.util.stream.Stream.of(1, 2).toList().getClass(),
            java.util.Collections.emptyList().getClass(),
            java.util.Collections.emptySet().getClass(),
            java.util.Collections.emptyMap().getClass()));

    private static final ConcurrentHashMap<Class<?>, Verdict> VERDICTS = new ConcurrentHashMap<>();

    private ImmutabilityCheck() {}

    /**
     * Throws unless {@code value} is deeply immutable.
     *
     * @throws IllegalArgumentException naming the key, the path inside the value and the mutable type
     */
    public static void require(String key, Object value, Set<Class<?>> trusted) {
        String problem = check(value, "value", trusted, 0);
        if (problem != null) {
            throw new IllegalArgumentException("value for key '" + key + "' is not immutable: " + problem
                    + "; store an immutable copy (List.copyOf, Map.copyOf, a record) or build the cache"
                    + " with ValueIsolation.copying(...) or ValueIsolation.immutable().trusting(...)");
        }
    }

    private static String check(Object value, String path, Set<Class<?>> trusted, int depth) {
        if (value == null) {
            return null;
        }
        if (depth > 64) {
            return path + " nests deeper than 64 levels";
        }
        Class<?> type = value.getClass();
        if (trusted.contains(type)) {
            return null;
        }
        Verdict known = VERDICTS.get(type);
        Verdict verdict = known != null ? known : verdict(type, new java.util.HashSet<>());
        switch (verdict) {
            case ALWAYS:
                return null;
            case NEVER:
                return path + " is a " + type.getName() + ", which is mutable";
            default:
                break;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String p = check(e.getKey(), path + ".key", trusted, depth + 1);
                if (p == null) {
                    p = check(e.getValue(), path + "[" + e.getKey() + "]", trusted, depth + 1);
                }
                if (p != null) {
                    return p;
                }
            }
            return null;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                String p = check(element, path + "[" + i++ + "]", trusted, depth + 1);
                if (p != null) {
                    return p;
                }
            }
            return null;
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? check(optional.get(), path + ".get()", trusted, depth + 1) : null;
        }
        if (type.isRecord()) {
            RecordAccess record = RecordAccess.of(type);
            MethodHandle[] accessors = record.accessors;
            if (accessors == null) {
                return path + " is a record (" + type.getName() + ") whose components cannot be read;"
                        + " make it public or trust it";
            }
            for (int i = 0; i < accessors.length; i++) {
                if (record.types[i].isPrimitive()) {
                    continue;
                }
                Object component;
                try {
                    component = accessors[i].invoke(value);
                } catch (Throwable t) {
                    return path + "." + record.names[i] + " could not be read: " + t;
                }
                String p = check(component, path + "." + record.names[i], trusted, depth + 1);
                if (p != null) {
                    return p;
                }
            }
            return null;
        }
        return path + " is a " + type.getName() + ", which is mutable";
    }

    /**
     * The cached verdict for a class. Computed outside the map (classifying a record classifies its
     * component types, and a nested computeIfAbsent on the same map is not allowed); two threads may
     * compute the same verdict, which is harmless.
     */
    private static Verdict verdict(Class<?> type, Set<Class<?>> visiting) {
        Verdict known = VERDICTS.get(type);
        if (known != null) {
            return known;
        }
        if (!visiting.add(type)) {
            return Verdict.INSPECT; // a record type that contains itself: look at the values
        }
        Verdict computed = classify(type, visiting);
        visiting.remove(type);
        Verdict raced = VERDICTS.putIfAbsent(type, computed);
        return raced != null ? raced : computed;
    }

    private static Verdict classify(Class<?> type, Set<Class<?>> visiting) {
        if (VALUE_TYPES.contains(type) || type.isEnum() || isEnumConstantBody(type) || isJavaTimeValue(type)) {
            return Verdict.ALWAYS;
        }
        if (UNMODIFIABLE_COLLECTIONS.contains(type) || type == Optional.class) {
            return Verdict.INSPECT;
        }
        if (type.isRecord()) {
            boolean allAlways = true;
            for (Class<?> ct : RecordAccess.of(type).types) {
                if (ct.isPrimitive()) {
                    continue;
                }
                if (!java.lang.reflect.Modifier.isFinal(ct.getModifiers()) || ct.isArray()) {
                    allAlways = false; // an interface or open type: look at the actual value
                    continue;
                }
                Verdict v = verdict(ct, visiting);
                if (v == Verdict.NEVER) {
                    return Verdict.NEVER;
                }
                allAlways &= v == Verdict.ALWAYS;
            }
            return allAlways ? Verdict.ALWAYS : Verdict.INSPECT;
        }
        return Verdict.NEVER;
    }

    private static boolean isEnumConstantBody(Class<?> type) {
        Class<?> superclass = type.getSuperclass();
        return superclass != null && superclass.isEnum();
    }

    private static boolean isJavaTimeValue(Class<?> type) {
        // java.time's value classes are final and immutable; Clock and the formatters are not values.
        return type.getPackageName().equals("java.time")
                && java.lang.reflect.Modifier.isFinal(type.getModifiers())
                && !java.time.Clock.class.isAssignableFrom(type);
    }
}

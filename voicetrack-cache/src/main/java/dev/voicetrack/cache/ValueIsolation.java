package dev.voicetrack.cache;

import dev.voicetrack.cache.internal.ImmutabilityCheck;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Which values a cache accepts, and how it keeps callers from changing what it holds through an
 * object they passed in or got back. The rule is the same on every backend ({@link Cache}, Values):
 * {@code InProcessCache.create}, {@code RedisCache.create} and {@code TwoTierCache.create} all take
 * one and accept or reject the same values with it. Two rules are offered:
 *
 * <ul>
 *   <li>{@link #immutable()} (the default): values are stored and returned as they are, so reads cost
 *       nothing extra, and every write checks that the value is deeply immutable: strings, boxed
 *       primitives, {@code BigInteger}/{@code BigDecimal}, enums, {@code java.time} values, {@code
 *       UUID}, {@code Optional}, the JDK's unmodifiable collections ({@code List.of}, {@code
 *       List.copyOf}, {@code Map.of}, {@code Set.of}, ...) and records whose components are all of
 *       these, checked on the actual component values. A mutable value ({@code ArrayList}, an array,
 *       {@code Date}, a record holding a {@code HashMap}, an arbitrary class) is rejected with an
 *       {@link IllegalArgumentException} naming the key, the path and the type. Classes that are
 *       immutable but not recognised can be declared with {@link #trusting}.
 *   <li>{@link #copying(UnaryOperator)}: values are copied with the given function when written and
 *       again when read, for value types that are mutable. A Redis backend accepts the same values and
 *       copies them through its codec instead.
 * </ul>
 *
 * @param <V> the value type
 */
public final class ValueIsolation<V> {

    private final UnaryOperator<V> copier;
    private final Set<Class<?>> trusted;
    private final boolean checkImmutable;

    private ValueIsolation(UnaryOperator<V> copier, Set<Class<?>> trusted, boolean checkImmutable) {
        this.copier = copier;
        this.trusted = trusted;
        this.checkImmutable = checkImmutable;
    }

    /** Values are stored as they are and must be deeply immutable; checked on every write. */
    public static <V> ValueIsolation<V> immutable() {
        return new ValueIsolation<>(UnaryOperator.identity(), Set.of(), true);
    }

    /** Values are copied on every write and every read with {@code copier}, which must deep-copy. */
    public static <V> ValueIsolation<V> copying(UnaryOperator<V> copier) {
        Objects.requireNonNull(copier, "copier");
        return new ValueIsolation<>(copier, Set.of(), false);
    }

    /**
     * This immutable rule, also accepting instances of the given classes (exactly those classes, not
     * subclasses) as immutable without looking inside them.
     *
     * @throws IllegalStateException if this is a copying rule
     */
    public ValueIsolation<V> trusting(Class<?>... immutableClasses) {
        if (!checkImmutable) {
            throw new IllegalStateException("trusting(...) applies to the immutable rule, not to copying");
        }
        var all = new java.util.HashSet<>(trusted);
        for (Class<?> c : immutableClasses) {
            all.add(Objects.requireNonNull(c, "immutableClasses element"));
        }
        return new ValueIsolation<>(copier, Set.copyOf(all), true);
    }

    /**
     * Prepares a value for storage: checks it (immutable rule) or copies it (copying rule).
     *
     * @throws IllegalArgumentException if the immutable rule finds a mutable part
     */
    public V onWrite(String key, V value) {
        if (checkImmutable) {
            ImmutabilityCheck.require(key, value, trusted);
            return value;
        }
        return Objects.requireNonNull(copier.apply(value), "copier returned null");
    }

    /** Prepares a stored value for a caller: the value itself (immutable rule) or a copy. */
    public V onRead(V value) {
        return checkImmutable ? value : copier.apply(value);
    }

    /** Whether reads return the stored object itself (the immutable rule). */
    public boolean sharesValues() {
        return checkImmutable;
    }
}

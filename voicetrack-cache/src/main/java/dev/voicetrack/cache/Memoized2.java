package dev.voicetrack.cache;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A function of two arguments whose results are cached; see {@link Memoized} for the key rules,
 * which apply to both arguments. The result for {@code (a, b)} is stored under {@link
 * CacheKeys#key CacheKeys.key(prefix, a, b)}, so {@link #invalidateAll(Object) invalidateAll(a)}
 * (pattern {@code prefix:a:*}) removes every result whose first argument is {@code a} — for example
 * every cached page of one user's history — and nothing else.
 *
 * <p>Instances are immutable and thread safe when the cache and the function are.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <V> the result type
 */
public final class Memoized2<A, B, V> {

    private final Cache<V> cache;
    private final String prefix;
    private final WriteOptions options;
    private final @Nullable BiFunction<? super A, ? super B, ? extends Collection<String>> tags;
    private final MemoFunction2<A, B, V> function;

    private Memoized2(
            Cache<V> cache,
            String prefix,
            WriteOptions options,
            @Nullable BiFunction<? super A, ? super B, ? extends Collection<String>> tags,
            MemoFunction2<A, B, V> function) {
        this.cache = cache;
        this.prefix = prefix;
        this.options = options;
        this.tags = tags;
        this.function = function;
    }

    /**
     * Memoizes {@code function} in {@code cache} under {@code prefix}, writing with {@code options}.
     *
     * @throws IllegalArgumentException if the prefix is blank or contains {@code ':'}, {@code '%'} or
     *     a glob metacharacter, or the options name a tier the cache does not have
     */
    public static <A, B, V> Memoized2<A, B, V> of(
            Cache<V> cache, String prefix, WriteOptions options, MemoFunction2<A, B, V> function) {
        Objects.requireNonNull(cache, "cache must not be null");
        Objects.requireNonNull(function, "function must not be null");
        return new Memoized2<>(
                cache, MemoPrefix.check(prefix), MemoPrefix.checkOptions(cache, options), null, function);
    }

    /**
     * Like {@link #of(Cache, String, WriteOptions, MemoFunction2)}, also tagging each entry with the
     * tags {@code tags} returns for its arguments.
     *
     * @throws IllegalArgumentException as {@link #of(Cache, String, WriteOptions, MemoFunction2)} does
     */
    public static <A, B, V> Memoized2<A, B, V> of(
            Cache<V> cache,
            String prefix,
            WriteOptions options,
            BiFunction<? super A, ? super B, ? extends Collection<String>> tags,
            MemoFunction2<A, B, V> function) {
        Objects.requireNonNull(cache, "cache must not be null");
        Objects.requireNonNull(tags, "tags must not be null");
        Objects.requireNonNull(function, "function must not be null");
        return new Memoized2<>(
                cache, MemoPrefix.check(prefix), MemoPrefix.checkOptions(cache, options), tags, function);
    }

    /**
     * Returns the cached result for {@code (a, b)}, or computes it once, stores it and returns it.
     *
     * @throws CacheLoadException if the function threw a checked exception (the cause); unchecked
     *     exceptions reach the caller as they are. Nothing is cached when the function throws.
     * @throws NullPointerException if an argument is null or the function returned null
     * @throws IllegalArgumentException if the tag function returned a blank tag, or the cache rejects
     *     the value (see its isolation rule)
     */
    public V get(A a, B b) {
        String key = key(a, b);
        return cache.remember(
                key,
                optionsFor(a, b),
                () -> Objects.requireNonNull(
                        function.apply(a, b), () -> "memoized function '" + prefix + "' returned null for " + key));
    }

    /** The cached result for {@code (a, b)}, if there is one; never runs the function. */
    public Optional<V> getIfPresent(A a, B b) {
        return cache.get(key(a, b));
    }

    /** The exact key under which the result for {@code (a, b)} is cached. */
    public String key(A a, B b) {
        Objects.requireNonNull(a, "first argument must not be null");
        Objects.requireNonNull(b, "second argument must not be null");
        return CacheKeys.key(prefix, a, b);
    }

    /** The pattern {@code prefix:*}, matching every key this function writes and no other. */
    public String pattern() {
        return CacheKeys.prefixPattern(prefix);
    }

    /** The pattern {@code prefix:a:*}, matching every key this function writes for first argument a. */
    public String pattern(A a) {
        Objects.requireNonNull(a, "first argument must not be null");
        return CacheKeys.prefixPattern(prefix, a);
    }

    /** Removes the cached result for {@code (a, b)} (exactly one key); returns whether there was one. */
    public boolean invalidate(A a, B b) {
        return cache.delete(key(a, b));
    }

    /** Removes every cached result whose first argument is {@code a}; returns how many were removed. */
    public long invalidateAll(A a) {
        return cache.invalidateByPattern(pattern(a));
    }

    /** Removes every cached result of this function; returns how many were removed. */
    public long invalidateAll() {
        return cache.invalidateByPattern(pattern());
    }

    /** The key prefix. */
    public String prefix() {
        return prefix;
    }

    /** The cache the results are stored in. */
    public Cache<V> cache() {
        return cache;
    }

    private WriteOptions optionsFor(A a, B b) {
        if (tags == null) {
            return options;
        }
        Collection<String> t = Objects.requireNonNull(tags.apply(a, b), "tag function returned null");
        return options.withTags(t);
    }

    @Override
    public String toString() {
        return "Memoized2[prefix=" + prefix + ", options=" + options + ", cache=" + cache.name() + "]";
    }
}

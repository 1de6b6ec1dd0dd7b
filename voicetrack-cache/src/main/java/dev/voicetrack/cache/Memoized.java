package dev.voicetrack.cache;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A function of one argument whose results are cached: the Java counterpart of the original's
 * {@code @cached(ttl, key_prefix)} decorator, together with the invalidations that
 * {@code @cache_invalidate} performed, built so that they always agree.
 *
 * <h2>Keys</h2>
 *
 * The result for argument {@code a} is stored under {@link #key key(a)}, which is {@link
 * CacheKeys#key CacheKeys.key(prefix, a)}: the prefix, {@code ':'}, and the argument's {@code
 * toString()} with {@code ':'}, {@code '%'} and the glob metacharacters percent-encoded. The argument
 * therefore can never add a key part or a wildcard, and {@link #invalidate} and {@link
 * #invalidateAll} select exactly the keys that {@link #get} writes. Arguments are never hashed into
 * short keys, so two arguments share a key only if their {@code toString()} is equal: use argument
 * types whose {@code toString()} identifies the value (strings, numbers, {@code UUID}s, enums,
 * records of those). Give every memoized function its own prefix, and write no other keys under it.
 *
 * <h2>Loading</h2>
 *
 * {@link #get} goes through {@link Cache#remember}, so concurrent misses on one argument run the
 * function once, misses on different arguments never wait for each other, and a result computed
 * while its key was invalidated is returned to its callers but not stored.
 *
 * <p>Instances are immutable and thread safe when the cache and the function are.
 *
 * @param <A> the argument type
 * @param <V> the result type
 */
public final class Memoized<A, V> {

    private final Cache<V> cache;
    private final String prefix;
    private final WriteOptions options;
    private final @Nullable Function<? super A, ? extends Collection<String>> tags;
    private final MemoFunction<A, V> function;

    private Memoized(
            Cache<V> cache,
            String prefix,
            WriteOptions options,
            @Nullable Function<? super A, ? extends Collection<String>> tags,
            MemoFunction<A, V> function) {
        this.cache = cache;
        this.prefix = prefix;
        this.options = options;
        this.tags = tags;
        this.function = function;
    }

    /**
     * Memoizes {@code function} in {@code cache} under {@code prefix}, writing with {@code options}
     * (a TTL or tier, and tags every entry carries).
     *
     * @throws IllegalArgumentException if the prefix is blank or contains {@code ':'}, {@code '%'} or
     *     a glob metacharacter, or the options name a tier the cache does not have
     */
    public static <A, V> Memoized<A, V> of(
            Cache<V> cache, String prefix, WriteOptions options, MemoFunction<A, V> function) {
        Objects.requireNonNull(cache, "cache must not be null");
        Objects.requireNonNull(function, "function must not be null");
        return new Memoized<>(cache, MemoPrefix.check(prefix), MemoPrefix.checkOptions(cache, options), null, function);
    }

    /**
     * Like {@link #of(Cache, String, WriteOptions, MemoFunction)}, also tagging each entry with the
     * tags {@code tags} returns for its argument (for example {@code "user:" + id}), so that {@link
     * Cache#invalidateByTag} can remove it together with other entries about the same thing.
     *
     * @throws IllegalArgumentException as {@link #of(Cache, String, WriteOptions, MemoFunction)} does
     */
    public static <A, V> Memoized<A, V> of(
            Cache<V> cache,
            String prefix,
            WriteOptions options,
            Function<? super A, ? extends Collection<String>> tags,
            MemoFunction<A, V> function) {
        Objects.requireNonNull(cache, "cache must not be null");
        Objects.requireNonNull(tags, "tags must not be null");
        Objects.requireNonNull(function, "function must not be null");
        return new Memoized<>(cache, MemoPrefix.check(prefix), MemoPrefix.checkOptions(cache, options), tags, function);
    }

    /**
     * Returns the cached result for {@code a}, or computes it once, stores it and returns it.
     *
     * @throws CacheLoadException if the function threw a checked exception (the cause); unchecked
     *     exceptions reach the caller as they are. Nothing is cached when the function throws.
     * @throws NullPointerException if {@code a} is null or the function returned null
     * @throws IllegalArgumentException if the tag function returned a blank tag, or the cache rejects
     *     the value (see its isolation rule)
     */
    public V get(A a) {
        String key = key(a);
        return cache.remember(
                key,
                optionsFor(a),
                () -> Objects.requireNonNull(
                        function.apply(a), () -> "memoized function '" + prefix + "' returned null for " + key));
    }

    /** The cached result for {@code a}, if there is one; never runs the function. */
    public Optional<V> getIfPresent(A a) {
        return cache.get(key(a));
    }

    /** The exact key under which the result for {@code a} is cached. */
    public String key(A a) {
        Objects.requireNonNull(a, "argument must not be null");
        return CacheKeys.key(prefix, a);
    }

    /** The pattern {@code prefix:*}, matching every key this function writes and no other. */
    public String pattern() {
        return CacheKeys.prefixPattern(prefix);
    }

    /** Removes the cached result for {@code a} (exactly one key); returns whether there was one. */
    public boolean invalidate(A a) {
        return cache.delete(key(a));
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

    private WriteOptions optionsFor(A a) {
        if (tags == null) {
            return options;
        }
        Collection<String> t = Objects.requireNonNull(tags.apply(a), "tag function returned null");
        return options.withTags(t);
    }

    @Override
    public String toString() {
        return "Memoized[prefix=" + prefix + ", options=" + options + ", cache=" + cache.name() + "]";
    }
}

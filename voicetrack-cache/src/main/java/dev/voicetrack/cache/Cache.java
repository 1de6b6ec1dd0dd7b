package dev.voicetrack.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cache of values of one type under string keys, with per-entry TTLs, tags, glob pattern
 * invalidation, cache-aside loading and stats. The in-process cache ({@link InProcessCache}), the
 * Redis cache and the two-tier cache all implement it and pass the same contract suite, so one can
 * replace another.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Thread safety.</b> Every method may be called from any number of threads at once.
 *   <li><b>Nulls.</b> Keys, values, tags, patterns and options must not be {@code null}; a {@code
 *       null} is rejected with a {@link NullPointerException} naming the argument. Keys must not be
 *       empty.
 *   <li><b>Isolation.</b> Nothing a caller does to an object it passed in or got back can change what
 *       the cache holds.
 *   <li><b>Values.</b> Every backend accepts the same values, so code that works on one works on the
 *       others: the {@link ValueIsolation} the cache was built with decides, and every backend applies
 *       it to each value that {@link #put}, {@link #warm} or a {@link #remember} loader stores. By
 *       default ({@link ValueIsolation#immutable()}) a value must be deeply immutable (records of
 *       strings, numbers, enums, {@code java.time} values, {@code List.of}/{@code List.copyOf} and the
 *       other unmodifiable JDK collections, ...); an {@code ArrayList}, an array, a record holding a
 *       {@code HashMap} or a class not known to be immutable is rejected with an {@link
 *       IllegalArgumentException} naming the key, the path inside the value and the type, and nothing
 *       is stored, in process, in Redis and in two tiers alike. Immutable classes the check does not
 *       recognise are declared with {@link ValueIsolation#trusting}; {@link ValueIsolation#copying}
 *       accepts mutable values and copies them (a Redis backend copies through its codec anyway). A
 *       Redis backend also refuses a value its codec cannot write and read back as an equal value.
 *   <li><b>Tags.</b> An entry's tags live exactly as long as the entry: a tag never keeps an entry
 *       alive, never outlives it, and never loses an entry that is still alive.
 *   <li><b>Single flight.</b> Concurrent {@link #remember} misses on one key run the loader once; a
 *       value loaded while the key (or one of its tags, or a pattern matching it) was invalidated is
 *       returned to the callers who waited for it but not stored, so a load never resurrects data
 *       that an invalidation removed.
 * </ul>
 *
 * @param <V> the value type
 */
public interface Cache<V> extends AutoCloseable {

    /** The cache's name, as configured. */
    String name();

    /** Returns the value stored under {@code key}, if there is one that has not expired. */
    Optional<V> get(String key);

    /**
     * Returns the values stored under the given keys; keys without a value are absent from the map.
     * The map is unmodifiable.
     */
    Map<String, V> getAll(Collection<String> keys);

    /** Stores a value with the default TTL and no tags, replacing any value and tags under the key. */
    default void put(String key, V value) {
        put(key, value, WriteOptions.defaults());
    }

    /** Stores a value with an explicit TTL and no tags. */
    default void put(String key, V value, Duration ttl) {
        put(key, value, WriteOptions.ttl(ttl));
    }

    /**
     * Stores a value with the given options, replacing any value and tags under the key.
     *
     * @throws IllegalArgumentException if the options name a tier the cache does not have, or the
     *     value breaks the cache's value rule (see Values above)
     */
    void put(String key, V value, WriteOptions options);

    /** Removes the entry under {@code key}; returns whether there was one. */
    boolean delete(String key);

    /** Whether a value that has not expired is stored under {@code key}. Does not count as a read. */
    boolean contains(String key);

    /** Removes every entry of this cache (and nothing else, for shared back ends). */
    void clear();

    /**
     * Returns the cached value, or runs {@code loader} once, stores its value with the given TTL and
     * returns it (cache-aside). Concurrent misses on the same key share one loader run; misses on
     * different keys never wait for each other.
     *
     * @throws CacheLoadException if the loader threw a checked exception; unchecked ones are rethrown
     *     as they are. Every caller waiting on the failed load gets the failure, and nothing is cached.
     */
    default V remember(String key, Duration ttl, Loader<? extends V> loader) {
        return remember(key, WriteOptions.ttl(ttl), loader);
    }

    /** {@link #remember(String, Duration, Loader)} with full write options (tier, tags). */
    V remember(String key, WriteOptions options, Loader<? extends V> loader);

    /**
     * Like {@link #remember(String, WriteOptions, Loader)} for values that may not exist: an empty
     * result is remembered too (negative caching), for the configured {@link
     * CacheConfig#negativeTtl()}, so repeated look-ups of something absent do not reach the loader.
     */
    Optional<V> rememberOptional(String key, WriteOptions options, Loader<Optional<V>> loader);

    /**
     * Fills {@code key} ahead of its readers: loads and stores it exactly as a {@link #remember} miss would (one
     * load per key at a time, joined by concurrent readers; an invalidation during the load wins, so nothing stale
     * is stored), but is not a read, so it counts as neither a hit nor a miss. An entry already present is left as it
     * is. For refresh-ahead after an invalidation. The default is {@code remember}, counted as a read.
     *
     * @throws CacheLoadException as {@link #remember} does
     */
    default V preload(String key, WriteOptions options, Loader<? extends V> loader) {
        return remember(key, options, loader);
    }

    /** {@link #preload} for values that may not exist, as {@link #rememberOptional} is for {@link #remember}. */
    default Optional<V> preloadOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        return rememberOptional(key, options, loader);
    }

    /** Removes every entry carrying {@code tag}, whatever its key; returns how many were removed. */
    long invalidateByTag(String tag);

    /**
     * Removes every entry carrying any of {@code tags}; returns how many were removed. The default
     * checks every tag first, then invalidates each distinct tag in turn. Backends where a batch is
     * cheaper override it: the Redis caches pipeline the tags' scripts, one round trip per few hundred
     * tags instead of one per tag, which is what a tick invalidating thousands of guilds needs.
     *
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException naming a malformed tag
     */
    default long invalidateByTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        tags.forEach(WriteOptions::checkTag);
        long n = 0;
        for (String tag : new LinkedHashSet<>(tags)) {
            n += invalidateByTag(tag);
        }
        return n;
    }

    /**
     * Removes every entry whose key matches a glob pattern ({@code *} any run of characters, {@code ?}
     * one character, {@code [abc]} one of a set, {@code \} escapes), touching no other entry; returns
     * how many were removed. A pattern with a literal prefix ({@code user:123:*}) looks only at keys
     * with that prefix.
     *
     * @throws IllegalArgumentException if the pattern is malformed
     */
    long invalidateByPattern(String pattern);

    /** Returns the keys matching a glob pattern, as {@link #invalidateByPattern} would select them. */
    List<String> keys(String pattern);

    /**
     * Stores every entry, as {@link #put(String, Object, WriteOptions)} would, in order; returns how
     * many.
     *
     * @throws NullPointerException if {@code entries} or one of them is null
     */
    default int warm(Collection<CacheEntry<V>> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        int n = 0;
        for (CacheEntry<V> e : entries) {
            Objects.requireNonNull(e, "entries element must not be null");
            put(e.key(), e.value(), e.options());
            n++;
        }
        return n;
    }

    /** A snapshot of this cache's counters; never scans the entries. */
    CacheStats stats();

    /**
     * The most-read keys still in the cache, hottest first, with their hit counts; at most {@code n}
     * and at most the configured {@link CacheConfig#hotKeyCapacity()}.
     */
    List<HotKey> topKeys(int n);

    /** Sets every counter, including hot-key hit counts, back to zero. */
    void resetStats();

    /** The configuration the cache was built with. */
    CacheConfig config();

    /** Releases the cache's resources; the cache must not be used afterwards. */
    @Override
    void close();
}

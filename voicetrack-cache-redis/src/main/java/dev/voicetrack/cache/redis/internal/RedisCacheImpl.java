package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisServerStats;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.cache.spi.AbstractCache;
import dev.voicetrack.cache.spi.KeyedHotKeys;
import dev.voicetrack.cache.spi.LoadFailures;
import dev.voicetrack.cache.spi.SingleFlight;
import dev.voicetrack.cache.spi.SingleFlight.Flight;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis cache: the {@link Cache} contract over the entries Redis holds ({@link RedisEntries}),
 * with an in-process fallback, single flight and this process's stats.
 *
 * <h2>Writes and tags</h2>
 *
 * A put is one Lua script ({@link CacheScripts#PUT}) that replaces the entry hash, sets its TTL and
 * adds the key to each tag set, extending (never shortening) the set's TTL to the entry's. Tag
 * invalidation is one script per tag set ({@link CacheScripts#INVALIDATE_TAG}) that deletes the members
 * still carrying the tag and then the set, so a concurrent put of a tagged entry lands either wholly
 * before (and is removed) or wholly after (and keeps its tag). Every script that removes or replaces
 * an entry also takes it out of the sets of the tags it carried (its {@code t:} fields name them), so
 * a tag set never keeps pointing at an entry that is gone, and an emptied set is deleted by Redis at
 * once. On a cluster tag sets are split by slot (see {@link KeyLayout}); the slot is added to the
 * tag's index before the entry is written, so an invalidation that reads the index either sees the
 * slot or overlaps the put.
 *
 * <h2>Loads and invalidations</h2>
 *
 * {@code remember} is single-flight per process ({@link SingleFlight}), and a load is stored only if
 * no invalidation in this process concerned its key, its tags or a pattern matching its key while it
 * ran. Invalidations by other processes are not seen by this process's loads.
 *
 * <h2>Failures</h2>
 *
 * Every Redis call goes through {@link RedisCalls}: when the connector is down, or the call throws a
 * Lettuce exception (rejected, timed out), the operation runs on {@link #fallback}, an in-process
 * cache that copies values through the codec. The fallback is emptied when the connection comes back.
 * A write or invalidation served by the fallback leaves Redis with an entry that may now be stale, so
 * its key, tag or pattern is noted ({@link MissedInvalidations}); when a hung server answers again,
 * the connector lets this cache send Redis those invalidations before Redis is used again ({@link
 * Connector#beforeResume}).
 *
 * <h2>Stats</h2>
 *
 * The counters are {@link AbstractCache}'s and count this process's calls only; hot keys are kept
 * per key ({@link KeyedHotKeys}); sizes and server figures come from {@link RedisSizes}.
 */
public final class RedisCacheImpl<V> extends AbstractCache<V> implements RedisCache<V> {

    private static final byte[] ABSENT_PAYLOAD = {'1'};

    private final Connector connector;
    private final boolean ownsConnector;
    private final ValueCodec<V> codec;
    private final CodecCheck<V> check;
    private final KeyLayout layout;
    private final RedisEntries<V> entries;
    private final RedisCalls calls;
    private final RedisSizes sizes;
    private final Cache<V> fallback;
    private final KeyedHotKeys hotKeys;
    private final SingleFlight<Outcome<V>> flights = new SingleFlight<>();
    private final MissedInvalidations missed = new MissedInvalidations();

    public RedisCacheImpl(
            Connector connector,
            boolean ownsConnector,
            CacheConfig config,
            ValueCodec<V> codec,
            ValueIsolation<V> isolation) {
        this(
                connector,
                ownsConnector,
                config,
                codec,
                isolation,
                InProcessCache.create(config, ValueIsolation.copying(codec::copy)));
    }

    /**
     * A cache whose fallback is {@code fallback} (the two-tier cache passes its in-process tier).
     * {@code isolation} is the value rule every stored value is checked against; the fallback copies
     * through the codec whatever the rule.
     */
    public RedisCacheImpl(
            Connector connector,
            boolean ownsConnector,
            CacheConfig config,
            ValueCodec<V> codec,
            ValueIsolation<V> isolation,
            Cache<V> fallback) {
        super(config);
        this.connector = connector;
        this.ownsConnector = ownsConnector;
        this.codec = codec;
        this.check = new CodecCheck<>(codec, isolation);
        this.layout = new KeyLayout(
                connector.config().keyPrefix(),
                config.name(),
                connector.isCluster(),
                config.maximumEntries().isPresent() || config.maximumBytes().isPresent());
        this.entries = new RedisEntries<>(connector, layout, config, codec);
        this.calls = new RedisCalls(connector);
        this.fallback = fallback;
        this.sizes = new RedisSizes(connector, calls, entries, fallback, expirations::add);
        this.hotKeys = new KeyedHotKeys(config.hotKeyCapacity());
        connector.onReconnect(fallback::clear);
        connector.beforeResume(this::replayMissed);
        // After a lost connection comes back (Lettuce's event thread, which must not block), the
        // missed invalidations go out from another thread, soon after callers may use Redis again.
        connector.onReconnect(() -> CompletableFuture.runAsync(() -> {
            try {
                if (connector.usable()) {
                    replayMissed();
                }
            } catch (RuntimeException e) {
                connector.failure(e);
            }
        }));
    }

    /**
     * Checks that {@code name} can name a Redis cache (it is part of every key), before anything is
     * opened.
     *
     * @throws IllegalArgumentException naming the name
     */
    public static void checkName(String name) {
        KeyLayout.checkName(name);
    }

    /** Sends Redis the invalidations it missed; throws, keeping them, if that fails. */
    private void replayMissed() {
        MissedInvalidations m = missed.take();
        if (m.isEmpty()) {
            return;
        }
        RedisClusterCommands<String, byte[]> redis =
                connector.sync().orElseThrow(() -> new RedisException("not connected"));
        try {
            if (m.everything()) {
                entries.clear(redis);
                return;
            }
            entries.delete(redis, m.keys());
            if (!m.tags().isEmpty()) {
                entries.invalidateTags(redis, List.copyOf(m.tags())).forEach(hotKeys::forget);
            }
            for (String pattern : m.patterns()) {
                entries.invalidatePattern(redis, pattern, KeyPattern.compile(pattern), hotKeys::forget);
            }
        } catch (RuntimeException e) {
            missed.restore(m);
            throw e;
        }
    }

    private static void checkRedisKey(String key) {
        checkKey(key);
        if (key.startsWith(KeyLayout.META)) {
            throw new IllegalArgumentException(
                    "key must not start with the reserved '" + KeyLayout.META + "', was '" + key + "'");
        }
    }

    // ---------------------------------------------------------------- reads

    /** Reads an entry and its remaining TTL from Redis alone (never the fallback), without counting it. */
    public Optional<Read<V>> fetch(String key) {
        checkRedisKey(key);
        return calls.single(redis -> Optional.of(entries.fetch(redis, key)), Optional::empty);
    }

    /**
     * Reads distinct keys and their remaining TTLs from Redis alone (never the fallback), pipelined and
     * without counting them; empty if Redis failed.
     */
    public Optional<List<Read<V>>> fetchAll(List<String> keys) {
        keys.forEach(RedisCacheImpl::checkRedisKey);
        if (keys.isEmpty()) {
            return Optional.of(List.of());
        }
        return calls.redis(redis -> Optional.of(entries.fetchAll(redis, keys)), Optional::empty);
    }

    /** Counts a read: a hit, or a miss (and an expiration or eviction if the read found one). */
    public void count(String key, Read<V> read) {
        if (read.entry().isPresent()) {
            countHit(key);
            return;
        }
        misses.increment();
        countGone(read);
    }

    /** Counts the expiration or eviction a read found, if it found one (a preload's too: it is not a read). */
    private void countGone(Read<V> read) {
        if (read.gone() == 1) {
            expirations.increment();
        } else if (read.gone() == 2) {
            sizeEvictions.increment();
        }
    }

    /** Counts a hit, here or in a tier in front of this cache. */
    public void countHit(String key) {
        hits.increment();
        hotKeys.onHit(key);
    }

    @Override
    public Optional<V> get(String key) {
        checkRedisKey(key);
        return readEntry(key).flatMap(Fetched::value);
    }

    /** Reads and counts an entry, from Redis or else from the fallback. */
    private Optional<Fetched<V>> readEntry(String key) {
        Optional<Read<V>> read = calls.single(redis -> Optional.of(entries.read(redis, key)), Optional::empty);
        if (read.isEmpty()) {
            Optional<V> v = fallback.get(key);
            Read<V> r = new Read<>(v.map(x -> new Fetched<>(Optional.of(x), -1)), 0);
            count(key, r);
            return r.entry();
        }
        count(key, read.get());
        return read.get().entry();
    }

    @Override
    public Map<String, V> getAll(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        Optional<List<Read<V>>> reads = fetchAll(distinct);
        Map<String, V> result = new LinkedHashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            String key = distinct.get(i);
            if (reads.isEmpty()) {
                get(key).ifPresent(v -> result.put(key, v));
                continue;
            }
            Read<V> read = reads.get().get(i);
            count(key, read);
            read.entry().flatMap(Fetched::value).ifPresent(v -> result.put(key, v));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public boolean contains(String key) {
        checkRedisKey(key);
        return calls.redis(redis -> entries.contains(redis, key), () -> fallback.contains(key));
    }

    @Override
    public List<String> keys(String pattern) {
        KeyPattern compiled = KeyPattern.compile(pattern);
        return calls.redis(redis -> entries.keys(redis, pattern, compiled), () -> fallback.keys(pattern));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, V value, WriteOptions options) {
        checkRedisKey(key);
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Duration ttl = config.ttlOf(options);
        byte[] bytes = check.encode(key, value);
        flights.staleKey(key);
        store(key, bytes, ttl, options);
    }

    private void store(String key, byte[] bytes, Duration ttl, WriteOptions options) {
        write(key, RedisEntries.FIELD_VALUE, bytes, ttl, options.tags(), () -> {
            missed.key(key);
            fallback.put(key, codec.decode(bytes), options);
        });
        sets.increment();
    }

    private void putAbsent(String key, WriteOptions options) {
        write(key, RedisEntries.FIELD_ABSENT, ABSENT_PAYLOAD, config.negativeTtl(), options.tags(), () -> {
            missed.key(key);
        });
    }

    private void write(String key, byte[] field, byte[] payload, Duration ttl, Set<String> tags, Runnable onFallback) {
        long[] counts = calls.single(
                redis -> {
                    long[] c = entries.write(redis, key, field, payload, ttl, tags);
                    // A stale fallback copy must not resurface during a later outage.
                    fallback.delete(key);
                    return c;
                },
                () -> {
                    onFallback.run();
                    return new long[2];
                });
        expirations.add(counts[0]);
        sizeEvictions.add(counts[1]);
    }

    // ---------------------------------------------------------------- removal

    @Override
    public boolean delete(String key) {
        checkRedisKey(key);
        flights.staleKey(key);
        hotKeys.forget(key);
        boolean removed = calls.redis(
                redis -> {
                    fallback.delete(key);
                    return entries.delete(redis, List.of(key)) > 0;
                },
                () -> {
                    missed.key(key);
                    return fallback.delete(key);
                });
        if (removed) {
            deletes.increment();
        }
        return removed;
    }

    @Override
    public void clear() {
        flights.staleAll();
        hotKeys.clear();
        fallback.clear();
        long removed = calls.redis(entries::clear, () -> {
            missed.all();
            return 0L;
        });
        deletes.add(removed);
        sizes.cleared();
    }

    @Override
    public long invalidateByTag(String tag) {
        WriteOptions.checkTag(tag);
        flights.staleTag(tag);
        long fromFallback = fallback.invalidateByTag(tag);
        long removed =
                calls.redis(redis -> (long) invalidateTagInRedis(redis, tag).size(), () -> {
                    missed.tag(tag);
                    return fromFallback;
                });
        deletes.add(removed);
        return removed;
    }

    /** Like {@link #invalidateByTag} but returns the keys removed from Redis. */
    public List<String> invalidateTagReturningKeys(String tag) {
        WriteOptions.checkTag(tag);
        flights.staleTag(tag);
        fallback.invalidateByTag(tag);
        List<String> removed = calls.redis(redis -> invalidateTagInRedis(redis, tag), () -> {
            missed.tag(tag);
            return List.of();
        });
        deletes.add(removed.size());
        return removed;
    }

    /**
     * Removes the entries carrying any of {@code tags} with the tag scripts pipelined ({@link
     * RedisEntries#invalidateTags}): one round trip per few hundred tags instead of one per tag. When
     * Redis cannot be used, or the pipeline fails or times out, the fallback serves it as the single-tag
     * path does and every tag is noted as missed, to be sent when Redis answers again.
     *
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException naming a blank tag; nothing is invalidated then
     */
    @Override
    public long invalidateByTags(Collection<String> tags) {
        List<String> distinct = checkTags(tags);
        if (distinct.isEmpty()) {
            return 0;
        }
        flights.staleTags(distinct);
        long fromFallback = fallback.invalidateByTags(distinct);
        long removed = calls.redis(
                redis -> (long) invalidateTagsInRedis(redis, distinct).size(), () -> {
                    distinct.forEach(missed::tag);
                    return fromFallback;
                });
        deletes.add(removed);
        return removed;
    }

    /** Like {@link #invalidateByTags} but returns the keys removed from Redis. */
    public List<String> invalidateTagsReturningKeys(Collection<String> tags) {
        List<String> distinct = checkTags(tags);
        if (distinct.isEmpty()) {
            return List.of();
        }
        flights.staleTags(distinct);
        fallback.invalidateByTags(distinct);
        List<String> removed = calls.redis(redis -> invalidateTagsInRedis(redis, distinct), () -> {
            distinct.forEach(missed::tag);
            return List.of();
        });
        deletes.add(removed.size());
        return removed;
    }

    /** Checks every tag before anything is invalidated; returns the distinct tags in their first order. */
    static List<String> checkTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        Set<String> distinct = new LinkedHashSet<>();
        for (String tag : tags) {
            distinct.add(WriteOptions.checkTag(tag));
        }
        return List.copyOf(distinct);
    }

    private List<String> invalidateTagsInRedis(RedisClusterCommands<String, byte[]> redis, List<String> tags) {
        List<String> removed = entries.invalidateTags(redis, tags);
        removed.forEach(hotKeys::forget);
        return removed;
    }

    private List<String> invalidateTagInRedis(RedisClusterCommands<String, byte[]> redis, String tag) {
        List<String> removed = entries.invalidateTag(redis, tag);
        removed.forEach(hotKeys::forget);
        return removed;
    }

    @Override
    public long invalidateByPattern(String pattern) {
        KeyPattern compiled = KeyPattern.compile(pattern);
        flights.stalePattern(compiled);
        long fromFallback = fallback.invalidateByPattern(pattern);
        long removed =
                calls.redis(redis -> entries.invalidatePattern(redis, pattern, compiled, hotKeys::forget), () -> {
                    missed.pattern(pattern);
                    return fromFallback;
                });
        deletes.add(removed);
        return removed;
    }

    // ---------------------------------------------------------------- loading

    @Override
    public V remember(String key, WriteOptions options, Loader<? extends V> loader) {
        checkRedisKey(key);
        checkRemember(options, loader);
        config.ttlOf(options);
        return flight(key, options, false, true, () -> Optional.of(loaded(key, loader.load())))
                .orElseThrow();
    }

    @Override
    public V preload(String key, WriteOptions options, Loader<? extends V> loader) {
        checkRedisKey(key);
        checkRemember(options, loader);
        config.ttlOf(options);
        return flight(key, options, false, false, () -> Optional.of(loaded(key, loader.load())))
                .orElseThrow();
    }

    @Override
    public Optional<V> rememberOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        checkRedisKey(key);
        checkRemember(options, loader);
        config.ttlOf(options);
        return flight(key, options, true, true, () -> loadedOptional(key, loader.load()));
    }

    @Override
    public Optional<V> preloadOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        checkRedisKey(key);
        checkRemember(options, loader);
        config.ttlOf(options);
        return flight(key, options, true, false, () -> loadedOptional(key, loader.load()));
    }

    /** What a flight produced, and whether it came from the cache (a hit) or from the loader. */
    private record Outcome<V>(Optional<V> value, boolean cached) {}

    /**
     * Single flight: the first caller for a key registers a flight, reads the cache and, on a miss,
     * runs the loader; callers arriving meanwhile wait for its outcome instead of reading on their own,
     * and each counts the hit or miss the outcome was. Registering before reading closes the window in
     * which a caller could miss just before a flight ends and then load a second time. A preload ({@code read}
     * false) is the same flight counted as neither a hit nor a miss: it fills the cache ahead of its readers and
     * is not a read.
     */
    private Optional<V> flight(
            String key, WriteOptions options, boolean acceptAbsent, boolean read, Loader<Optional<V>> loader) {
        Duration ttl = config.ttlOf(options);
        while (true) {
            Flight<Outcome<V>> mine = new Flight<>(key, options.tags());
            Flight<Outcome<V>> running = flights.join(mine);
            if (running != null) {
                Outcome<V> outcome;
                try {
                    outcome = running.await();
                } catch (RuntimeException | Error e) {
                    if (read) {
                        misses.increment();
                    }
                    throw e;
                }
                if (read && outcome.cached()) {
                    countHit(key);
                } else if (read) {
                    misses.increment();
                }
                if (outcome.value().isPresent() || acceptAbsent) {
                    return outcome.value();
                }
                continue; // joined a rememberOptional flight that found nothing; this caller needs a value
            }
            try {
                Read<V> found = readForFlight(key);
                Optional<Fetched<V>> entry = found.entry();
                if (entry.isPresent() && (acceptAbsent || entry.get().value().isPresent())) {
                    if (read) {
                        count(key, found);
                    }
                    mine.complete(new Outcome<>(entry.get().value(), true));
                    return entry.get().value();
                }
                if (read) {
                    count(key, entry.isPresent() ? new Read<>(Optional.empty(), 0) : found);
                } else {
                    countGone(found);
                }
                Optional<V> value = load(key, loader);
                if (value.isPresent()) {
                    byte[] bytes = codec.encode(value.get()); // checked by load()
                    mine.storeIfCurrent(() -> store(key, bytes, ttl, options));
                } else {
                    mine.storeIfCurrent(() -> putAbsent(key, options));
                }
                mine.complete(new Outcome<>(value, false));
                return value;
            } catch (Throwable t) {
                mine.fail(t);
                throw t;
            } finally {
                flights.finish(mine);
            }
        }
    }

    private Read<V> readForFlight(String key) {
        Optional<Read<V>> read = fetch(key);
        if (read.isPresent()) {
            return read.get();
        }
        return new Read<>(fallback.get(key).map(v -> new Fetched<>(Optional.of(v), -1)), 0);
    }

    private Optional<V> load(String key, Loader<Optional<V>> loader) {
        long start = config.ticker().read();
        try {
            Optional<V> value = loader.load();
            if (value != null && value.isPresent()) {
                check.check(key, value.get());
            }
            loadSuccesses.increment();
            return value;
        } catch (Throwable t) {
            loadFailures.increment();
            throw LoadFailures.propagate(key, t);
        } finally {
            loadNanos.add(Math.max(0, config.ticker().read() - start));
        }
    }

    // ---------------------------------------------------------------- stats

    /** See {@link RedisSizes} for where the size comes from. */
    @Override
    public CacheStats stats() {
        RedisSizes.Size size = sizes.forStats();
        return snapshot(size.entries(), size.bytes());
    }

    @Override
    public RedisServerStats serverStats() {
        return sizes.serverStats();
    }

    @Override
    public List<HotKey> topKeys(int n) {
        checkTopKeys(n);
        return hotKeys.top(n);
    }

    @Override
    public void resetStats() {
        resetCounters();
        hotKeys.clear();
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public RedisConnector connector() {
        return connector;
    }

    /** The in-process fallback (for the two-tier cache and tests). */
    public Cache<V> fallback() {
        return fallback;
    }

    @Override
    public void close() {
        fallback.close();
        if (ownsConnector) {
            connector.close();
        }
    }

    @Override
    public String toString() {
        return "RedisCache[" + config.name() + ", keys=" + layout.base() + "]";
    }
}

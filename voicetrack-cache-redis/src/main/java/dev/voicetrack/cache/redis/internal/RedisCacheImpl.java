package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.internal.LoadFailures;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisHealth;
import dev.voicetrack.cache.redis.RedisServerStats;
import dev.voicetrack.cache.redis.ValueCodec;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Redis cache.
 *
 * <h2>Writes and tags</h2>
 *
 * A put is one Lua script ({@link #PUT}) that replaces the entry hash, sets its TTL and adds the key
 * to each tag set, extending (never shortening) the set's TTL to the entry's. Tag invalidation is one
 * script per tag set ({@link #INVALIDATE_TAG}) that deletes the members still carrying the tag and
 * then the set, so a concurrent put of a tagged entry lands either wholly before (and is removed) or
 * wholly after (and keeps its tag). Every script that removes or replaces an entry also takes it out
 * of the sets of the tags it carried (its {@code t:} fields name them), so a tag set never keeps
 * pointing at an entry that is gone, and an emptied set is deleted by Redis at once. On a cluster tag
 * sets are split by slot (see {@link KeyLayout}); the slot is added to the tag's index before the
 * entry is written, so an invalidation that reads the index either sees the slot or overlaps the put.
 *
 * <h2>Loads and invalidations</h2>
 *
 * {@code remember} is single-flight per process, and a load is stored only if no invalidation in this
 * process concerned its key, its tags or a pattern matching its key while it ran (see {@link Flight}).
 * Invalidations by other processes are not seen by this process's loads.
 *
 * <h2>Failures</h2>
 *
 * Every Redis call is wrapped by {@link #redis}: when the connector is down, or the call throws a
 * Lettuce exception (rejected, timed out), the operation runs on {@link #fallback}, an in-process
 * cache that copies values through the codec. The fallback is emptied when the connection comes back.
 * A write or invalidation served by the fallback leaves Redis with an entry that may now be stale, so
 * its key, tag or pattern is noted ({@link Missed}); when a hung server answers again, the connector
 * lets this cache send Redis those invalidations before Redis is used again ({@link
 * Connector#beforeResume}).
 */
public final class RedisCacheImpl<V> implements RedisCache<V> {

    private static final int SCAN_COUNT = 500;
    private static final int DELETE_BATCH = 256;

    /**
     * Lua shared by the scripts: the server time, forgetting an entry's bookkeeping, and taking an
     * entry out of the sets of the tags it carries (all but {@code skip}), whose names are {@code
     * sets .. tag}: those sets are in the entry's slot, so a script may touch them on a cluster too,
     * and Redis deletes a set when its last member goes, so no tag set outlives its entries.
     */
    private static final String PRELUDE =
            """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function forget(index, sizes, bytes, k)
              redis.call('ZREM', index, k)
              local b = redis.call('HGET', sizes, k)
              if b then
                redis.call('HDEL', sizes, k)
                redis.call('DECRBY', bytes, b)
              end
            end
            local function untag(sets, k, skip)
              for _, f in ipairs(redis.call('HKEYS', k)) do
                if string.sub(f, 1, 2) == 't:' and string.sub(f, 3) ~= skip then
                  redis.call('SREM', sets .. string.sub(f, 3), k)
                end
              end
            end
            """;

    /**
     * KEYS: entry, index, sizes, bytes, tag sets. ARGV: field, payload, ttl ms, max entries, max bytes,
     * entry bytes, how many expired index entries to sweep first, the prefix of tag set names, tags.
     * Returns {expired, evicted}.
     */
    static final Scripts PUT = new Scripts(
            PRELUDE
                    + """
            local ttl = tonumber(ARGV[3])
            local maxEntries = tonumber(ARGV[4])
            local maxBytes = tonumber(ARGV[5])
            local sweep = tonumber(ARGV[7])
            local expired = 0
            if sweep > 0 then
              for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, sweep)) do
                forget(KEYS[2], KEYS[3], KEYS[4], k)
                expired = expired + 1
              end
            end
            -- the previous version: it leaves its tag sets (the new tags are added back below), its
            -- fields go with DEL, its index score is replaced by ZADD below, and only a size limit keeps
            -- a size to take back
            untag(ARGV[8], KEYS[1], false)
            redis.call('DEL', KEYS[1])
            if maxBytes > 0 then
              local b = redis.call('HGET', KEYS[3], KEYS[1])
              if b then
                redis.call('HDEL', KEYS[3], KEYS[1])
                redis.call('DECRBY', KEYS[4], b)
              end
            end
            local fields = {ARGV[1], ARGV[2]}
            for i = 9, #ARGV do
              fields[#fields + 1] = 't:' .. ARGV[i]
              fields[#fields + 1] = '1'
            end
            redis.call('HSET', KEYS[1], unpack(fields))
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
            if maxBytes > 0 then
              redis.call('HSET', KEYS[3], KEYS[1], ARGV[6])
              redis.call('INCRBY', KEYS[4], ARGV[6])
            end
            for i = 5, #KEYS do
              redis.call('SADD', KEYS[i], KEYS[1])
              if redis.call('PTTL', KEYS[i]) < ttl then
                redis.call('PEXPIRE', KEYS[i], ttl)
              end
            end
            local evicted = 0
            local function over()
              local n = redis.call('ZCARD', KEYS[2])
              if n <= 1 then return false end
              if maxEntries > 0 and n > maxEntries then return true end
              return maxBytes > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') > maxBytes
            end
            while (maxEntries > 0 or maxBytes > 0) and over() do
              -- the entry expiring first; one already expired (not swept yet) counts as an expiration
              local first = redis.call('ZRANGE', KEYS[2], 0, 1, 'WITHSCORES')
              local victim, score = first[1], first[2]
              if victim == KEYS[1] then victim, score = first[3], first[4] end
              untag(ARGV[8], victim, false)
              redis.call('DEL', victim)
              forget(KEYS[2], KEYS[3], KEYS[4], victim)
              if tonumber(score) <= now then
                expired = expired + 1
              else
                evicted = evicted + 1
              end
            end
            return {expired, evicted}
            """);

    /**
     * KEYS: entry, index, sizes, bytes. Returns {value, absent marker, pttl, gone}, where gone is 1 if
     * the entry has just been found expired and 2 if it vanished early (server memory eviction).
     */
    static final Scripts FETCH = new Scripts(
            PRELUDE
                    + """
            local f = redis.call('HMGET', KEYS[1], 'v', 'n')
            if f[1] or f[2] then
              return {f[1], f[2], redis.call('PTTL', KEYS[1]), 0}
            end
            local s = redis.call('ZSCORE', KEYS[2], KEYS[1])
            if not s then
              return {false, false, -2, 0}
            end
            forget(KEYS[2], KEYS[3], KEYS[4], KEYS[1])
            if tonumber(s) <= now + 5 then
              return {false, false, -2, 1}
            end
            return {false, false, -2, 2}
            """);

    /**
     * KEYS: index, sizes, bytes, entries. ARGV: the prefix of tag set names. Deletes the entries and
     * takes them out of their tag sets; returns how many existed.
     */
    static final Scripts DELETE = new Scripts(
            PRELUDE
                    + """
            local n = 0
            for i = 4, #KEYS do
              untag(ARGV[1], KEYS[i], false)
              n = n + redis.call('DEL', KEYS[i])
              forget(KEYS[1], KEYS[2], KEYS[3], KEYS[i])
            end
            return n
            """);

    /**
     * KEYS: tag set, index, sizes, bytes. ARGV: tag, the prefix of tag set names. Deletes the members
     * still carrying the tag, takes them out of the sets of their other tags, and deletes the set;
     * returns the removed entry keys.
     */
    static final Scripts INVALIDATE_TAG = new Scripts(
            PRELUDE
                    + """
            local field = 't:' .. ARGV[1]
            local removed = {}
            for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if redis.call('HEXISTS', member, field) == 1 then
                untag(ARGV[2], member, ARGV[1])
                redis.call('DEL', member)
                forget(KEYS[2], KEYS[3], KEYS[4], member)
                removed[#removed + 1] = member
              end
            end
            redis.call('DEL', KEYS[1])
            return removed
            """);

    /** KEYS: index, sizes, bytes. Drops expired bookkeeping; returns {expired, entries, bytes}. */
    static final Scripts SIZE = new Scripts(
            PRELUDE
                    + """
            local expired = 0
            for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)) do
              forget(KEYS[1], KEYS[2], KEYS[3], k)
              expired = expired + 1
            end
            return {expired, redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0')}
            """);

    /** KEYS: index. ARGV: ttl, slot string. Adds a slot group to a tag's index (cluster only). */
    static final Scripts INDEX = new Scripts(
            """
            local ttl = tonumber(ARGV[1])
            redis.call('SADD', KEYS[1], ARGV[2])
            if redis.call('PTTL', KEYS[1]) < ttl then
              redis.call('PEXPIRE', KEYS[1], ttl)
            end
            return 1
            """);

    /**
     * One put in {@value}, at random, sweeps up to {@link #SWEEP_LIMIT} expired entries from the
     * index, which keeps it at about the number of live entries; sweeping on every put was an eighth
     * of its server time. Expired entries left meanwhile are still counted exactly: when a read finds
     * one, when {@link #stats} counts the entries, or when a bound evicts one.
     */
    private static final int SWEEP_EVERY = 16;

    private static final byte[] SWEEP_LIMIT = Scripts.bytes(64);
    private static final byte[] ZERO = Scripts.bytes(0);
    private static final byte[] FIELD_VALUE = Scripts.bytes("v");
    private static final byte[] FIELD_ABSENT = Scripts.bytes("n");
    private static final String FIELD_VALUE_NAME = "v";
    private static final String FIELD_ABSENT_NAME = "n";

    private final Connector connector;
    private final boolean ownsConnector;
    private final CacheConfig config;
    private final ValueCodec<V> codec;
    private final ValueIsolation<V> isolation;
    /** The classes whose values have been seen to survive the codec (see {@link #checkRoundTrip}). */
    private final Set<Class<?>> roundTrips = ConcurrentHashMap.newKeySet();

    private final KeyLayout layout;
    private final Cache<V> fallback;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder sets = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final LongAdder sizeEvictions = new LongAdder();
    private final LongAdder loadSuccesses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final Map<String, LongAdder> hotKeys = new ConcurrentHashMap<>();

    private final Map<String, Flight<V>> flights = new ConcurrentHashMap<>();
    private final Missed missed = new Missed();
    private final byte[] maxEntriesArg;
    private final byte[] maxBytesArg;
    private final boolean keepsSizes;
    /** The prefix of tag set names as a script argument, on a standalone server the same for every entry. */
    private final byte[] standaloneTagSets;

    private volatile TtlArg lastTtlArg;

    /**
     * One load in progress. An invalidation that concerns it (its key deleted or written, one of its
     * tags invalidated, a pattern matching its key, a clear) marks it stale under its lock, before
     * touching Redis; the flight stores its value under the same lock only if it is not stale. So a
     * store either happens before the invalidation reaches Redis (and is removed by it) or not at all.
     */
    private static final class Flight<V> {
        final String key;
        final Set<String> tags;
        final CompletableFuture<Outcome<V>> result = new CompletableFuture<>();
        private volatile boolean stale; // written under this flight's lock

        Flight(String key, Set<String> tags) {
            this.key = key;
            this.tags = tags;
        }

        boolean isStale() {
            return stale;
        }

        synchronized void markStale() {
            stale = true;
        }

        synchronized void storeIfCurrent(Runnable store) {
            if (!stale) {
                store.run();
            }
        }
    }

    private void staleKey(String key) {
        Flight<V> f = flights.get(key);
        if (f != null) {
            f.markStale();
        }
    }

    private void staleTag(String tag) {
        flights.values().forEach(f -> {
            if (f.tags.contains(tag)) {
                f.markStale();
            }
        });
    }

    private void stalePattern(KeyPattern pattern) {
        flights.values().forEach(f -> {
            if (pattern.matches(f.key)) {
                f.markStale();
            }
        });
    }

    private void staleAll() {
        flights.values().forEach(Flight::markStale);
    }

    private volatile long countedKeys = -1;
    private volatile Instant countedAt = Instant.EPOCH;
    private final AtomicBoolean counting = new AtomicBoolean();

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
        this.connector = connector;
        this.ownsConnector = ownsConnector;
        this.config = config;
        this.codec = codec;
        this.isolation = isolation;
        this.layout = new KeyLayout(
                connector.config().keyPrefix(),
                config.name(),
                connector.isCluster(),
                config.maximumEntries().isPresent() || config.maximumBytes().isPresent());
        this.fallback = fallback;
        // Bounds are kept per group, which is the whole cache only on a standalone server.
        this.maxEntriesArg =
                Scripts.bytes(layout.cluster() ? 0 : config.maximumEntries().orElse(0));
        this.keepsSizes = !layout.cluster() && config.maximumBytes().isPresent();
        this.maxBytesArg = keepsSizes ? Scripts.bytes(config.maximumBytes().orElseThrow()) : ZERO;
        this.standaloneTagSets = Scripts.bytes(layout.tagSets(""));
        this.lastTtlArg = new TtlArg(-1, new byte[0]);
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
     * Invalidations Redis missed while the fallback served: keys written or deleted, tags and patterns
     * invalidated, or everything (a clear, or more than {@value #MAX_MISSED} notes). Thread safe.
     */
    private static final class Missed {
        static final int MAX_MISSED = 10_000;

        private Set<String> keys = new LinkedHashSet<>();
        private Set<String> tags = new LinkedHashSet<>();
        private Set<String> patterns = new LinkedHashSet<>();
        private boolean all;

        synchronized void key(String key) {
            note(keys, key);
        }

        synchronized void tag(String tag) {
            note(tags, tag);
        }

        synchronized void pattern(String pattern) {
            note(patterns, pattern);
        }

        synchronized void all() {
            all = true;
            keys.clear();
            tags.clear();
            patterns.clear();
        }

        private void note(Set<String> set, String value) {
            if (all) {
                return;
            }
            set.add(value);
            if (keys.size() + tags.size() + patterns.size() > MAX_MISSED) {
                all();
            }
        }

        /** Takes every note; {@link #restore} puts them back if sending them fails. */
        synchronized Missed take() {
            Missed out = new Missed();
            out.keys = keys;
            out.tags = tags;
            out.patterns = patterns;
            out.all = all;
            keys = new LinkedHashSet<>();
            tags = new LinkedHashSet<>();
            patterns = new LinkedHashSet<>();
            all = false;
            return out;
        }

        synchronized void restore(Missed m) {
            if (m.all) {
                all();
                return;
            }
            m.keys.forEach(this::key);
            m.tags.forEach(this::tag);
            m.patterns.forEach(this::pattern);
        }

        boolean isEmpty() {
            return !all && keys.isEmpty() && tags.isEmpty() && patterns.isEmpty();
        }
    }

    /** Sends Redis the invalidations it missed (see {@link Missed}); throws, keeping them, if that fails. */
    private void replayMissed() {
        Missed m = missed.take();
        if (m.isEmpty()) {
            return;
        }
        RedisClusterCommands<String, byte[]> redis =
                connector.sync().orElseThrow(() -> new RedisException("not connected"));
        try {
            if (m.all) {
                clearInRedis(redis);
                return;
            }
            List<String> entries = new ArrayList<>();
            for (String key : m.keys) {
                entries.add(layout.entry(key));
            }
            for (int i = 0; i < entries.size(); i += DELETE_BATCH) {
                deleteEntries(redis, entries.subList(i, Math.min(entries.size(), i + DELETE_BATCH)));
            }
            for (String tag : m.tags) {
                invalidateTagInRedis(redis, tag);
            }
            for (String pattern : m.patterns) {
                invalidatePatternInRedis(redis, pattern, KeyPattern.compile(pattern));
            }
        } catch (RuntimeException e) {
            missed.restore(m);
            throw e;
        }
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

    /** A TTL in milliseconds and its encoding as a script argument. */
    private record TtlArg(long ms, byte[] bytes) {}

    /** The script argument for {@code ms}; most writes use the default TTL, so the last is kept. */
    private byte[] ttlArg(long ms) {
        TtlArg last = lastTtlArg;
        if (last.ms() != ms) {
            last = new TtlArg(ms, Scripts.bytes(ms));
            lastTtlArg = last;
        }
        return last.bytes();
    }

    // ---------------------------------------------------------------- plumbing

    /**
     * Runs {@code op} on Redis, or {@code onFallback} when Redis cannot be used or the call fails with
     * a Lettuce exception. Errors in our own code (codec, arguments) are not caught.
     */
    private <T> T redis(Function<RedisClusterCommands<String, byte[]>, T> op, Supplier<T> onFallback) {
        Optional<RedisClusterCommands<String, byte[]>> sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            return onFallback.get();
        }
        T result;
        try {
            result = op.apply(sync.get());
        } catch (RedisException e) {
            connector.failure(e);
            return onFallback.get();
        }
        connector.success();
        return result;
    }

    /**
     * Runs a single-key {@code op} like {@link #redis}: on a blocking connection of the connector's
     * {@link DirectPool} while few callers are in one (see {@link DirectPool#enter}), else on Lettuce.
     * A direct connection that breaks mid-call (a restarted server, say) hands the op on to Lettuce,
     * which knows whether Redis is there; so an op may be sent twice, and must be idempotent.
     */
    private <T> T single(Function<KeyCommands, T> op, Supplier<T> onFallback) {
        DirectPool pool = connector.direct();
        if (pool == null || !connector.usable()) {
            return redis(redis -> op.apply(KeyCommands.of(redis)), onFallback);
        }
        DirectConnection c = pool.enter();
        try {
            if (c != null) {
                try {
                    T result = op.apply(c);
                    connector.success();
                    return result;
                } catch (DirectConnection.Lost e) {
                    pool.reset(); // the other idle sockets went to the same server; Lettuce goes on
                } catch (RedisException e) {
                    connector.failure(e);
                    return onFallback.get();
                }
            }
            return redis(redis -> op.apply(KeyCommands.of(redis)), onFallback);
        } finally {
            pool.leave(c);
        }
    }

    private static void checkKey(String key) {
        if (key == null) {
            throw new NullPointerException("key must not be null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty, was ''");
        }
        if (key.startsWith(KeyLayout.META)) {
            throw new IllegalArgumentException(
                    "key must not start with the reserved '" + KeyLayout.META + "', was '" + key + "'");
        }
    }

    static long ttlMillis(Duration ttl) {
        long ms = ttl.toMillis();
        // Round up: a TTL of 1.5 ms lives 2 ms, and a sub-millisecond TTL never becomes 0.
        if (ttl.minusMillis(ms).isZero()) {
            return Math.max(1, ms);
        }
        return ms + 1;
    }

    private void recordHit(String key) {
        hits.increment();
        int capacity = config.hotKeyCapacity();
        if (capacity == 0) {
            return;
        }
        LongAdder counter = hotKeys.get(key);
        if (counter == null) {
            if (hotKeys.size() >= capacity * 8) {
                pruneHotKeys(capacity * 4);
            }
            counter = hotKeys.computeIfAbsent(key, k -> new LongAdder());
        }
        counter.increment();
    }

    private synchronized void pruneHotKeys(int keep) {
        if (hotKeys.size() < keep * 2) {
            return;
        }
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        hotKeys.forEach((k, v) -> all.add(Map.entry(k, v.sum())));
        all.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (int i = keep; i < all.size(); i++) {
            hotKeys.remove(all.get(i).getKey());
        }
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String[] withBookkeeping(String entry) {
        String[] b = layout.bookkeeping(entry);
        return new String[] {entry, b[0], b[1], b[2]};
    }

    // ---------------------------------------------------------------- reads

    @Override
    public String name() {
        return config.name();
    }

    /** A value (or a remembered absence) read from Redis with its remaining TTL. */
    public record Fetched<V>(Optional<V> value, long ttlMillis) {}

    /** What one read found: an entry, or nothing and whether it had just expired (1) or vanished (2). */
    public record Read<V>(Optional<Fetched<V>> entry, int gone) {}

    /** Reads an entry and its remaining TTL from Redis alone (never the fallback), without counting it. */
    public Optional<Read<V>> fetch(String key) {
        checkKey(key);
        return single(redis -> Optional.of(fetchFrom(redis, key)), Optional::empty);
    }

    /**
     * Reads distinct keys and their remaining TTLs from Redis alone (never the fallback), pipelined and
     * without counting them; empty if Redis failed.
     */
    public Optional<List<Read<V>>> fetchAll(List<String> keys) {
        keys.forEach(RedisCacheImpl::checkKey);
        if (keys.isEmpty()) {
            return Optional.of(List.of());
        }
        return redis(redis -> Optional.of(fetchAll(redis, keys)), Optional::empty);
    }

    private Read<V> fetchFrom(KeyCommands redis, String key) {
        List<Object> r = FETCH.run(redis, ScriptOutputType.MULTI, withBookkeeping(layout.entry(key)));
        return decodeRead(r);
    }

    /**
     * A read for this cache's own {@code get}, which needs no TTL: one plain HMGET when the entry is
     * there (a hit costs the server no script), and the {@link #FETCH} script only on a miss, for its
     * bookkeeping (telling an expiration or eviction from a key never written).
     */
    private Read<V> readFrom(KeyCommands redis, String key) {
        List<byte @Nullable []> f = redis.hmget(layout.entry(key), FIELD_VALUE_NAME, FIELD_ABSENT_NAME);
        byte @Nullable [] value = f.get(0);
        if (value != null) {
            return new Read<>(Optional.of(new Fetched<>(Optional.of(codec.decode(value)), -1)), 0);
        }
        if (f.get(1) != null) {
            return new Read<>(Optional.of(new Fetched<>(Optional.empty(), -1)), 0);
        }
        return fetchFrom(redis, key);
    }

    private Read<V> decodeRead(List<Object> r) {
        long ttl = r.get(2) instanceof Long l ? l : -2;
        int gone = r.get(3) instanceof Long g ? g.intValue() : 0;
        if (r.get(0) instanceof byte[] bytes) {
            return new Read<>(Optional.of(new Fetched<>(Optional.of(codec.decode(bytes)), ttl)), 0);
        }
        if (r.get(1) instanceof byte[]) {
            return new Read<>(Optional.of(new Fetched<>(Optional.empty(), ttl)), 0);
        }
        return new Read<>(Optional.empty(), gone);
    }

    /** Counts a read: a hit, or a miss (and an expiration or eviction if the read found one). */
    public void count(String key, Read<V> read) {
        if (read.entry().isPresent()) {
            recordHit(key);
            return;
        }
        misses.increment();
        if (read.gone() == 1) {
            expirations.increment();
        } else if (read.gone() == 2) {
            sizeEvictions.increment();
        }
    }

    /** Counts a hit served by a tier in front of this cache. */
    public void countHit(String key) {
        recordHit(key);
    }

    @Override
    public Optional<V> get(String key) {
        checkKey(key);
        return readEntry(key).flatMap(Fetched::value);
    }

    /** Reads and counts an entry, from Redis or else from the fallback. */
    private Optional<Fetched<V>> readEntry(String key) {
        Optional<Read<V>> read = single(redis -> Optional.of(readFrom(redis, key)), Optional::empty);
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

    /** Pipelined reads, one script call per key (each routed to its node on a cluster). */
    private List<Read<V>> fetchAll(RedisClusterCommands<String, byte[]> redis, List<String> keys) {
        RedisClusterAsyncCommands<String, byte[]> async =
                connector.async().orElseThrow(() -> new RedisException("not connected"));
        // The first read loads the script on its node if needed; the rest can then use the digest.
        List<Read<V>> reads = new ArrayList<>(keys.size());
        KeyCommands commands = KeyCommands.of(redis);
        reads.add(fetchFrom(commands, keys.get(0)));
        List<RedisFuture<List<Object>>> futures = new ArrayList<>(keys.size());
        for (int i = 1; i < keys.size(); i++) {
            futures.add(async.evalsha(FETCH.sha(), ScriptOutputType.MULTI, withBookkeeping(layout.entry(keys.get(i)))));
        }
        long timeout = connector.config().commandTimeout().toNanos();
        // One bound for the whole pipeline: a hung server costs the caller one command timeout, and a
        // read still unanswered then is a timeout (it used to be read as an empty reply).
        if (!LettuceFutures.awaitAll(timeout, TimeUnit.NANOSECONDS, futures.toArray(new RedisFuture<?>[0]))) {
            throw new RedisCommandTimeoutException("pipelined reads not answered within " + Duration.ofNanos(timeout));
        }
        for (int i = 1; i < keys.size(); i++) {
            var f = futures.get(i - 1).toCompletableFuture();
            if (f.isCompletedExceptionally()) {
                reads.add(fetchFrom(commands, keys.get(i))); // NOSCRIPT on another node, for example
            } else {
                reads.add(decodeRead(f.getNow(List.of())));
            }
        }
        return reads;
    }

    @Override
    public boolean contains(String key) {
        checkKey(key);
        return redis(redis -> redis.hexists(layout.entry(key), FIELD_VALUE_NAME), () -> fallback.contains(key));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, V value, WriteOptions options) {
        checkKey(key);
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Duration ttl = config.ttlOf(options);
        byte[] bytes = encode(key, value);
        staleKey(key);
        store(key, bytes, ttl, options);
    }

    /**
     * Applies the value rule that every backend applies ({@link Cache}, Values): the isolation's check
     * (a copying rule needs none here, the codec copies), then the codec's own.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with the value
     */
    private void checkValue(String key, V value) {
        if (isolation.sharesValues()) {
            isolation.onWrite(key, value);
        }
        Class<?> type = value.getClass();
        if (!roundTrips.contains(type)) {
            checkRoundTrip(key, value);
            roundTrips.add(type);
        }
    }

    /**
     * Checks, once per class, that the codec reads a value back as an equal one: by {@code equals} for
     * classes that define it (records, value types), else by writing the copy again and comparing the
     * bytes. A value that would come back as something else (a {@code LinkedHashMap}, a base class, a
     * thread's description) is refused instead of being stored.
     */
    private void checkRoundTrip(String key, V value) {
        Class<?> type = value.getClass();
        byte[] bytes = codec.encode(value);
        V back;
        try {
            back = codec.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "value for key '" + key + "' of " + type.getName() + " cannot be stored in Redis: " + codec
                            + " cannot read back what it writes for it (" + e.getMessage() + ")",
                    e);
        }
        boolean same;
        try {
            same = definesEquals(type) ? value.equals(back) : Arrays.equals(bytes, codec.encode(back));
        } catch (RuntimeException e) {
            same = false;
        }
        if (!same) {
            throw new IllegalArgumentException(
                    "value for key '" + key + "' of " + type.getName() + " cannot be stored in Redis: " + codec
                            + " reads it back as a different value ("
                            + (back == null ? "null" : "a " + back.getClass().getName())
                            + "); use a type that the codec writes completely (a record of plain values)");
        }
    }

    private static boolean definesEquals(Class<?> type) {
        try {
            return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Checks a value ({@link #checkValue}) and encodes it. */
    private byte[] encode(String key, V value) {
        checkValue(key, value);
        return codec.encode(value);
    }

    private void store(String key, byte[] bytes, Duration ttl, WriteOptions options) {
        write(key, FIELD_VALUE, bytes, ttl, options.tags(), () -> {
            missed.key(key);
            fallback.put(key, codec.decode(bytes), options);
        });
        sets.increment();
    }

    private void putAbsent(String key, WriteOptions options) {
        write(key, FIELD_ABSENT, new byte[] {'1'}, config.negativeTtl(), options.tags(), () -> missed.key(key));
    }

    private void write(String key, byte[] field, byte[] payload, Duration ttl, Set<String> tags, Runnable onFallback) {
        long ms = ttlMillis(ttl);
        String entry = layout.entry(key);
        long[] counts = single(
                redis -> {
                    String[] keys = new String[4 + tags.size()];
                    byte[][] args = new byte[8 + tags.size()][];
                    String[] book = layout.bookkeeping(entry);
                    keys[0] = entry;
                    keys[1] = book[0];
                    keys[2] = book[1];
                    keys[3] = book[2];
                    args[0] = field;
                    args[1] = payload;
                    args[2] = ttlArg(ms);
                    args[3] = maxEntriesArg;
                    args[4] = maxBytesArg;
                    // entry sizes are kept only under a byte bound
                    args[5] = keepsSizes ? Scripts.bytes(estimateBytes(entry, payload, tags)) : ZERO;
                    args[6] = ThreadLocalRandom.current().nextInt(SWEEP_EVERY) == 0 ? SWEEP_LIMIT : ZERO;
                    args[7] = layout.cluster() ? Scripts.bytes(layout.tagSets(entry)) : standaloneTagSets;
                    int i = 4;
                    for (String tag : tags) {
                        if (layout.cluster()) {
                            INDEX.run(
                                    redis,
                                    ScriptOutputType.INTEGER,
                                    new String[] {layout.tagIndex(tag)},
                                    Scripts.bytes(ms),
                                    Scripts.bytes(KeyLayout.slotTag(entry)));
                        }
                        keys[i] = layout.tagSet(tag, entry);
                        args[i + 4] = Scripts.bytes(tag);
                        i++;
                    }
                    List<Long> r = PUT.run(redis, ScriptOutputType.MULTI, keys, args);
                    // A stale fallback copy must not resurface during a later outage.
                    fallback.delete(key);
                    return new long[] {r.get(0), r.get(1)};
                },
                () -> {
                    onFallback.run();
                    return new long[2];
                });
        expirations.add(counts[0]);
        sizeEvictions.add(counts[1]);
    }

    private static long estimateBytes(String entry, byte[] payload, Set<String> tags) {
        long n = 48 + entry.length() + payload.length;
        for (String tag : tags) {
            n += 16 + tag.length();
        }
        return n;
    }

    /** Deletes entries (Redis keys) with their bookkeeping; returns how many existed. */
    private long deleteEntries(RedisClusterCommands<String, byte[]> redis, Collection<String> entries) {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (String e : entries) {
            byGroup.computeIfAbsent(layout.group(e), g -> new ArrayList<>()).add(e);
        }
        long n = 0;
        for (List<String> group : byGroup.values()) {
            String[] book = layout.bookkeeping(group.get(0));
            String[] keys = new String[3 + group.size()];
            System.arraycopy(book, 0, keys, 0, 3);
            for (int i = 0; i < group.size(); i++) {
                keys[3 + i] = group.get(i);
            }
            Long removed =
                    DELETE.run(redis, ScriptOutputType.INTEGER, keys, Scripts.bytes(layout.tagSets(group.get(0))));
            n += removed;
        }
        return n;
    }

    @Override
    public boolean delete(String key) {
        checkKey(key);
        staleKey(key);
        hotKeys.remove(key);
        boolean removed = redis(
                redis -> {
                    fallback.delete(key);
                    return deleteEntries(redis, List.of(layout.entry(key))) > 0;
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
        staleAll();
        hotKeys.clear();
        fallback.clear();
        long removed = redis(this::clearInRedis, () -> {
            missed.all();
            return 0L;
        });
        deletes.add(removed);
        countedKeys = 0;
    }

    /** Deletes every key under this cache's prefix; returns how many entries there were. */
    private long clearInRedis(RedisClusterCommands<String, byte[]> redis) {
        List<String> userKeys = new ArrayList<>();
        List<String> metaKeys = new ArrayList<>();
        long[] count = {0};
        scan(redis, layout.scanAll(), k -> {
            (layout.userKey(k) != null ? userKeys : metaKeys).add(k);
            if (userKeys.size() >= DELETE_BATCH) {
                count[0] += redis.del(userKeys.toArray(String[]::new));
                userKeys.clear();
            }
            if (metaKeys.size() >= DELETE_BATCH) {
                redis.del(metaKeys.toArray(String[]::new));
                metaKeys.clear();
            }
        });
        if (!userKeys.isEmpty()) {
            count[0] += redis.del(userKeys.toArray(String[]::new));
        }
        if (!metaKeys.isEmpty()) {
            redis.del(metaKeys.toArray(String[]::new));
        }
        return count[0];
    }

    private static void scan(
            RedisClusterCommands<String, byte[]> redis, String match, java.util.function.Consumer<String> each) {
        ScanArgs args = ScanArgs.Builder.matches(match).limit(SCAN_COUNT);
        KeyScanCursor<String> cursor = redis.scan(args);
        while (true) {
            cursor.getKeys().forEach(each);
            if (cursor.isFinished()) {
                return;
            }
            cursor = redis.scan(cursor, args);
        }
    }

    // ---------------------------------------------------------------- loading

    @Override
    public V remember(String key, WriteOptions options, Loader<? extends V> loader) {
        checkKey(key);
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        config.ttlOf(options);
        return flight(key, options, false, () -> {
                    V value = loader.load();
                    if (value == null) {
                        throw new NullPointerException("loader returned null for key '" + key
                                + "'; use rememberOptional for values that may be absent");
                    }
                    return Optional.of(value);
                })
                .orElseThrow();
    }

    @Override
    public Optional<V> rememberOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        checkKey(key);
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        config.ttlOf(options);
        return flight(key, options, true, () -> {
            Optional<V> value = loader.load();
            if (value == null) {
                throw new NullPointerException(
                        "loader returned null instead of Optional.empty() for key '" + key + "'");
            }
            return value;
        });
    }

    /** What a flight produced, and whether it came from the cache (a hit) or from the loader. */
    private record Outcome<V>(Optional<V> value, boolean cached) {}

    /**
     * Single flight: the first caller for a key registers a flight, reads the cache and, on a miss,
     * runs the loader; callers arriving meanwhile wait for its outcome instead of reading on their own.
     * Registering before reading closes the window in which a caller could miss just before a flight
     * ends and then load a second time.
     */
    private Optional<V> flight(String key, WriteOptions options, boolean acceptAbsent, Loader<Optional<V>> loader) {
        Duration ttl = config.ttlOf(options);
        while (true) {
            Flight<V> mine = new Flight<>(key, options.tags());
            Flight<V> running = flights.putIfAbsent(key, mine);
            if (running != null && running.isStale()) {
                // That flight read data from before an invalidation that this call started after, so
                // its value is too old for this caller: run a fresh flight in its place.
                if (!flights.replace(key, running, mine)) {
                    continue;
                }
                running = null;
            }
            if (running != null) {
                Outcome<V> outcome;
                try {
                    outcome = running.result.join();
                } catch (CompletionException e) {
                    misses.increment();
                    throw LoadFailures.propagate(key, e.getCause());
                }
                if (outcome.cached()) {
                    recordHit(key);
                } else {
                    misses.increment();
                }
                if (outcome.value().isPresent() || acceptAbsent) {
                    return outcome.value();
                }
                continue; // joined a rememberOptional flight that found nothing; this caller needs a value
            }
            try {
                Read<V> read = readForFlight(key);
                Optional<Fetched<V>> entry = read.entry();
                if (entry.isPresent() && (acceptAbsent || entry.get().value().isPresent())) {
                    count(key, read);
                    mine.result.complete(new Outcome<>(entry.get().value(), true));
                    return entry.get().value();
                }
                count(key, entry.isPresent() ? new Read<>(Optional.empty(), 0) : read);
                Optional<V> value = load(key, loader);
                if (value.isPresent()) {
                    byte[] bytes = codec.encode(value.get()); // checked by load()
                    mine.storeIfCurrent(() -> store(key, bytes, ttl, options));
                } else {
                    mine.storeIfCurrent(() -> putAbsent(key, options));
                }
                mine.result.complete(new Outcome<>(value, false));
                return value;
            } catch (Throwable t) {
                mine.result.completeExceptionally(t);
                throw t;
            } finally {
                flights.remove(key, mine);
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
                checkValue(key, value.get());
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

    // ---------------------------------------------------------------- invalidation

    @Override
    public long invalidateByTag(String tag) {
        WriteOptions.checkTag(tag);
        staleTag(tag);
        long fromFallback = fallback.invalidateByTag(tag);
        long removed = redis(redis -> (long) invalidateTagInRedis(redis, tag).size(), () -> {
            missed.tag(tag);
            return fromFallback;
        });
        deletes.add(removed);
        return removed;
    }

    /** Like {@link #invalidateByTag} but returns the keys removed from Redis. */
    public List<String> invalidateTagReturningKeys(String tag) {
        WriteOptions.checkTag(tag);
        staleTag(tag);
        fallback.invalidateByTag(tag);
        List<String> removed = redis(redis -> invalidateTagInRedis(redis, tag), () -> {
            missed.tag(tag);
            return List.of();
        });
        deletes.add(removed.size());
        return removed;
    }

    private List<String> invalidateTagInRedis(RedisClusterCommands<String, byte[]> redis, String tag) {
        List<String> groups = new ArrayList<>();
        if (layout.cluster()) {
            for (byte[] slotTag : redis.smembers(layout.tagIndex(tag))) {
                groups.add(string(slotTag));
            }
        } else {
            groups.add("");
        }
        List<String> removed = new ArrayList<>();
        for (String group : groups) {
            String set = layout.cluster() ? layout.tagSetInGroup(tag, group) : layout.tagSet(tag, "");
            String[] book = layout.cluster() ? layout.bookkeepingInGroup(group) : layout.bookkeeping("");
            String sets = layout.cluster() ? layout.tagSetsInGroup(group) : layout.tagSets("");
            List<byte[]> keys = INVALIDATE_TAG.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {set, book[0], book[1], book[2]},
                    Scripts.bytes(tag),
                    Scripts.bytes(sets));
            for (byte[] k : keys) {
                String userKey = layout.userKey(string(k));
                if (userKey != null) {
                    hotKeys.remove(userKey);
                    removed.add(userKey);
                }
            }
        }
        return removed;
    }

    @Override
    public long invalidateByTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        tags.forEach(WriteOptions::checkTag);
        long n = 0;
        for (String tag : new LinkedHashSet<>(tags)) {
            n += invalidateByTag(tag);
        }
        return n;
    }

    @Override
    public long invalidateByPattern(String pattern) {
        KeyPattern compiled = KeyPattern.compile(pattern);
        stalePattern(compiled);
        long fromFallback = fallback.invalidateByPattern(pattern);
        long removed = redis(redis -> invalidatePatternInRedis(redis, pattern, compiled), () -> {
            missed.pattern(pattern);
            return fromFallback;
        });
        deletes.add(removed);
        return removed;
    }

    private long invalidatePatternInRedis(
            RedisClusterCommands<String, byte[]> redis, String pattern, KeyPattern compiled) {
        List<String> batch = new ArrayList<>();
        long[] n = {0};
        scan(redis, layout.scanPattern(pattern), k -> {
            String userKey = layout.userKey(k);
            if (userKey != null && compiled.matches(userKey)) {
                batch.add(k);
                hotKeys.remove(userKey);
                if (batch.size() >= DELETE_BATCH) {
                    n[0] += deleteEntries(redis, batch);
                    batch.clear();
                }
            }
        });
        if (!batch.isEmpty()) {
            n[0] += deleteEntries(redis, batch);
        }
        return n[0];
    }

    @Override
    public List<String> keys(String pattern) {
        KeyPattern compiled = KeyPattern.compile(pattern);
        return redis(
                redis -> {
                    Set<String> keys = new LinkedHashSet<>();
                    scan(redis, layout.scanPattern(pattern), k -> {
                        String userKey = layout.userKey(k);
                        if (userKey != null && compiled.matches(userKey)) {
                            keys.add(userKey);
                        }
                    });
                    List<String> sorted = new ArrayList<>(keys);
                    Collections.sort(sorted);
                    return List.copyOf(sorted);
                },
                () -> fallback.keys(pattern));
    }

    @Override
    public int warm(Collection<CacheEntry<V>> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        int n = 0;
        for (CacheEntry<V> e : entries) {
            Objects.requireNonNull(e, "entries element must not be null");
            put(e.key(), e.value(), e.options());
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- stats

    /**
     * On a standalone server the size comes from the expiry index (one O(log n) script that also
     * drops the bookkeeping of expired entries and counts them as expirations). On a cluster the index
     * is split by slot, so the size is the last SCAN count, refreshed in the background at most once
     * per {@code sizeRefresh}.
     */
    @Override
    public CacheStats stats() {
        long size;
        long bytes = -1;
        if (layout.cluster()) {
            refreshCountIfStale();
            size = Math.max(0, countedKeys);
        } else {
            long[] r = redis(
                    redis -> {
                        String[] book = layout.bookkeeping("");
                        List<Long> out = SIZE.run(redis, ScriptOutputType.MULTI, book);
                        return new long[] {out.get(0), out.get(1), out.get(2)};
                    },
                    () -> null);
            if (r == null) {
                CacheStats local = fallback.stats();
                size = local.size();
            } else {
                expirations.add(r[0]);
                size = r[1];
                bytes = config.maximumBytes().isPresent() ? r[2] : -1;
            }
        }
        return new CacheStats(
                config.name(),
                hits.sum(),
                misses.sum(),
                sets.sum(),
                deletes.sum(),
                expirations.sum(),
                sizeEvictions.sum(),
                loadSuccesses.sum(),
                loadFailures.sum(),
                loadNanos.sum(),
                size,
                bytes);
    }

    private void refreshCountIfStale() {
        Instant now = connector.config().clock().instant();
        if (Duration.between(countedAt, now).compareTo(connector.config().sizeRefresh()) < 0
                || !connector.usable()
                || !counting.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                countKeys();
            } finally {
                counting.set(false);
            }
        });
    }

    private long countKeys() {
        long n = redis(
                redis -> {
                    long[] count = {0};
                    scan(redis, layout.scanAll(), k -> {
                        if (layout.userKey(k) != null) {
                            count[0]++;
                        }
                    });
                    return count[0];
                },
                () -> -1L);
        if (n >= 0) {
            countedKeys = n;
            countedAt = connector.config().clock().instant();
        }
        return n;
    }

    @Override
    public RedisServerStats serverStats() {
        long[] info = redis(this::serverInfo, () -> null);
        if (info == null) {
            // What is known without the server: the last count of keys, if there was one.
            return new RedisServerStats(
                    -1,
                    -1,
                    countedKeys,
                    countedAt,
                    false,
                    Optional.of(connector.health().lastError().orElse("Redis is not connected")));
        }
        long keys;
        Instant at;
        if (layout.cluster()) {
            if (countedKeys < 0 && counting.compareAndSet(false, true)) {
                try {
                    countKeys();
                } finally {
                    counting.set(false);
                }
            } else {
                refreshCountIfStale();
            }
            keys = countedKeys;
            at = countedAt;
        } else {
            long[] size = redis(
                    redis -> {
                        List<Long> out = SIZE.run(redis, ScriptOutputType.MULTI, layout.bookkeeping(""));
                        return new long[] {out.get(0), out.get(1)};
                    },
                    () -> null);
            if (size == null) {
                keys = countedKeys;
                at = countedAt;
            } else {
                expirations.add(size[0]);
                keys = size[1];
                at = connector.config().clock().instant();
                countedKeys = keys;
                countedAt = at;
            }
        }
        return new RedisServerStats(info[0], info[1], Math.max(-1, keys), at);
    }

    private long[] serverInfo(RedisClusterCommands<String, byte[]> redis) {
        long[] totals = new long[2];
        var cluster = connector.clusterConnection();
        if (cluster.isPresent()) {
            for (RedisClusterNode node : cluster.get().getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    addInfo(
                            totals,
                            cluster.get().getConnection(node.getNodeId()).sync().info());
                }
            }
        } else {
            addInfo(totals, redis.info());
        }
        return totals;
    }

    private static void addInfo(long[] totals, String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                totals[0] +=
                        Long.parseLong(line.substring("used_memory:".length()).trim());
            } else if (line.startsWith("evicted_keys:")) {
                totals[1] +=
                        Long.parseLong(line.substring("evicted_keys:".length()).trim());
            }
        }
    }

    @Override
    public List<HotKey> topKeys(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        int limit = Math.min(n, config.hotKeyCapacity());
        List<HotKey> all = new ArrayList<>();
        hotKeys.forEach((k, v) -> {
            long h = v.sum();
            if (h > 0) {
                all.add(new HotKey(k, h));
            }
        });
        all.sort(Comparator.comparingLong(HotKey::hits).reversed().thenComparing(HotKey::key));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public void resetStats() {
        hits.reset();
        misses.reset();
        sets.reset();
        deletes.reset();
        expirations.reset();
        sizeEvictions.reset();
        loadSuccesses.reset();
        loadFailures.reset();
        loadNanos.reset();
        hotKeys.clear();
    }

    @Override
    public CacheConfig config() {
        return config;
    }

    @Override
    public RedisHealth health() {
        return connector.health();
    }

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

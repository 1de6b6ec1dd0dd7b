package dev.voicetrack.cache.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.spi.AbstractCache;
import dev.voicetrack.cache.spi.HotKeyBoard;
import dev.voicetrack.cache.spi.LoadFailures;
import dev.voicetrack.cache.spi.SingleFlight;
import dev.voicetrack.cache.spi.SingleFlight.Flight;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The in-process cache: Caffeine underneath, with tags, patterns, single-flight loading and stats
 * on top.
 *
 * <h2>Storage and indexes</h2>
 *
 * Caffeine holds {@code key -> Node}. Two indexes point at nodes: a sorted map {@code key -> Node}
 * for pattern look-ups (a pattern's literal prefix selects a range, so {@code user:123:*} visits only
 * keys starting with {@code user:123:}), and {@code tag -> set of Node} for tag invalidation. Every
 * node is indexed when it is stored and unindexed exactly once when it leaves, whatever the cause:
 * replaced (inside the compute that replaces it), removed on request (after the conditional remove
 * that removed it) or evicted (in Caffeine's eviction listener, which runs inside the atomic removal).
 * All index updates are conditional on node identity, so the order in which the cleanup of an old
 * node and the indexing of its successor happen does not matter, and a tag can neither keep a dead
 * entry reachable nor lose a live one. Tag sets are created and dropped with {@code compute} on the
 * tag map, so a node is never added to a set that is being discarded.
 *
 * <h2>Loading</h2>
 *
 * A miss in {@code remember} registers a flight for the key ({@link SingleFlight}) and runs the
 * loader outside any lock; other misses on the key wait for that flight, misses on other keys are
 * not affected (no Caffeine compute around the loader, whose bin lock could block neighbours).
 * Every write and invalidation that could cover the key marks the flight stale before touching the
 * entries, and a stale flight's value is handed to the waiting callers but never stored.
 *
 * <h2>Stats</h2>
 *
 * The counters are {@link AbstractCache}'s; each node is its own hit counter and feeds the {@link
 * HotKeyBoard}, whose reset starts a new epoch that zeroes per-node counts lazily.
 */
public final class LocalCache<V> extends AbstractCache<V> {

    private final ValueIsolation<V> isolation;
    private final com.github.benmanes.caffeine.cache.Cache<String, Node<V>> data;
    private final ConcurrentMap<String, Node<V>> map;
    private final Policy<String, Node<V>> policy;
    private final ConcurrentSkipListMap<String, Node<V>> keyIndex = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, Set<Node<V>>> tagIndex = new ConcurrentHashMap<>();
    private final SingleFlight<Node<V>> flights = new SingleFlight<>();
    private final HotKeyBoard hotKeys;
    private final long maximumEntries;
    private final boolean trimsEntries;
    private final AtomicLong bytes = new AtomicLong();

    public LocalCache(CacheConfig config, ValueIsolation<V> isolation) {
        super(config);
        this.isolation = Objects.requireNonNull(isolation, "isolation");
        this.hotKeys = new HotKeyBoard(config.hotKeyCapacity());
        this.maximumEntries = config.maximumEntries().orElse(Long.MAX_VALUE);

        var ticker = config.ticker();
        Caffeine<String, Node<V>> builder = Caffeine.newBuilder()
                .ticker(ticker::read)
                .executor(Runnable::run)
                .expireAfter(new NodeExpiry<V>())
                .evictionListener(this::onEviction);
        if (config.maximumBytes().isPresent()) {
            builder = builder.maximumWeight(config.maximumBytes().getAsLong())
                    .weigher((String key, Node<V> node) -> (int) Math.min(Integer.MAX_VALUE, node.bytes));
            trimsEntries = config.maximumEntries().isPresent();
        } else {
            if (config.maximumEntries().isPresent()) {
                builder = builder.maximumSize(maximumEntries);
            }
            trimsEntries = false;
        }
        this.data = builder.build();
        this.map = data.asMap();
        this.policy = data.policy();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<V> get(String key) {
        checkKey(key);
        Node<V> node = data.getIfPresent(key);
        if (node == null) {
            misses.increment();
            evictIfExpired(key);
            return Optional.empty();
        }
        recordHit(node);
        return node.isAbsent() ? Optional.empty() : Optional.of(isolation.onRead(node.value));
    }

    @Override
    public Map<String, V> getAll(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        Map<String, V> result = new LinkedHashMap<>();
        for (String key : keys) {
            get(key).ifPresent(v -> result.put(key, v));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public boolean contains(String key) {
        checkKey(key);
        Node<V> node = policy.getIfPresentQuietly(key);
        return node != null && !node.isAbsent();
    }

    /**
     * Caffeine hides an expired entry from reads at once but evicts it when its timer-wheel bucket
     * turns, up to about a second later. A miss on a key that still has a node removes that node now,
     * so expirations and size are up to date for every key that was read. Costs one index look-up,
     * on misses only. The node is judged by its own TTL, not by its absence from the map: a node is
     * indexed just before the compute that stores it returns, and must not be mistaken for expired
     * in that window.
     */
    private void evictIfExpired(String key) {
        Node<V> stale = keyIndex.get(key);
        if (stale != null && stale.expiredAt(config.ticker().read())) {
            map.remove(key, stale); // Caffeine reports an expired node to the eviction listener
        }
    }

    private void recordHit(Node<V> node) {
        hits.increment();
        if (hotKeys.enabled()) {
            hotKeys.onHit(node);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, V value, WriteOptions options) {
        checkKey(key);
        Objects.requireNonNull(value, "value must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Node<V> node = newNode(key, isolation.onWrite(key, value), options, config.ttlOf(options));
        flights.staleKey(key);
        store(node);
    }

    private Node<V> newNode(String key, @Nullable V value, WriteOptions options, java.time.Duration ttl) {
        Set<String> tagSet = options.tags();
        String[] tags = tagSet.isEmpty() ? NO_TAGS : tagSet.toArray(NO_TAGS);
        long ttlNanos = saturatedNanos(ttl);
        return new Node<>(key, value, tags, ttlNanos, SizeEstimator.entryBytes(key, value), hotKeys.epoch());
    }

    private static final String[] NO_TAGS = new String[0];

    private static long saturatedNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** Stores a node, replacing and unindexing whatever node held the key. */
    private void store(Node<V> node) {
        map.compute(node.key(), (k, old) -> {
            if (old != null) {
                unindex(old);
            }
            index(node);
            return node;
        });
        sets.increment();
        if (trimsEntries) {
            trimToEntryBound();
        }
    }

    private void index(Node<V> node) {
        node.indexedAtNanos = config.ticker().read();
        keyIndex.put(node.key(), node);
        for (String tag : node.tags) {
            tagIndex.compute(tag, (t, set) -> {
                Set<Node<V>> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(node);
                return s;
            });
        }
        bytes.addAndGet(node.bytes);
    }

    /** Removes a node from the indexes; idempotent, so every removal path may call it. */
    private void unindex(Node<V> node) {
        if (!node.retire()) {
            return;
        }
        keyIndex.remove(node.key(), node);
        for (String tag : node.tags) {
            tagIndex.computeIfPresent(tag, (t, set) -> {
                set.remove(node);
                return set.isEmpty() ? null : set;
            });
        }
        bytes.addAndGet(-node.bytes);
    }

    private void onEviction(@Nullable String key, @Nullable Node<V> node, RemovalCause cause) {
        if (node == null) {
            return;
        }
        unindex(node);
        if (cause == RemovalCause.EXPIRED) {
            expirations.increment();
        } else if (cause == RemovalCause.SIZE) {
            sizeEvictions.increment();
        }
    }

    /** With both a byte and an entry bound, Caffeine enforces bytes and this enforces entries. */
    private void trimToEntryBound() {
        long excess = data.estimatedSize() - maximumEntries;
        if (excess <= 0) {
            return;
        }
        var eviction = policy.eviction().orElseThrow();
        for (Map.Entry<String, Node<V>> e :
                eviction.coldest((int) Math.min(excess, Integer.MAX_VALUE)).entrySet()) {
            if (map.remove(e.getKey(), e.getValue())) {
                unindex(e.getValue());
                sizeEvictions.increment();
            }
        }
    }

    // ---------------------------------------------------------------- removal

    @Override
    public boolean delete(String key) {
        checkKey(key);
        flights.staleKey(key);
        Node<V> node = keyIndex.get(key);
        return node != null && removeNode(node);
    }

    /** Removes exactly this node if it is still stored; counts it as a delete. */
    private boolean removeNode(Node<V> node) {
        if (map.remove(node.key(), node)) {
            unindex(node);
            deletes.increment();
            return true;
        }
        return false;
    }

    @Override
    public void clear() {
        flights.staleAll();
        for (Node<V> node : keyIndex.values()) {
            removeNode(node);
        }
        data.cleanUp();
    }

    @Override
    public long invalidateByTag(String tag) {
        return invalidateByTags(List.of(WriteOptions.checkTag(tag)));
    }

    @Override
    public long invalidateByTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        List<String> checked = new ArrayList<>(tags.size());
        for (String tag : tags) {
            checked.add(WriteOptions.checkTag(tag));
        }
        flights.staleTags(checked);
        long removed = 0;
        for (String tag : checked) {
            Set<Node<V>> nodes = tagIndex.get(tag);
            if (nodes == null) {
                continue;
            }
            for (Node<V> node : nodes) {
                if (removeNode(node)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public long invalidateByPattern(String pattern) {
        KeyPattern p = KeyPattern.compile(pattern);
        flights.stalePattern(p);
        long removed = 0;
        for (Node<V> node : candidates(p)) {
            if (p.matches(node.key()) && removeNode(node)) {
                removed++;
            }
        }
        return removed;
    }

    @Override
    public List<String> keys(String pattern) {
        KeyPattern p = KeyPattern.compile(pattern);
        List<String> keys = new ArrayList<>();
        for (Node<V> node : candidates(p)) {
            if (p.matches(node.key()) && policy.getIfPresentQuietly(node.key()) == node && !node.isAbsent()) {
                keys.add(node.key());
            }
        }
        return Collections.unmodifiableList(keys);
    }

    /** The nodes whose keys start with the pattern's literal prefix, from the sorted index. */
    private Iterable<Node<V>> candidates(KeyPattern pattern) {
        String prefix = pattern.literalPrefix();
        if (pattern.isExact()) {
            Node<V> node = keyIndex.get(prefix);
            return node == null ? List.of() : List.of(node);
        }
        if (prefix.isEmpty()) {
            return keyIndex.values();
        }
        return () -> new java.util.Iterator<>() {
            private final java.util.Iterator<Map.Entry<String, Node<V>>> it =
                    keyIndex.tailMap(prefix, true).entrySet().iterator();
            private @Nullable Node<V> next = advance();

            private @Nullable Node<V> advance() {
                if (it.hasNext()) {
                    Map.Entry<String, Node<V>> e = it.next();
                    if (e.getKey().startsWith(prefix)) {
                        return e.getValue();
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Node<V> next() {
                Node<V> current = next;
                if (current == null) {
                    throw new java.util.NoSuchElementException();
                }
                next = advance();
                return current;
            }
        };
    }

    // ---------------------------------------------------------------- loading

    @Override
    public V remember(String key, WriteOptions options, Loader<? extends V> loader) {
        return remember(key, options, loader, true);
    }

    @Override
    public V preload(String key, WriteOptions options, Loader<? extends V> loader) {
        return remember(key, options, loader, false);
    }

    private V remember(String key, WriteOptions options, Loader<? extends V> loader, boolean read) {
        checkKey(key);
        checkRemember(options, loader);
        java.time.Duration ttl = config.ttlOf(options);
        Node<V> node = data.getIfPresent(key);
        if (node != null && !node.isAbsent()) {
            if (read) {
                recordHit(node);
            }
            return isolation.onRead(node.value);
        }
        if (read) {
            misses.increment();
        }
        if (node == null) {
            evictIfExpired(key);
        }
        while (true) {
            Node<V> loaded = load(key, options, ttl, false, () -> loaded(key, loader.load()));
            if (!loaded.isAbsent()) {
                return isolation.onRead(loaded.value);
            }
            // We joined a rememberOptional load that found nothing; this caller needs a value.
        }
    }

    @Override
    public Optional<V> rememberOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        return rememberOptional(key, options, loader, true);
    }

    @Override
    public Optional<V> preloadOptional(String key, WriteOptions options, Loader<Optional<V>> loader) {
        return rememberOptional(key, options, loader, false);
    }

    private Optional<V> rememberOptional(String key, WriteOptions options, Loader<Optional<V>> loader, boolean read) {
        checkKey(key);
        checkRemember(options, loader);
        java.time.Duration ttl = config.ttlOf(options);
        Node<V> node = data.getIfPresent(key);
        if (node != null) {
            if (read) {
                recordHit(node);
            }
            return node.isAbsent() ? Optional.empty() : Optional.of(isolation.onRead(node.value));
        }
        if (read) {
            misses.increment();
        }
        evictIfExpired(key);
        Node<V> loaded = load(key, options, ttl, true, () -> loadedOptional(key, loader.load())
                .orElse(null));
        return loaded.isAbsent() ? Optional.empty() : Optional.of(isolation.onRead(loaded.value));
    }

    /**
     * Runs one flight for {@code key}, or joins the one in progress. Returns the node the flight
     * produced, whether or not it was stored.
     */
    private Node<V> load(
            String key,
            WriteOptions options,
            java.time.Duration ttl,
            boolean acceptAbsent,
            Loader<@Nullable V> loader) {
        Flight<Node<V>> flight = new Flight<>(key, options.tags());
        Flight<Node<V>> running = flights.join(flight);
        if (running != null) {
            return running.await();
        }
        try {
            // A flight that finished between our miss and our registration has already stored its value.
            Node<V> stored = data.getIfPresent(key);
            if (stored != null && (acceptAbsent || !stored.isAbsent())) {
                flights.unregister(flight);
                flight.complete(stored);
                return stored;
            }
            long start = config.ticker().read();
            Node<V> node;
            try {
                @Nullable V value = loader.load();
                V safe = value == null ? null : isolation.onWrite(key, value);
                node = newNode(key, safe, options, safe == null ? config.negativeTtl() : ttl);
                loadSuccesses.increment();
            } catch (Throwable t) {
                loadFailures.increment();
                flights.unregister(flight);
                flight.fail(t);
                throw LoadFailures.propagate(key, t);
            } finally {
                loadNanos.add(Math.max(0, config.ticker().read() - start));
            }
            flight.storeIfCurrent(() -> store(node));
            flights.unregister(flight);
            flight.complete(node);
            return node;
        } finally {
            flights.finish(flight);
        }
    }

    // ---------------------------------------------------------------- stats

    @Override
    public CacheStats stats() {
        data.cleanUp(); // amortised maintenance only: drains buffers and expired entries, never a scan
        return snapshot(data.estimatedSize(), bytes.get());
    }

    @Override
    public List<HotKey> topKeys(int n) {
        checkTopKeys(n);
        if (n == 0 || !hotKeys.enabled()) {
            return List.of();
        }
        data.cleanUp();
        return hotKeys.top(n);
    }

    @Override
    public void resetStats() {
        resetCounters();
        hotKeys.reset();
    }

    @Override
    public void close() {
        clear();
    }

    @Override
    public String toString() {
        return "InProcessCache[" + config.name() + ", size=" + data.estimatedSize() + "]";
    }

    /** Per-node variable expiry: each node carries its own TTL; reads do not extend it. */
    private static final class NodeExpiry<V> implements Expiry<String, Node<V>> {
        @Override
        public long expireAfterCreate(String key, Node<V> node, long currentTime) {
            return node.ttlNanos;
        }

        @Override
        public long expireAfterUpdate(String key, Node<V> node, long currentTime, long currentDuration) {
            return node.ttlNanos;
        }

        @Override
        public long expireAfterRead(String key, Node<V> node, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}

package dev.voicetrack.cache.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-process cache: Caffeine underneath, with tags, patterns, single-flight loading and stats
 * on top.
 *
 * <h2>Storage and indexes</h2>
 *
 * Caffeine holds {@code key -> Node}. Two indexes hold a key's {@link KeySlot}: the sorted {@link
 * KeyIndex} for pattern look-ups, and the {@link TagIndex} for tag invalidation. {@link EntryIndex}
 * decides, inside the compute that stores a node, whether the node inherits its predecessor's slot
 * (same tags: no index is written) or gets a new one, and retires a slot once its key's node leaves
 * without a successor; its notes give the invariants and why they hold under concurrency. A slot's
 * current node is the node stored under its key whose {@code slot} is that slot; removals find it
 * through the map ({@link #currentNode}), and every removal is conditional on the exact node ({@code
 * remove(key, node)}), so a newer node under the same key is never touched by the cleanup of an
 * older one. Size is Caffeine's own count.
 *
 * <h2>Expiry</h2>
 *
 * Each node carries its TTL ({@link NodeExpiry}); a compute that keeps a node keeps its expiry. A
 * miss on a key whose slot is live lets Caffeine evict the expired node it hides at once ({@link
 * #evictIfExpired}) rather than when its timer-wheel bucket turns. Evictions reach {@link
 * #onEviction} inside Caffeine's atomic removal, which unindexes the node there.
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

    /** Dead key-index slots tolerated before a sweep, however small the cache. */
    static final int MIN_DEAD_SLOTS_BEFORE_SWEEP = KeyIndex.MIN_DEAD_SLOTS_BEFORE_SWEEP;

    private final ValueIsolation<V> isolation;
    private final com.github.benmanes.caffeine.cache.Cache<String, Node<V>> data;
    private final ConcurrentMap<String, Node<V>> map;
    private final Policy<String, Node<V>> policy;
    private final EntryIndex index = new EntryIndex();
    private final KeyIndex keyIndex = index.keys;
    private final TagIndex tagIndex = index.tags;
    private final LongSupplier size;

    private final SingleFlight<Node<V>> flights = new SingleFlight<>();
    private final HotKeyBoard hotKeys;
    private final long maximumEntries;
    private final boolean trimsEntries;

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
        this.size = data::estimatedSize;
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
     * turns, up to about a second later. A miss on a key that still has a live slot evicts its hidden
     * node now, so expirations and size are up to date for every key that was read. Costs one index
     * look-up, on misses only.
     */
    private void evictIfExpired(String key) {
        KeySlot slot = keyIndex.get(key);
        if (slot != null && !slot.dead) {
            evictHidden(key);
        }
    }

    /**
     * Makes Caffeine evict the key's node if it has expired (reported to the eviction listener as
     * expired); a live node is left as it is: the identity compute keeps its value, and its expiry,
     * since the node's expiry is already {@link Node#scheduled}.
     */
    private void evictHidden(String key) {
        map.computeIfPresent(key, (k, node) -> node);
    }

    /** The node stored now for the slot's key, if it belongs to the slot and has not expired. */
    private @Nullable Node<V> currentNode(KeySlot slot) {
        Node<V> node = policy.getIfPresentQuietly(slot.key);
        return node != null && node.slot == slot ? node : null;
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
        return new Node<>(key, value, tags, tagSet, ttlNanos, SizeEstimator.entryBytes(key, value), hotKeys.epoch());
    }

    private static final String[] NO_TAGS = new String[0];

    private static long saturatedNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Stores a node. A node that replaces another with the same tags takes over its slot inside the
     * compute, so the indexes do not change; a node with no predecessor, or with other tags than its
     * predecessor, gets a new slot.
     */
    private void store(Node<V> node) {
        map.compute(node.key(), (k, old) -> {
            if (old != null && old.retire()) {
                index.replace(old, node);
            } else {
                index.index(node);
            }
            return node;
        });
        sets.increment();
        if (trimsEntries) {
            trimToEntryBound();
        }
        maybeSweep();
    }

    /**
     * Removes the node stored now for {@code slot} (for {@link TagIndex#invalidate}) and unindexes it:
     * from every tag if {@code invalidated} is null, else from the invalidated tag's slots only, adding
     * up the rest in {@code removals}; see {@link EntryIndex#unindexInvalidated}. Not counted as a
     * delete here: the caller counts its removals once.
     */
    private boolean removeCurrent(
            KeySlot slot, @Nullable Map<String, KeySlot> invalidated, EntryIndex.Removals removals) {
        Node<V> node = slot.dead ? null : currentNode(slot);
        if (node == null || !map.remove(node.key(), node)) {
            return false;
        }
        if (invalidated == null) {
            index.unindex(node);
        } else {
            index.unindexInvalidated(node, invalidated, removals);
        }
        return true;
    }

    /** Unindexes a node that left the map without a successor; see {@link EntryIndex#unindex}. */
    private void unindex(Node<V> node) {
        index.unindex(node);
    }

    /**
     * Sweeps dead slots from the key index and the tags if they have piled up; see {@link
     * KeyIndex#sweepIfNeeded} and {@link TagIndex#sweepIfNeeded}.
     */
    private void maybeSweep() {
        keyIndex.sweepIfNeeded(size);
        tagIndex.sweepIfNeeded(size);
    }

    private void onEviction(@Nullable String key, @Nullable Node<V> node, RemovalCause cause) {
        if (node == null) {
            return;
        }
        unindex(node); // inside Caffeine's atomic removal; the next write or removal sweeps if needed
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
        // The node stored now; if a put replaces it before we remove it, remove its successor instead.
        Node<V> node;
        while ((node = policy.getIfPresentQuietly(key)) != null) {
            if (map.remove(key, node)) {
                unindex(node);
                deletes.increment();
                maybeSweep();
                return true;
            }
        }
        evictIfExpired(key);
        return false;
    }

    /** Removes exactly this node if it is still stored; counts it as a delete. */
    private boolean removeNode(Node<V> node) {
        if (map.remove(node.key(), node)) {
            index.unindex(node);
            deletes.increment();
            return true;
        }
        return false;
    }

    @Override
    public void clear() {
        flights.staleAll();
        for (KeySlot slot : keyIndex.all()) {
            if (!slot.dead) {
                Node<V> node = currentNode(slot);
                if (node != null) {
                    removeNode(node);
                } else {
                    evictHidden(slot.key);
                }
            }
        }
        data.cleanUp();
        maybeSweep();
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
        EntryIndex.Removals removals = new EntryIndex.Removals();
        TagIndex.SlotRemoval removal = (slot, invalidated) -> removeCurrent(slot, invalidated, removals);
        long removed = 0;
        for (String tag : checked) {
            removed += tagIndex.invalidate(tag, removal);
        }
        index.apply(removals);
        deletes.add(removed);
        maybeSweep();
        return removed;
    }

    @Override
    public long invalidateByPattern(String pattern) {
        KeyPattern p = KeyPattern.compile(pattern);
        flights.stalePattern(p);
        long removed = 0;
        for (KeySlot slot : keyIndex.candidates(p)) {
            Node<V> node = p.matches(slot.key) ? currentNode(slot) : null;
            if (node != null && removeNode(node)) {
                removed++;
            }
        }
        maybeSweep();
        return removed;
    }

    @Override
    public List<String> keys(String pattern) {
        KeyPattern p = KeyPattern.compile(pattern);
        List<String> keys = new ArrayList<>();
        for (KeySlot slot : keyIndex.candidates(p)) {
            Node<V> node = p.matches(slot.key) ? currentNode(slot) : null;
            if (node != null && !node.isAbsent()) {
                keys.add(slot.key);
            }
        }
        return Collections.unmodifiableList(keys);
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
        return snapshot(data.estimatedSize(), index.bytes());
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

    // ---------------------------------------------------------------- diagnostics

    /**
     * Checks, on a quiescent cache (no call in progress), that the indexes agree with Caffeine's map;
     * see {@link EntryIndex#problems}. Returns the problems found, empty when there are none. For
     * tests; costs a pass over every index.
     */
    List<String> indexProblems() {
        data.cleanUp();
        return index.problems(map);
    }

    /** The number of slots in the sorted key index, dead ones included. For tests. */
    int keyIndexSize() {
        return keyIndex.size();
    }

    /** The number of tags that hold a slot, dead or alive. For tests. */
    int tagIndexSize() {
        return tagIndex.tags().size();
    }

    /** The dead tag entries left by tag invalidations since the last tag sweep. For tests. */
    long deadTagEntries() {
        return tagIndex.deadEntries();
    }

    /** The number of sweeps of dead tag entries run so far. For tests. */
    long tagSweeps() {
        return tagIndex.sweeps();
    }
}

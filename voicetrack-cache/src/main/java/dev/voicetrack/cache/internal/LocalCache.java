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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The in-process cache: Caffeine underneath, with tags, patterns, single-flight loading and stats
 * on top.
 *
 * <h2>Storage and indexes</h2>
 *
 * Caffeine holds {@code key -> Node}. Two indexes hold a key's {@link KeySlot}: a sorted map {@code
 * key -> slot} for pattern look-ups (a pattern's literal prefix selects a range, so {@code user:123:*}
 * visits only keys starting with {@code user:123:}), and {@code tag -> slots} for tag invalidation (a
 * tag with one key holds its slot directly, a tag with more a map by key). A slot's current node is
 * the node stored under its key whose {@code slot} is that slot; removals find it through the map.
 *
 * <p>A slot belongs to one unbroken stay of its key in the map with one set of tags. A node stored
 * under a key with no node, or with other tags than the node it replaces, gets a new slot, indexed
 * inside the compute that stores it, so it is in the key index and in all its tags before any reader
 * can see it. A node that replaces another with the same tags, the common write of a refreshed entry,
 * inherits the old node's slot inside the replacing compute ({@code new.slot = old.slot}, and the old
 * node is retired): no index and not even the slot is written, so the put costs Caffeine's compute
 * and a few field writes. A node that leaves without a successor (removed on request after the
 * conditional remove that removed it, or evicted in Caffeine's eviction listener, inside the atomic
 * removal) is retired once, by whoever gets there first, and its slot leaves its tags and is marked
 * dead. So every node of a slot carries the slot's tags, and tag invalidation never reads a node's
 * tags.
 *
 * <p>Why this holds under concurrency: retiring is a compare-and-set, and a node is retired either by
 * the compute that replaces it (then its slot lives on with the successor or dies inside that
 * compute, and no removal can later succeed on the retired node, since it is no longer in the map) or
 * after it left the map (then no compute can hand its slot on, since hand-over needs the node in the
 * map). So a slot is never both handed on and killed, and a dead slot is never revived. Every index
 * removal is conditional on the slot's identity ({@code remove(key, slot)}), so the late cleanup of a
 * dead slot never touches the new slot of a key stored again in between. A tag's value is created,
 * replaced and dropped only under that tag's bin lock in the tag map, and a tag's map is dropped only
 * once it is empty, so a slot is never added to a map that is being discarded. Size is Caffeine's own
 * count; the byte total is a sum of signed deltas, each node added once when stored and subtracted
 * once when it leaves.
 *
 * <p>Dead slots leave the sorted key index lazily: a later put of the key overwrites the dead slot in
 * the skip-list search a new key needs anyway, and the rest are swept in one pass once they outnumber
 * the live entries. Scans skip dead slots, so removing an entry costs no skip-list search.
 *
 * <h2>Expiry</h2>
 *
 * Each node carries its TTL, scheduled by Caffeine from its own clock reading when the node is stored;
 * a compute that keeps a node keeps its expiry. A miss on a key whose slot is live lets Caffeine evict
 * the expired node it hides at once ({@link #evictIfExpired}) rather than when its timer-wheel bucket
 * turns.
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
    private final ConcurrentSkipListMap<String, KeySlot> keyIndex = new ConcurrentSkipListMap<>();
    /**
     * Tag to the slots that carry it: a tag with one key (a member's own tag, the common case) maps to
     * its {@link KeySlot} directly, a tag with more to a {@code ConcurrentHashMap<String, KeySlot>} by
     * key. Every change of a tag's value runs under the tag's bin lock ({@code compute}).
     */
    private final ConcurrentHashMap<String, Object> tagIndex = new ConcurrentHashMap<>();

    private final SingleFlight<Node<V>> flights = new SingleFlight<>();
    private final HotKeyBoard hotKeys;
    private final long maximumEntries;
    private final boolean trimsEntries;
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong deadSlots = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

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
                replace(old, node);
            } else {
                index(node);
            }
            return node;
        });
        sets.increment();
        if (trimsEntries) {
            trimToEntryBound();
        }
        maybeSweep();
    }

    /** Indexes a node whose key has no node in the map; runs inside the compute that stores it. */
    private void index(Node<V> node) {
        KeySlot slot = new KeySlot(node.key());
        node.slot = slot;
        KeySlot previous = keyIndex.put(node.key(), slot);
        if (previous != null && previous.dead) {
            deadSlots.decrementAndGet();
        }
        for (String tag : node.tags) {
            addToTag(tag, slot);
        }
        bytes.add(node.bytes);
    }

    /**
     * Replaces {@code old}, which the running compute is replacing and has retired, with {@code node}.
     * With the same tags the node takes over the old node's slot ({@code node.slot = old.slot}), the
     * common write of a refreshed entry: no index changes and the slot is not even written. With other tags the node gets a new
     * slot, indexed before the old slot leaves its tags and dies, so every node a slot ever points at
     * carries the same tags and tag invalidation never has to look at a node's tags.
     */
    private void replace(Node<V> old, Node<V> node) {
        KeySlot slot = old.slot;
        if (old.tagSet == node.tagSet || sameTags(old.tags, node.tags)) {
            node.slot = slot;
            long delta = node.bytes - old.bytes;
            if (delta != 0) {
                bytes.add(delta);
            }
            return;
        }
        index(node); // overwrites the old slot in the key index: it is not counted as a dead slot there
        for (String tag : old.tags) {
            removeFromTag(tag, slot);
        }
        slot.dead = true;
        bytes.add(-old.bytes);
    }

    /** Whether two tag arrays hold the same tags; each array's tags are distinct (they come from a set). */
    private static boolean sameTags(String[] a, String[] b) {
        if (a == b) {
            return true;
        }
        if (a.length != b.length) {
            return false;
        }
        for (String tag : a) {
            if (!contains(b, tag)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(String[] tags, String tag) {
        for (String t : tags) {
            if (t.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds the slot to a tag under the tag's bin lock: the tag's first key is stored as the bare slot,
     * a second turns it into a map. A slot replaces an older slot of the same key.
     */
    private void addToTag(String tag, KeySlot slot) {
        tagIndex.compute(tag, (t, current) -> {
            if (current == null) {
                return slot;
            }
            if (current instanceof KeySlot single) {
                if (single.key.equals(slot.key)) {
                    return slot;
                }
                ConcurrentHashMap<String, KeySlot> m = new ConcurrentHashMap<>(4);
                m.put(single.key, single);
                m.put(slot.key, slot);
                return m;
            }
            slotsOf(current).put(slot.key, slot);
            return current;
        });
    }

    /**
     * Removes exactly {@code slot} from a tag (a newer slot of the same key stays), under the tag's bin
     * lock, and drops the tag once no slot is left.
     */
    private void removeFromTag(String tag, KeySlot slot) {
        Object seen = tagIndex.get(tag);
        if (seen == null || seen instanceof KeySlot && seen != slot) {
            return; // not in the tag: a tag's value changes only to a map or a newer slot of the key
        }
        if (seen == slot && tagIndex.remove(tag, slot)) {
            return; // the common one-key tag: an atomic conditional remove, no compute
        }
        tagIndex.computeIfPresent(tag, (t, current) -> {
            if (current == slot) {
                return null;
            }
            if (current instanceof KeySlot) {
                return current;
            }
            ConcurrentHashMap<String, KeySlot> m = slotsOf(current);
            m.remove(slot.key, slot);
            return m.isEmpty() ? null : m;
        });
    }

    /**
     * Removes every entry whose slot is in the tag. Every node a live slot points at carries the
     * slot's tags, so no node's tags are read. The slots of a tag with many keys are removed from the
     * map being iterated (whose entry is at hand), conditionally on the slot, outside the tag's bin
     * lock: a map is only dropped under that lock once it is empty, so it cannot be dropped while it
     * holds the slot, and the drop is re-checked under the lock where additions happen.
     */
    private long invalidateTag(String tag) {
        Object current = tagIndex.get(tag);
        if (current == null) {
            return 0;
        }
        if (current instanceof KeySlot single) {
            Node<V> node = single.dead ? null : currentNode(single);
            return node != null && removeNode(node) ? 1 : 0;
        }
        ConcurrentHashMap<String, KeySlot> slots = slotsOf(current);
        long removed = 0;
        for (KeySlot slot : slots.values()) {
            Node<V> node = slot.dead ? null : currentNode(slot);
            if (node != null && removeNode(node, tag)) {
                slots.remove(slot.key, slot);
                removed++;
            }
        }
        if (slots.isEmpty()) {
            tagIndex.computeIfPresent(tag, (t, now) -> now == slots && slots.isEmpty() ? null : now);
        }
        return removed;
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentHashMap<String, KeySlot> slotsOf(Object tagValue) {
        return (ConcurrentHashMap<String, KeySlot>) tagValue;
    }

    /** The slots a tag holds now (a live view for a map), empty for an unknown tag. */
    private Collection<KeySlot> slotsOfTag(String tag) {
        Object current = tagIndex.get(tag);
        if (current == null) {
            return List.of();
        }
        if (current instanceof KeySlot single) {
            return List.of(single);
        }
        return slotsOf(current).values();
    }

    /**
     * Unindexes a node that left the map without a successor (removed or evicted); idempotent, so
     * every removal path may call it. Such a node still owns its slot (a node is retired before its
     * slot is handed on), so the slot leaves its tags and dies with it. Every index removal is
     * conditional on the slot, so a new slot of the key, stored in between, stays. The dead slot stays
     * in the sorted key index: a put of the key overwrites it in the search a new key needs anyway,
     * and {@link #maybeSweep} removes the rest in bulk.
     */
    private void unindex(Node<V> node) {
        unindex(node, null);
    }

    /** {@link #unindex(Node)}, leaving the slot in {@code keptTag}, whose caller removes it there. */
    private void unindex(Node<V> node, @Nullable String keptTag) {
        if (!node.retire()) {
            return;
        }
        KeySlot slot = node.slot;
        for (String tag : node.tags) {
            if (!tag.equals(keptTag)) {
                removeFromTag(tag, slot);
            }
        }
        bytes.add(-node.bytes);
        slot.dead = true;
        deadSlots.incrementAndGet();
    }

    /**
     * Removes the dead slots from the sorted key index once they outnumber both the live entries and
     * {@value #MIN_DEAD_SLOTS_BEFORE_SWEEP}: one pass over the index for at least as many removals, so
     * the index holds at most about twice the live keys and a removal costs no skip-list search of its
     * own. Called outside any lock; one thread sweeps at a time and the others go on.
     */
    private void maybeSweep() {
        long dead = deadSlots.get();
        if (dead <= MIN_DEAD_SLOTS_BEFORE_SWEEP || dead <= data.estimatedSize()) {
            return;
        }
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            deadSlots.set(0);
            for (KeySlot slot : keyIndex.values()) {
                if (slot.dead) {
                    keyIndex.remove(slot.key, slot);
                }
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Dead key-index slots tolerated before a sweep, however small the cache. */
    static final int MIN_DEAD_SLOTS_BEFORE_SWEEP = 4096;

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
        return removeNode(node, null);
    }

    /** {@link #removeNode(Node)}, leaving the slot in {@code keptTag} for the caller to remove. */
    private boolean removeNode(Node<V> node, @Nullable String keptTag) {
        if (map.remove(node.key(), node)) {
            unindex(node, keptTag);
            deletes.increment();
            return true;
        }
        return false;
    }

    @Override
    public void clear() {
        flights.staleAll();
        for (KeySlot slot : keyIndex.values()) {
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
        long removed = 0;
        for (String tag : checked) {
            removed += invalidateTag(tag);
        }
        maybeSweep();
        return removed;
    }

    @Override
    public long invalidateByPattern(String pattern) {
        KeyPattern p = KeyPattern.compile(pattern);
        flights.stalePattern(p);
        long removed = 0;
        for (KeySlot slot : candidates(p)) {
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
        for (KeySlot slot : candidates(p)) {
            Node<V> node = p.matches(slot.key) ? currentNode(slot) : null;
            if (node != null && !node.isAbsent()) {
                keys.add(slot.key);
            }
        }
        return Collections.unmodifiableList(keys);
    }

    /** The live slots whose keys start with the pattern's literal prefix, from the sorted index. */
    private Iterable<KeySlot> candidates(KeyPattern pattern) {
        String prefix = pattern.literalPrefix();
        if (pattern.isExact()) {
            KeySlot slot = keyIndex.get(prefix);
            return slot == null || slot.dead ? List.of() : List.of(slot);
        }
        Collection<KeySlot> range = prefix.isEmpty()
                ? keyIndex.values()
                : keyIndex.tailMap(prefix, true).values();
        return () -> new java.util.Iterator<>() {
            private final java.util.Iterator<KeySlot> it = range.iterator();
            private @Nullable KeySlot next = advance();

            private @Nullable KeySlot advance() {
                while (it.hasNext()) {
                    KeySlot slot = it.next();
                    if (!slot.key.startsWith(prefix)) {
                        return null;
                    }
                    if (!slot.dead) {
                        return slot;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public KeySlot next() {
                KeySlot current = next;
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
        return snapshot(data.estimatedSize(), bytes.sum());
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
     * Checks, on a quiescent cache (no call in progress), that the indexes agree with Caffeine's map:
     * every stored node owns a live slot that the key index and each of its tags point at; every tag
     * entry is a live slot whose node is stored and carries the tag; no tag's map is empty; the byte
     * total is the sum of the stored nodes'; and dead slots are within twice what a sweep allows. Returns
     * the problems found, empty when there are none. For tests; costs a pass over every index.
     */
    List<String> indexProblems() {
        data.cleanUp();
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Node<V>> e : map.entrySet()) {
            Node<V> node = e.getValue();
            KeySlot slot = node.slot;
            total += node.bytes;
            if (!node.isLive()) {
                problems.add("stored node of " + e.getKey() + " is retired");
            }
            if (slot == null || slot.dead) {
                problems.add("stored node of " + e.getKey() + " does not own a live slot");
                continue;
            }
            if (keyIndex.get(e.getKey()) != slot) {
                problems.add("key index misses the slot of " + e.getKey());
            }
            for (String tag : node.tags) {
                if (!slotsOfTag(tag).contains(slot)) {
                    problems.add("tag " + tag + " misses " + e.getKey());
                }
            }
        }
        for (String tag : tagIndex.keySet()) {
            Collection<KeySlot> slots = slotsOfTag(tag);
            if (slots.isEmpty()) {
                problems.add("tag " + tag + " has an empty map");
            }
            for (KeySlot slot : slots) {
                Node<V> node = map.get(slot.key);
                if (slot.dead || node == null || node.slot != slot || !contains(node.tags, tag)) {
                    problems.add("tag " + tag + " holds a stale slot for " + slot.key);
                }
            }
        }
        long dead = 0;
        for (KeySlot slot : keyIndex.values()) {
            if (slot.dead) {
                dead++;
            } else if (map.get(slot.key) == null || map.get(slot.key).slot != slot) {
                problems.add("key index holds a live slot for " + slot.key + " whose node is not stored");
            }
        }
        // The sweep's trigger counts deaths approximately under races, hence the slack.
        if (dead > 2L * Math.max(MIN_DEAD_SLOTS_BEFORE_SWEEP, map.size())) {
            problems.add("key index holds " + dead + " dead slots for " + map.size() + " entries");
        }
        if (bytes.sum() != total) {
            problems.add("byte total " + bytes.sum() + ", stored nodes weigh " + total);
        }
        return problems;
    }

    /** The number of slots in the sorted key index, dead ones included. For tests. */
    int keyIndexSize() {
        return keyIndex.size();
    }

    /**
     * Per-node variable expiry: each node carries its own TTL from the moment it is stored; reads do
     * not extend it, and neither does a compute that keeps the node.
     */
    private static final class NodeExpiry<V> implements Expiry<String, Node<V>> {
        @Override
        public long expireAfterCreate(String key, Node<V> node, long currentTime) {
            node.scheduled = true;
            return node.ttlNanos;
        }

        /** A new node gets its TTL; the same node stored again (a no-op compute) keeps its expiry. */
        @Override
        public long expireAfterUpdate(String key, Node<V> node, long currentTime, long currentDuration) {
            if (node.scheduled) {
                return currentDuration;
            }
            node.scheduled = true;
            return node.ttlNanos;
        }

        @Override
        public long expireAfterRead(String key, Node<V> node, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}

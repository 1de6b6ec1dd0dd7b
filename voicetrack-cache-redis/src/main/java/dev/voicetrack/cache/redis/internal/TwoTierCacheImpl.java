package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.JacksonCodec;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisServerStats;
import dev.voicetrack.cache.redis.Subscription;
import dev.voicetrack.cache.redis.ValueCodec;
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
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-tier cache: an in-process tier ({@link #local}) in front of a {@link RedisCacheImpl} whose
 * fallback is that same tier, so that while Redis is unreachable every call runs on it.
 *
 * <h2>Keeping the tiers consistent</h2>
 *
 * <ul>
 *   <li>Writes and invalidations go to Redis first, then are published; other instances drop the
 *       affected entries from their in-process tier on receipt.
 *   <li>A fill (a Redis hit copied into the in-process tier) or a local write happens only if no
 *       invalidation concerning the key arrived while Redis was being read or written: the same
 *       striped epochs as in {@link RedisCacheImpl} are bumped by every received message. Without
 *       that, a message that arrives between our Redis read and our fill would be undone by the fill.
 *   <li>{@link #synced} is false after start, from every connection loss (its event, or the prober
 *       finding the connection unusable, whichever comes first) and after every reconnect: the
 *       in-process tier is then neither read nor filled. A probe with a fresh token is published every {@link #PROBE_EVERY};
 *       when this instance receives its own current token, its subscription is provably live, so the
 *       tier is cleared (it may have missed messages) and used again.
 *   <li>Invalidations made while Redis cannot be used (down, or bypassed after a timeout) are kept
 *       ({@link #unsent}, at most {@value #MAX_UNSENT}; a tag invalidation, or more than that, is kept
 *       as one "clear", since only Redis knows which keys a tag covered) and published when Redis can
 *       be used again, so other instances drop the copies they hold of what changed meanwhile.
 * </ul>
 */
public final class TwoTierCacheImpl<V> implements RedisCache<V> {

    private static final Logger LOG = LoggerFactory.getLogger(TwoTierCacheImpl.class);
    private static final ValueCodec<Invalidation> MESSAGES = JacksonCodec.of(Invalidation.class);
    private static final Duration PROBE_EVERY = Duration.ofMillis(100);
    private static final int STRIPES = 1024;
    private static final int MAX_UNSENT = 1_000;
    /** Bounds a batched invalidation's message (and a receiver's work per message). */
    public static final int MAX_TAGS_PER_MESSAGE = 1_000;

    private final Connector connector;
    private final CacheConfig config;
    private final Cache<V> local;
    private final RedisCacheImpl<V> remote;
    private final PubSubImpl pubSub;
    private final Subscription subscription;
    private final String channel;
    private final String origin = UUID.randomUUID().toString();
    private final ScheduledExecutorService prober;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicLongArray keyEpochs = new AtomicLongArray(STRIPES);
    private final AtomicLong globalEpoch = new AtomicLong();

    private volatile boolean synced;
    private final List<Invalidation> unsent = new ArrayList<>(); // guarded by itself
    private volatile String probeToken = UUID.randomUUID().toString();

    public TwoTierCacheImpl(
            Connector connector,
            boolean ownsConnector,
            CacheConfig config,
            ValueCodec<V> codec,
            ValueIsolation<V> isolation) {
        this.connector = connector;
        this.config = config;
        this.local = InProcessCache.create(config, ValueIsolation.copying(codec::copy));
        this.remote = new RedisCacheImpl<>(connector, ownsConnector, config, codec, isolation, local);
        this.channel = KeyLayout.META + "inv:" + config.name();
        this.pubSub = new PubSubImpl(connector);
        this.subscription = pubSub.subscribe(channel, MESSAGES, this::onMessage);
        connector.onReconnect(this::desync);
        connector.onReconnect(this::publishUnsent);
        connector.beforeResume(this::publishUnsent);
        connector.onLoss(this::desync);
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voicetrack-two-tier-probe");
            t.setDaemon(true);
            return t;
        });
        prober.scheduleWithFixedDelay(this::probe, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- synchronisation

    private void desync() {
        synced = false;
        probeToken = UUID.randomUUID().toString();
        bumpAll();
    }

    private void probe() {
        if (!connector.usable()) {
            if (synced) {
                desync(); // seen down, whether or not the loss event has arrived yet
            }
            return;
        }
        if (synced) {
            return;
        }
        pubSub.publish(channel, new Invalidation(origin, "probe", List.of(), probeToken, List.of()), MESSAGES);
    }

    private void onMessage(Invalidation m) {
        if (m.origin().equals(origin)) {
            if ("probe".equals(m.kind()) && probeToken.equals(m.arg()) && !synced) {
                bumpAll();
                local.clear();
                synced = true;
            }
            return;
        }
        switch (m.kind()) {
            case "keys" -> m.keys().forEach(k -> {
                bumpKey(k);
                local.delete(k);
            });
            case "tag" -> {
                bumpAll();
                local.invalidateByTag(Objects.requireNonNull(m.arg()));
                m.keys().forEach(local::delete);
            }
            case "tags" -> {
                bumpAll();
                local.invalidateByTags(m.tags());
                m.keys().forEach(local::delete);
            }
            case "pattern" -> {
                bumpAll();
                local.invalidateByPattern(Objects.requireNonNull(m.arg()));
            }
            case "clear" -> {
                bumpAll();
                local.clear();
            }
            case "probe" -> {}
            default -> LOG.debug("unknown invalidation kind {}", m.kind());
        }
    }

    private void publish(String kind, List<String> keys, @Nullable String arg) {
        publish(kind, keys, arg, List.of());
    }

    private void publish(String kind, List<String> keys, @Nullable String arg, List<String> tags) {
        if (!connector.usable()) {
            // Which keys a tag covered is known only to Redis (in-process copies carry no tags), so a
            // kept tag invalidation goes out as a clear, as do more than MAX_UNSENT messages.
            boolean clear = kind.equals("clear") || kind.equals("tag") || kind.equals("tags");
            synchronized (unsent) {
                if (clear || unsent.size() >= MAX_UNSENT) {
                    unsent.clear();
                    unsent.add(new Invalidation(origin, "clear", List.of(), null, List.of()));
                } else if (unsent.isEmpty() || !unsent.get(0).kind().equals("clear")) {
                    unsent.add(new Invalidation(origin, kind, keys, arg, tags));
                }
            }
            return;
        }
        pubSub.publish(channel, new Invalidation(origin, kind, keys, arg, tags), MESSAGES)
                .exceptionally(e -> {
                    // Another instance may keep a stale copy until it reconnects or the entry expires.
                    LOG.debug("publishing an invalidation failed", e);
                    return 0L;
                });
    }

    /** Publishes the invalidations kept while Redis could not be used; never blocks. */
    private void publishUnsent() {
        List<Invalidation> out;
        synchronized (unsent) {
            out = List.copyOf(unsent);
            unsent.clear();
        }
        for (Invalidation m : out) {
            pubSub.publishNow(channel, m, MESSAGES).exceptionally(e -> {
                LOG.debug("publishing a kept invalidation failed", e);
                return 0L;
            });
        }
    }

    private void bumpKey(String key) {
        keyEpochs.incrementAndGet(Math.floorMod(key.hashCode(), STRIPES));
    }

    private void bumpAll() {
        globalEpoch.incrementAndGet();
    }

    private long epochOf(String key) {
        return keyEpochs.get(Math.floorMod(key.hashCode(), STRIPES)) * 31 + globalEpoch.get();
    }

    /** Whether the in-process tier may be read and filled now. */
    private boolean localUsable() {
        return synced && connector.usable();
    }

    /** Whether the in-process tier is in use (for tests and health pages). */
    public boolean synced() {
        return synced;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Optional<V> get(String key) {
        if (!connector.usable()) {
            return remote.get(key);
        }
        if (synced) {
            Optional<V> hit = local.get(key);
            if (hit.isPresent()) {
                remote.countHit(key);
                return hit;
            }
        }
        long epoch = epochOf(key);
        Optional<Read<V>> read = remote.fetch(key);
        if (read.isEmpty()) {
            return remote.get(key); // Redis failed just now: the fallback answers
        }
        return take(key, read.get(), epoch);
    }

    /** Counts a read from Redis and fills the in-process tier with what it found; returns the value. */
    private Optional<V> take(String key, Read<V> read, long epoch) {
        remote.count(key, read);
        Optional<Fetched<V>> entry = read.entry();
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        fill(key, entry.get(), epoch);
        return entry.get().value();
    }

    private void fill(String key, Fetched<V> fetched, long epoch) {
        if (fetched.value().isPresent() && localUsable() && epoch == epochOf(key)) {
            WriteOptions options = fetched.ttlMillis() > 0
                    ? WriteOptions.ttl(Duration.ofMillis(fetched.ttlMillis()))
                    : WriteOptions.defaults();
            fill(key, fetched.value().get(), options, epoch);
        }
    }

    /**
     * Copies a value read from or written to Redis into the in-process tier, unless an invalidation
     * of the key arrived since {@code epoch} was taken, before or during the copy.
     */
    private void fill(String key, V value, WriteOptions options, long epoch) {
        if (localUsable() && epoch == epochOf(key)) {
            local.put(key, value, options);
            if (epoch != epochOf(key)) {
                local.delete(key); // an invalidation raced with the fill
            }
        }
    }

    /** A hit in the in-process tier, counted by the remote cache, if that tier may be read now. */
    /** The in-process tier's entry, not counted: what a preload finds already there. */
    private Optional<V> localPeek(String key) {
        return localUsable() ? local.get(key) : Optional.empty();
    }

    private Optional<V> localHit(String key) {
        if (!localUsable()) {
            return Optional.empty();
        }
        Optional<V> hit = local.get(key);
        if (hit.isPresent()) {
            remote.countHit(key);
        }
        return hit;
    }

    @Override
    public Map<String, V> getAll(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        Map<String, V> result = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String key : new LinkedHashSet<>(keys)) {
            Optional<V> hit = localHit(key);
            if (hit.isPresent()) {
                result.put(key, hit.get());
            } else {
                rest.add(key);
            }
        }
        if (rest.isEmpty()) {
            return Collections.unmodifiableMap(result);
        }
        if (!connector.usable()) {
            result.putAll(remote.getAll(rest));
            return Collections.unmodifiableMap(result);
        }
        // Hits in Redis fill the in-process tier, as get() does, each guarded by its key's epoch.
        long[] epochs = new long[rest.size()];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = epochOf(rest.get(i));
        }
        Optional<List<Read<V>>> reads = remote.fetchAll(rest);
        if (reads.isEmpty()) {
            result.putAll(remote.getAll(rest)); // Redis failed just now: the fallback answers
            return Collections.unmodifiableMap(result);
        }
        for (int i = 0; i < epochs.length; i++) {
            String key = rest.get(i);
            take(key, reads.get().get(i), epochs[i]).ifPresent(v -> result.put(key, v));
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public boolean contains(String key) {
        // Redis is the authority (the in-process tier may still hold an entry Redis evicted); when it
        // is down the remote cache answers from this same in-process tier.
        return remote.contains(key);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, V value, WriteOptions options) {
        long epoch = epochOf(key);
        remote.put(key, value, options);
        bumpKey(key);
        if (localUsable() && epoch + 31 == epochOf(key)) {
            local.put(key, value, options);
        }
        publish("keys", List.of(key), null);
    }

    @Override
    public boolean delete(String key) {
        bumpKey(key);
        boolean removed = remote.delete(key);
        local.delete(key);
        publish("keys", List.of(key), null);
        return removed;
    }

    @Override
    public void clear() {
        bumpAll();
        remote.clear();
        local.clear();
        publish("clear", List.of(), null);
    }

    @Override
    public long invalidateByTag(String tag) {
        bumpAll();
        if (!connector.usable()) {
            long n = remote.invalidateByTag(tag);
            publish("tag", List.of(), tag); // kept until Redis can be used again
            return n;
        }
        List<String> removed = remote.invalidateTagReturningKeys(tag);
        local.invalidateByTag(tag);
        removed.forEach(local::delete);
        publish("tag", removed, tag);
        return removed.size();
    }

    /**
     * Invalidates the tags in Redis in one pipeline ({@link RedisCacheImpl#invalidateTagsReturningKeys}),
     * drops them and the removed keys from the in-process tier, and publishes the batch as {@code tags}
     * messages of at most {@value #MAX_TAGS_PER_MESSAGE} tags, the removed keys following as {@code keys}
     * messages of at most as many keys (a receiver handles each message on its own, so splitting loses
     * nothing). While Redis cannot be used, the batch is kept as a clear, as a single tag is.
     *
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException naming a blank tag; nothing is invalidated then
     */
    @Override
    public long invalidateByTags(Collection<String> tags) {
        List<String> distinct = RedisCacheImpl.checkTags(tags);
        if (distinct.isEmpty()) {
            return 0;
        }
        bumpAll();
        if (!connector.usable()) {
            long n = remote.invalidateByTags(distinct);
            publish("tags", List.of(), null, distinct); // kept until Redis can be used again
            return n;
        }
        List<String> removed = remote.invalidateTagsReturningKeys(distinct);
        local.invalidateByTags(distinct);
        removed.forEach(local::delete);
        for (int i = 0; i < distinct.size(); i += MAX_TAGS_PER_MESSAGE) {
            publish("tags", List.of(), null, distinct.subList(i, Math.min(distinct.size(), i + MAX_TAGS_PER_MESSAGE)));
        }
        for (int i = 0; i < removed.size(); i += MAX_TAGS_PER_MESSAGE) {
            publish("keys", removed.subList(i, Math.min(removed.size(), i + MAX_TAGS_PER_MESSAGE)), null);
        }
        return removed.size();
    }

    @Override
    public long invalidateByPattern(String pattern) {
        bumpAll();
        long n = remote.invalidateByPattern(pattern);
        local.invalidateByPattern(pattern);
        publish("pattern", List.of(), pattern);
        return n;
    }

    @Override
    public List<String> keys(String pattern) {
        return remote.keys(pattern);
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

    /** {@code read}: whether this is a reader's read, counted as a hit or a miss (a preload is not). */
    private V remember(String key, WriteOptions options, Loader<? extends V> loader, boolean read) {
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        Optional<V> hit = read ? localHit(key) : localPeek(key);
        if (hit.isPresent()) {
            return hit.get();
        }
        long epoch = epochOf(key);
        V value = read ? remote.remember(key, options, loader) : remote.preload(key, options, loader);
        fill(key, value, options, epoch);
        return value;
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
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        Optional<V> hit = read ? localHit(key) : localPeek(key);
        if (hit.isPresent()) {
            return hit;
        }
        long epoch = epochOf(key);
        Optional<V> value =
                read ? remote.rememberOptional(key, options, loader) : remote.preloadOptional(key, options, loader);
        value.ifPresent(v -> fill(key, v, options, epoch));
        return value;
    }

    // ---------------------------------------------------------------- stats and life cycle

    @Override
    public CacheStats stats() {
        return remote.stats();
    }

    @Override
    public List<HotKey> topKeys(int n) {
        return remote.topKeys(n);
    }

    @Override
    public void resetStats() {
        remote.resetStats();
        local.resetStats();
    }

    @Override
    public CacheConfig config() {
        return config;
    }

    @Override
    public RedisConnector connector() {
        return connector;
    }

    @Override
    public RedisServerStats serverStats() {
        return remote.serverStats();
    }

    /** The in-process tier (for tests). */
    public Cache<V> localTier() {
        return local;
    }

    /** Closes the tiers once; a second call (a tracker owning the cache, then its opener) does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        prober.shutdownNow();
        subscription.close();
        pubSub.close();
        remote.close();
        local.close();
    }

    @Override
    public String toString() {
        return "TwoTierCache[" + config.name() + ", synced=" + synced + "]";
    }
}

package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.EvictionCause;
import dev.voicetrack.cache.Ticker;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.jcache.VoiceTrackConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.jspecify.annotations.Nullable;

/**
 * The state of a JCache cache's entries in the VoiceTrack cache, and the rules every operation
 * applies to one entry: when it is live or expired, the expiry a creation, update or access gives
 * it, the events a change produces, the loader and writer calls, and the statistics. {@link JCache}
 * decides which of these an API method runs, under the key's {@link #lockFor stripe lock}.
 *
 * <p>Each entry is a {@link Stored} (the value, copied when storing by value, its expiry instant and
 * tags) under the key's string form ({@link KeyCodec}). The VoiceTrack cache keeps an entry {@link
 * #EXPIRED_GRACE} past its JCache expiry, so that the first read after the expiry still finds it and
 * can tell expired-entry listeners; that read removes it. An entry nobody reads in that time is
 * dropped without an event.
 */
final class Entries<K, V> {

    /** How long the VoiceTrack cache keeps an entry past its JCache expiry (see above). */
    static final Duration EXPIRED_GRACE = Duration.ofMinutes(1);

    final VoiceTrackConfiguration<K, V> configuration;
    final dev.voicetrack.cache.Cache<Stored> store;
    final Ticker ticker;
    final ExpiryPolicy expiry;
    private final boolean accessLeavesExpiry;
    final @Nullable CacheLoader<K, V> loader;
    final @Nullable CacheWriter<K, V> writer;
    final Copier copier;
    final KeyCodec keys;
    final Listeners<K, V> listeners;
    final JCacheStatistics statistics;
    private final Cache<K, V> source;
    private final @Nullable EventChannel events;
    private final Object[] locks;

    Entries(
            Cache<K, V> source,
            VoiceTrackConfiguration<K, V> configuration,
            dev.voicetrack.cache.Cache<Stored> store,
            @Nullable EventChannel events,
            ClassLoader classLoader,
            Executor executor) {
        this.source = source;
        this.configuration = configuration;
        this.store = store;
        this.events = events;
        this.ticker = store.config().ticker();
        this.expiry = configuration.getExpiryPolicyFactory().create();
        // the standard policies that never change an expiry on access (exactly these classes: a
        // subclass may override); saves a hit asking the policy
        Class<?> policy = expiry.getClass();
        this.accessLeavesExpiry = policy == EternalExpiryPolicy.class
                || policy == CreatedExpiryPolicy.class
                || policy == ModifiedExpiryPolicy.class;
        this.loader = configuration.getCacheLoaderFactory() == null
                ? null
                : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null
                ? writerOf(configuration)
                : null;
        // a remote store holds bytes: its caches store by value whatever the configuration says
        boolean byValue = events != null || configuration.isStoreByValue();
        this.copier = byValue ? Copier.byValue(classLoader, events == null) : Copier.byReference();
        this.keys = new KeyCodec(classLoader, !byValue);
        this.listeners = new Listeners<>(executor);
        for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
            listeners.register(l);
        }
        this.statistics = new JCacheStatistics(() -> store.stats().evictions(EvictionCause.SIZE));
        this.locks = new Object
                [Math.max(64, Integer.highestOneBit(Runtime.getRuntime().availableProcessors()) * 64)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> CacheWriter<K, V> writerOf(CompleteConfiguration<K, V> configuration) {
        // a writer of supertypes accepts these keys and values: the cast only narrows what it is told
        return (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
    }
    // ---------------------------------------------------------------- entry state

    /**
     * The live entry under the key, or null; an expired entry found here is removed and reported to
     * expired-entry listeners. Call under the key's lock.
     */
    @Nullable
    Stored live(K key, String k, long now, Listeners.Batch<K, V> batch) {
        Stored s = store.get(k).orElse(null);
        if (s == null || !s.isExpiredAt(now)) {
            return s;
        }
        if (!store.delete(k) && events != null) {
            // another process removed it from Redis first; that process reports the expiry, if any
            return null;
        }
        publish(EventType.EXPIRED, k, null, s);
        if (listeners.wants(EventType.EXPIRED)) {
            V old = read(s);
            batch.add(new JCacheEntryEvent<>(source, EventType.EXPIRED, key, old, old, true));
        }
        return null;
    }

    /** Creates an entry with the creation expiry; false if that expiry is zero (nothing stored). */
    boolean create(K key, String k, V value, long now, Listeners.Batch<K, V> batch) {
        javax.cache.expiry.Duration d;
        try {
            d = expiry.getExpiryForCreation();
        } catch (RuntimeException e) {
            d = javax.cache.expiry.Duration.ETERNAL;
        }
        if (d == null) {
            d = javax.cache.expiry.Duration.ETERNAL;
        }
        if (d.isZero()) {
            return false;
        }
        Stored s = stored(key, value, expiresAt(d, now));
        store.put(k, s, options(s, now));
        publish(EventType.CREATED, k, s, null);
        if (listeners.wants(EventType.CREATED)) {
            batch.add(new JCacheEntryEvent<>(source, EventType.CREATED, key, value, null, false));
        }
        return true;
    }

    /** Replaces a live entry's value with the update expiry; a zero expiry expires it at once. */
    boolean update(K key, String k, Stored s, V value, long now, Listeners.Batch<K, V> batch) {
        javax.cache.expiry.Duration d;
        try {
            d = expiry.getExpiryForUpdate();
        } catch (RuntimeException e) {
            d = null;
        }
        long expiresAt = d == null ? s.expiresAt() : expiresAt(d, now);
        V old = listeners.wants(EventType.UPDATED) ? read(s) : null;
        Stored replacement = stored(key, value, expiresAt);
        store.put(k, replacement, options(replacement, now));
        publish(EventType.UPDATED, k, replacement, s);
        if (old != null) {
            batch.add(new JCacheEntryEvent<>(source, EventType.UPDATED, key, value, old, true));
        }
        return true;
    }

    boolean removeEntry(K key, String k, Stored s, long start, Listeners.Batch<K, V> batch) {
        store.delete(k);
        publish(EventType.REMOVED, k, null, s);
        if (listeners.wants(EventType.REMOVED)) {
            V old = read(s);
            batch.add(new JCacheEntryEvent<>(source, EventType.REMOVED, key, old, old, true));
        }
        if (configuration.isStatisticsEnabled()) {
            statistics.removals(1);
            statistics.removeTime(ticker.read() - start);
        }
        return true;
    }

    /** Applies the access expiry to a live entry that was read. */
    void touch(String k, Stored s, long now) {
        javax.cache.expiry.Duration d = accessDuration();
        if (d != null) {
            touch(k, s, now, d);
        }
    }

    /** Gives a live entry the access expiry {@code d}, already asked of the policy. */
    void touch(String k, Stored s, long now, javax.cache.expiry.Duration d) {
        Stored touched = s.withExpiry(expiresAt(d, now));
        store.put(k, touched, options(touched, now));
    }

    javax.cache.expiry.@Nullable Duration accessDuration() {
        if (accessLeavesExpiry) {
            return null;
        }
        try {
            return expiry.getExpiryForAccess();
        } catch (RuntimeException e) {
            return null;
        }
    }

    Stored stored(K key, V value, long expiresAt) {
        Set<String> tags =
                configuration.getTagger().map(t -> t.tagsOf(key, value)).orElse(Set.of());
        return new Stored(copier.toStored(value, "value"), expiresAt, Set.copyOf(tags));
    }

    static WriteOptions options(Stored s, long now) {
        Duration ttl = s.expiresAt() == Stored.ETERNAL
                ? Duration.ofNanos(Long.MAX_VALUE)
                : Duration.ofNanos(Math.max(1, s.expiresAt() - now)).plus(EXPIRED_GRACE);
        WriteOptions options = WriteOptions.ttl(ttl);
        return s.tags().isEmpty() ? options : options.withTags(s.tags());
    }

    static long expiresAt(javax.cache.expiry.Duration d, long now) {
        if (d.isEternal()) {
            return Stored.ETERNAL;
        }
        if (d.isZero()) {
            return now;
        }
        long nanos = d.getTimeUnit().toNanos(d.getDurationAmount());
        long at = now + nanos;
        return at == Stored.ETERNAL || (nanos > 0 && at < now) ? Stored.ETERNAL - 1 : at;
    }

    /** Tells the caches of this name in other processes of a change (a Redis cache only). */
    private void publish(EventType type, String k, @Nullable Stored value, @Nullable Stored old) {
        if (events != null) {
            events.publish(type, k, serialized(value), serialized(old));
        }
    }

    private static byte @Nullable [] serialized(@Nullable Stored s) {
        // a Redis cache stores by value, so its payloads are serialized copies, never handed out
        return s != null && s.payload() instanceof Copier.Serialized ser ? ser.bytes : null;
    }

    /**
     * An event another process's cache of this name sent, as this cache's listeners see it: removed
     * and expired events carry the old value as their value too, as local ones do.
     */
    JCacheEntryEvent<K, V> remoteEvent(EventChannel.Event e) {
        K key = decodeKey(e.key());
        V old = e.oldValue() == null ? null : read(new Stored(new Copier.Serialized(e.oldValue()), 0, Set.of()));
        V value = e.value() == null ? null : read(new Stored(new Copier.Serialized(e.value()), 0, Set.of()));
        if (e.type() == EventType.REMOVED || e.type() == EventType.EXPIRED) {
            value = old;
        }
        return new JCacheEntryEvent<>(source, e.type(), key, value, old, old != null);
    }

    @SuppressWarnings("unchecked")
    V read(Stored s) {
        return (V) copier.fromStored(s.payload());
    }

    @SuppressWarnings("unchecked")
    K decodeKey(String k) {
        return (K) keys.decode(k);
    }

    // ---------------------------------------------------------------- loader and writer

    @Nullable
    V load(K key) {
        try {
            return Objects.requireNonNull(loader).load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("loader failed for key " + key + ": " + e, e);
        }
    }

    Map<K, V> loadAllFromLoader(List<K> toLoad) {
        try {
            Map<K, V> loaded = Objects.requireNonNull(loader).loadAll(toLoad);
            return loaded == null ? Map.of() : loaded;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("loader failed for keys " + toLoad + ": " + e, e);
        }
    }

    void write(K key, V value) {
        if (writer != null) {
            try {
                writer.write(new JCacheEntry<>(key, value));
            } catch (RuntimeException e) {
                throw writerFailure(e);
            }
        }
    }

    void delete(K key) {
        if (writer != null) {
            try {
                writer.delete(key);
            } catch (RuntimeException e) {
                throw writerFailure(e);
            }
        }
    }

    static RuntimeException writerFailure(RuntimeException e) {
        return e instanceof CacheWriterException ? e : new CacheWriterException("writer failed: " + e, e);
    }

    // ---------------------------------------------------------------- statistics

    void recordGet(boolean hit, long start) {
        recordGet(hit, start, true);
    }

    void recordGet(boolean hit, long start, boolean timed) {
        if (configuration.isStatisticsEnabled()) {
            if (hit) {
                statistics.hits(1);
            } else {
                statistics.misses(1);
            }
            if (timed) {
                statistics.getTime(ticker.read() - start);
            }
        }
    }

    void recordPut(long start) {
        if (configuration.isStatisticsEnabled()) {
            statistics.puts(1);
            statistics.putTime(ticker.read() - start);
        }
    }

    Object lockFor(String k) {
        int h = k.hashCode();
        h ^= h >>> 16;
        return locks[h & (locks.length - 1)];
    }

    void checkKey(K key) {
        Objects.requireNonNull(key, "key");
        Class<K> type = configuration.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("key must be a " + type.getName() + ", was "
                    + key.getClass().getName());
        }
    }

    void checkValue(V value) {
        Objects.requireNonNull(value, "value");
        Class<V> type = configuration.getValueType();
        if (type != Object.class && !type.isInstance(value)) {
            throw new ClassCastException("value must be a " + type.getName() + ", was "
                    + value.getClass().getName());
        }
    }

    /** Makes the net effect of an entry processor. */
    void apply(ProcessorEntry<K, V> entry, K key, String k, @Nullable Stored s, long now, Listeners.Batch<K, V> batch) {
        // the look-up alone counts as a hit or a miss, whatever the processor does
        recordGet(s != null, now, false);
        switch (entry.op()) {
            case NONE -> {}
            case ACCESS -> touch(k, Objects.requireNonNull(s), now);
            case LOAD -> create(key, k, Objects.requireNonNull(entry.value()), now, batch);
            case CREATE, UPDATE -> {
                V value = Objects.requireNonNull(entry.value());
                write(key, value);
                boolean stored = s == null ? create(key, k, value, now, batch) : update(key, k, s, value, now, batch);
                if (stored) {
                    recordPut(now);
                }
            }
            case REMOVE -> {
                delete(key);
                if (s != null) {
                    removeEntry(key, k, s, now, batch);
                }
            }
        }
    }
}

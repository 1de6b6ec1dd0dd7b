package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.Ticker;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.jcache.VoiceTrackConfiguration;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * A JCache cache over a VoiceTrack {@link dev.voicetrack.cache.Cache}.
 *
 * <h2>Design</h2>
 *
 * <p><b>Storage.</b> Each entry is a {@link Stored} (the value, copied when storing by value, and its
 * expiry instant) under the key's string form ({@link KeyCodec}) in a VoiceTrack cache of its own.
 * The VoiceTrack cache keeps an entry a grace period past its JCache expiry, so that the first read
 * after the expiry still finds it and can tell expired-entry listeners; that read removes it.
 *
 * <p><b>Atomicity.</b> Every operation on one key runs under that key's stripe lock, so
 * compare-and-set operations, entry processors and the writer calls they make are atomic per key, and
 * expiry, events and statistics are decided on the same state the change is made on. Operations on
 * several keys take the locks one key at a time. A plain {@link #get} hit whose expiry policy leaves
 * the expiry alone takes no lock.
 *
 * <p><b>Events.</b> Each operation collects its events while holding the lock and delivers them
 * after releasing it ({@link Listeners}).
 */
public final class JCache<K, V> implements Cache<K, V> {

    /** How long the VoiceTrack cache keeps an entry past its JCache expiry (see the design notes). */
    static final Duration EXPIRED_GRACE = Duration.ofMinutes(1);

    private final String name;
    private final JCacheManager manager;
    private final VoiceTrackConfiguration<K, V> configuration;
    private final dev.voicetrack.cache.Cache<Stored> store;
    private final Ticker ticker;
    private final ExpiryPolicy expiry;
    private final @Nullable CacheLoader<K, V> loader;
    private final @Nullable CacheWriter<K, V> writer;
    private final Copier copier;
    private final KeyCodec keys;
    private final Listeners<K, V> listeners;
    private final JCacheStatistics statistics;
    private final JCacheConfigBean configBean;
    private final Executor executor;
    private final Object[] locks;
    private volatile boolean closed;

    JCache(
            JCacheManager manager,
            String name,
            VoiceTrackConfiguration<K, V> configuration,
            dev.voicetrack.cache.Cache<Stored> store,
            Executor executor) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.store = store;
        this.ticker = store.config().ticker();
        this.executor = executor;
        this.expiry = configuration.getExpiryPolicyFactory().create();
        this.loader = configuration.getCacheLoaderFactory() == null
                ? null
                : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null
                ? writerOf(configuration)
                : null;
        ClassLoader classLoader = manager.getClassLoader();
        this.copier = configuration.isStoreByValue() ? Copier.byValue(classLoader) : Copier.byReference();
        this.keys = new KeyCodec(classLoader, !configuration.isStoreByValue());
        this.listeners = new Listeners<>(executor);
        for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
            listeners.register(l);
        }
        this.statistics = new JCacheStatistics(() -> store.stats().evictions(dev.voicetrack.cache.EvictionCause.SIZE));
        this.configBean = new JCacheConfigBean(configuration);
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

    // ---------------------------------------------------------------- reads

    @Override
    public @Nullable V get(K key) {
        checkOpen();
        checkKey(key);
        long start = ticker.read();
        String k = keys.encode(key);
        Stored s = store.get(k).orElse(null);
        if (s != null && !s.isExpiredAt(start)) {
            javax.cache.expiry.Duration access = accessDuration();
            if (access == null) {
                V value = read(s);
                recordGet(true, start);
                return value;
            }
        }
        var batch = new Listeners.Batch<K, V>();
        V value;
        synchronized (lockFor(k)) {
            value = getLocked(key, k, start, batch);
        }
        listeners.deliver(batch);
        return value;
    }

    /** A get under the key's lock: hit with access expiry, or miss with read-through. */
    private @Nullable V getLocked(K key, String k, long start, Listeners.Batch<K, V> batch) {
        Stored s = live(key, k, start, batch);
        if (s != null) {
            touch(k, s, start);
            recordGet(true, start);
            return read(s);
        }
        recordGet(false, start);
        if (!configuration.isReadThrough() || loader == null) {
            return null;
        }
        V loaded = load(key);
        if (loaded != null) {
            create(key, k, loaded, start, batch);
        }
        return loaded;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keySet) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(this::checkKey);
        Map<K, V> result = new LinkedHashMap<>();
        List<K> missing = new ArrayList<>();
        var batch = new Listeners.Batch<K, V>();
        for (K key : keySet) {
            long start = ticker.read();
            String k = keys.encode(key);
            synchronized (lockFor(k)) {
                Stored s = live(key, k, start, batch);
                if (s != null) {
                    touch(k, s, start);
                    result.put(key, read(s));
                } else {
                    missing.add(key);
                }
                recordGet(s != null, start);
            }
        }
        if (!missing.isEmpty() && configuration.isReadThrough() && loader != null) {
            Map<K, V> loaded = loadAllFromLoader(missing);
            long now = ticker.read();
            for (Map.Entry<K, V> e : loaded.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    continue;
                }
                String k = keys.encode(e.getKey());
                synchronized (lockFor(k)) {
                    create(e.getKey(), k, e.getValue(), now, batch);
                }
                result.put(e.getKey(), e.getValue());
            }
        }
        listeners.deliver(batch);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        checkOpen();
        checkKey(key);
        String k = keys.encode(key);
        Stored s = store.get(k).orElse(null);
        return s != null && !s.isExpiredAt(ticker.read());
    }

    @Override
    public void loadAll(Set<? extends K> keySet, boolean replaceExistingValues, @Nullable CompletionListener done) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(this::checkKey);
        CompletionListener listener = done == null ? NO_COMPLETION : done;
        if (loader == null) {
            listener.onCompletion();
            return;
        }
        List<K> wanted = new ArrayList<>(keySet);
        executor.execute(() -> {
            try {
                List<K> toLoad = new ArrayList<>();
                for (K key : wanted) {
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : loadAllFromLoader(toLoad);
                var batch = new Listeners.Batch<K, V>();
                for (Map.Entry<K, V> e : loaded.entrySet()) {
                    if (e.getKey() != null && e.getValue() != null) {
                        putNoWrite(e.getKey(), e.getValue(), replaceExistingValues, batch);
                    }
                }
                listeners.deliver(batch);
                listener.onCompletion();
            } catch (Exception e) {
                listener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
            }
        });
    }

    /** Stores a loaded value without the writer; keeps an existing value unless told to replace it. */
    private void putNoWrite(K key, V value, boolean replace, Listeners.Batch<K, V> batch) {
        String k = keys.encode(key);
        long now = ticker.read();
        synchronized (lockFor(k)) {
            Stored s = live(key, k, now, batch);
            if (s == null) {
                create(key, k, value, now, batch);
            } else if (replace) {
                update(key, k, s, value, now, batch);
            }
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(K key, V value) {
        checkOpen();
        checkKey(key);
        checkValue(value);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            write(key, value);
            if (s == null ? create(key, k, value, start, batch) : update(key, k, s, value, start, batch)) {
                recordPut(start);
            }
        }
        listeners.deliver(batch);
    }

    @Override
    public @Nullable V getAndPut(K key, V value) {
        checkOpen();
        checkKey(key);
        checkValue(value);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        V old;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            old = s == null ? null : read(s);
            write(key, value);
            if (s == null ? create(key, k, value, start, batch) : update(key, k, s, value, start, batch)) {
                recordPut(start);
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return old;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map");
        map.forEach((key, value) -> {
            checkKey(key);
            checkValue(value);
        });
        long start = ticker.read();
        Set<K> unwritten = new HashSet<>();
        RuntimeException failure = null;
        if (writer != null && !map.isEmpty()) {
            Collection<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>();
            map.forEach((key, value) -> entries.add(new JCacheEntry<>(key, value)));
            try {
                writer.writeAll(entries);
            } catch (RuntimeException e) {
                failure = writerFailure(e);
                entries.forEach(e2 -> unwritten.add(e2.getKey()));
            }
        }
        var batch = new Listeners.Batch<K, V>();
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            if (unwritten.contains(e.getKey())) {
                continue;
            }
            String k = keys.encode(e.getKey());
            synchronized (lockFor(k)) {
                Stored s = live(e.getKey(), k, start, batch);
                boolean stored = s == null
                        ? create(e.getKey(), k, e.getValue(), start, batch)
                        : update(e.getKey(), k, s, e.getValue(), start, batch);
                if (stored) {
                    recordPut(start);
                }
            }
        }
        listeners.deliver(batch);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        checkOpen();
        checkKey(key);
        checkValue(value);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        boolean put = false;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            if (s == null) {
                write(key, value);
                put = create(key, k, value, start, batch);
                if (put) {
                    recordPut(start);
                }
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return put;
    }

    @Override
    public boolean remove(K key) {
        checkOpen();
        checkKey(key);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        boolean removed;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            delete(key);
            removed = s != null && removeEntry(key, k, s, start, batch);
        }
        listeners.deliver(batch);
        return removed;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        checkKey(key);
        checkValue(oldValue);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        boolean removed = false;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            if (s != null && oldValue.equals(read(s))) {
                delete(key);
                removed = removeEntry(key, k, s, start, batch);
            } else if (s != null) {
                touch(k, s, start);
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return removed;
    }

    @Override
    public @Nullable V getAndRemove(K key) {
        checkOpen();
        checkKey(key);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        V old;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            old = s == null ? null : read(s);
            delete(key);
            if (s != null) {
                removeEntry(key, k, s, start, batch);
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return old;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        checkKey(key);
        checkValue(oldValue);
        checkValue(newValue);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        boolean replaced = false;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            if (s != null && oldValue.equals(read(s))) {
                write(key, newValue);
                replaced = update(key, k, s, newValue, start, batch);
                if (replaced) {
                    recordPut(start);
                }
            } else if (s != null) {
                touch(k, s, start);
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return replaced;
    }

    @Override
    public boolean replace(K key, V value) {
        return getAndReplaceInternal(key, value) != null;
    }

    @Override
    public @Nullable V getAndReplace(K key, V value) {
        return getAndReplaceInternal(key, value);
    }

    private @Nullable V getAndReplaceInternal(K key, V value) {
        checkOpen();
        checkKey(key);
        checkValue(value);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        V old = null;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            if (s != null) {
                old = read(s);
                write(key, value);
                if (update(key, k, s, value, start, batch)) {
                    recordPut(start);
                }
            }
            recordGet(s != null, start);
        }
        listeners.deliver(batch);
        return old;
    }

    @Override
    public void removeAll(Set<? extends K> keySet) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(this::checkKey);
        removeKeys(new ArrayList<>(keySet));
    }

    @Override
    public void removeAll() {
        checkOpen();
        List<K> all = new ArrayList<>();
        for (String k : store.keys("*")) {
            all.add(decodeKey(k));
        }
        removeKeys(all);
    }

    private void removeKeys(List<K> toRemove) {
        long start = ticker.read();
        Set<Object> undeleted = new HashSet<>();
        RuntimeException failure = null;
        if (writer != null && !toRemove.isEmpty()) {
            Collection<Object> pending = new ArrayList<>(toRemove);
            try {
                writer.deleteAll(pending);
            } catch (RuntimeException e) {
                failure = writerFailure(e);
                undeleted.addAll(pending);
            }
        }
        var batch = new Listeners.Batch<K, V>();
        for (K key : toRemove) {
            if (undeleted.contains(key)) {
                continue;
            }
            String k = keys.encode(key);
            synchronized (lockFor(k)) {
                Stored s = live(key, k, start, batch);
                if (s != null) {
                    removeEntry(key, k, s, start, batch);
                }
            }
        }
        listeners.deliver(batch);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        checkOpen();
        store.clear();
    }

    // ---------------------------------------------------------------- entry processors

    @Override
    public <T> @Nullable T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        checkOpen();
        checkKey(key);
        Objects.requireNonNull(processor, "entryProcessor");
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        T result;
        synchronized (lockFor(k)) {
            Stored s = live(key, k, start, batch);
            var entry = new ProcessorEntry<K, V>(
                    key, s == null ? null : read(s), configuration.isReadThrough() ? this::load : null);
            try {
                result = processor.process(entry, arguments);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (Exception e) {
                throw new EntryProcessorException(e);
            }
            apply(entry, key, k, s, start, batch);
        }
        listeners.deliver(batch);
        return result;
    }

    /** Makes the net effect of an entry processor. */
    private void apply(
            ProcessorEntry<K, V> entry, K key, String k, @Nullable Stored s, long now, Listeners.Batch<K, V> batch) {
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

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
            Set<? extends K> keySet, EntryProcessor<K, V, T> processor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(this::checkKey);
        Objects.requireNonNull(processor, "entryProcessor");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keySet) {
            try {
                T result = invoke(key, processor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (Exception e) {
                EntryProcessorException failure =
                        e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
    }

    // ---------------------------------------------------------------- iteration

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        checkOpen();
        return new EntryIterator(store.keys("*"));
    }

    private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
        private final Iterator<String> storeKeys;
        private Cache.@Nullable Entry<K, V> next;
        private Cache.@Nullable Entry<K, V> last;

        EntryIterator(List<String> storeKeys) {
            this.storeKeys = storeKeys.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null && storeKeys.hasNext()) {
                String k = storeKeys.next();
                K key = decodeKey(k);
                long now = ticker.read();
                var batch = new Listeners.Batch<K, V>();
                synchronized (lockFor(k)) {
                    Stored s = live(key, k, now, batch);
                    if (s != null) {
                        touch(k, s, now);
                        recordGet(true, now, false);
                        next = new JCacheEntry<>(key, read(s));
                    }
                }
                listeners.deliver(batch);
            }
            return next != null;
        }

        @Override
        public Cache.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = next;
            next = null;
            return last;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() must be called before remove()");
            }
            JCache.this.remove(last.getKey());
            last = null;
        }
    }

    // ---------------------------------------------------------------- entry state

    /**
     * The live entry under the key, or null; an expired entry found here is removed and reported to
     * expired-entry listeners. Call under the key's lock.
     */
    private @Nullable Stored live(K key, String k, long now, Listeners.Batch<K, V> batch) {
        Stored s = store.get(k).orElse(null);
        if (s == null || !s.isExpiredAt(now)) {
            return s;
        }
        store.delete(k);
        if (listeners.wants(EventType.EXPIRED)) {
            V old = read(s);
            batch.add(new JCacheEntryEvent<>(this, EventType.EXPIRED, key, old, old, true));
        }
        return null;
    }

    /** Creates an entry with the creation expiry; false if that expiry is zero (nothing stored). */
    private boolean create(K key, String k, V value, long now, Listeners.Batch<K, V> batch) {
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
        if (listeners.wants(EventType.CREATED)) {
            batch.add(new JCacheEntryEvent<>(this, EventType.CREATED, key, value, null, false));
        }
        return true;
    }

    /** Replaces a live entry's value with the update expiry; a zero expiry expires it at once. */
    private boolean update(K key, String k, Stored s, V value, long now, Listeners.Batch<K, V> batch) {
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
        if (old != null) {
            batch.add(new JCacheEntryEvent<>(this, EventType.UPDATED, key, value, old, true));
        }
        return true;
    }

    private boolean removeEntry(K key, String k, Stored s, long start, Listeners.Batch<K, V> batch) {
        store.delete(k);
        if (listeners.wants(EventType.REMOVED)) {
            V old = read(s);
            batch.add(new JCacheEntryEvent<>(this, EventType.REMOVED, key, old, old, true));
        }
        if (configuration.isStatisticsEnabled()) {
            statistics.removals(1);
            statistics.removeTime(ticker.read() - start);
        }
        return true;
    }

    /** Applies the access expiry to a live entry that was read. */
    private void touch(String k, Stored s, long now) {
        javax.cache.expiry.Duration d = accessDuration();
        if (d != null) {
            Stored touched = s.withExpiry(expiresAt(d, now));
            store.put(k, touched, options(touched, now));
        }
    }

    private javax.cache.expiry.@Nullable Duration accessDuration() {
        try {
            return expiry.getExpiryForAccess();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Stored stored(K key, V value, long expiresAt) {
        Set<String> tags =
                configuration.getTagger().map(t -> t.tagsOf(key, value)).orElse(Set.of());
        return new Stored(copier.toStored(value, "value"), expiresAt, Set.copyOf(tags));
    }

    private static WriteOptions options(Stored s, long now) {
        Duration ttl = s.expiresAt() == Stored.ETERNAL
                ? Duration.ofNanos(Long.MAX_VALUE)
                : Duration.ofNanos(Math.max(1, s.expiresAt() - now)).plus(EXPIRED_GRACE);
        WriteOptions options = WriteOptions.ttl(ttl);
        return s.tags().isEmpty() ? options : options.withTags(s.tags());
    }

    private static long expiresAt(javax.cache.expiry.Duration d, long now) {
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

    @SuppressWarnings("unchecked")
    private V read(Stored s) {
        return (V) copier.fromStored(s.payload());
    }

    @SuppressWarnings("unchecked")
    private K decodeKey(String k) {
        return (K) keys.decode(k);
    }

    // ---------------------------------------------------------------- loader and writer

    private @Nullable V load(K key) {
        try {
            return Objects.requireNonNull(loader).load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("loader failed for key " + key + ": " + e, e);
        }
    }

    private Map<K, V> loadAllFromLoader(List<K> toLoad) {
        try {
            Map<K, V> loaded = Objects.requireNonNull(loader).loadAll(toLoad);
            return loaded == null ? Map.of() : loaded;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("loader failed for keys " + toLoad + ": " + e, e);
        }
    }

    private void write(K key, V value) {
        if (writer != null) {
            try {
                writer.write(new JCacheEntry<>(key, value));
            } catch (RuntimeException e) {
                throw writerFailure(e);
            }
        }
    }

    private void delete(K key) {
        if (writer != null) {
            try {
                writer.delete(key);
            } catch (RuntimeException e) {
                throw writerFailure(e);
            }
        }
    }

    private static RuntimeException writerFailure(RuntimeException e) {
        return e instanceof CacheWriterException ? e : new CacheWriterException("writer failed: " + e, e);
    }

    // ---------------------------------------------------------------- statistics

    private void recordGet(boolean hit, long start) {
        recordGet(hit, start, true);
    }

    private void recordGet(boolean hit, long start, boolean timed) {
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

    private void recordPut(long start) {
        if (configuration.isStatisticsEnabled()) {
            statistics.puts(1);
            statistics.putTime(ticker.read() - start);
        }
    }

    // ---------------------------------------------------------------- lifecycle, configuration

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        if (clazz.isInstance(configuration)) {
            return clazz.cast(configuration);
        }
        throw new IllegalArgumentException(
                "the configuration is a " + configuration.getClass().getName() + ", not a " + clazz.getName());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        manager.forget(this);
        setManagement(false);
        setStatistics(false);
        listeners.closeAll();
        closeQuietly(loader);
        closeQuietly(writer);
        closeQuietly(expiry);
        store.close();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(store)) {
            return clazz.cast(store);
        }
        throw new IllegalArgumentException("a JCache cache cannot be unwrapped to " + clazz.getName());
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        if (!listeners.register(listenerConfiguration)) {
            throw new IllegalArgumentException("listener configuration already registered: " + listenerConfiguration);
        }
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        checkOpen();
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        listeners.deregister(listenerConfiguration);
        configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
    }

    void setStatistics(boolean enabled) {
        configuration.setStatisticsEnabled(enabled);
        if (enabled) {
            MBeans.register(statistics, MBeans.STATISTICS, manager.getURI().toString(), name);
        } else {
            MBeans.unregister(MBeans.STATISTICS, manager.getURI().toString(), name);
        }
    }

    void setManagement(boolean enabled) {
        configuration.setManagementEnabled(enabled);
        if (enabled) {
            MBeans.register(configBean, MBeans.CONFIGURATION, manager.getURI().toString(), name);
        } else {
            MBeans.unregister(MBeans.CONFIGURATION, manager.getURI().toString(), name);
        }
    }

    CompleteConfiguration<K, V> configuration() {
        return configuration;
    }

    private static void closeQuietly(@Nullable Object o) {
        if (o instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // closing is best effort: the cache is closed either way
            }
        }
    }

    // ---------------------------------------------------------------- checks

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + name + " is closed");
        }
    }

    private void checkKey(K key) {
        Objects.requireNonNull(key, "key");
        Class<K> type = configuration.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("key must be a " + type.getName() + ", was "
                    + key.getClass().getName());
        }
    }

    private void checkValue(V value) {
        Objects.requireNonNull(value, "value");
        Class<V> type = configuration.getValueType();
        if (type != Object.class && !type.isInstance(value)) {
            throw new ClassCastException("value must be a " + type.getName() + ", was "
                    + value.getClass().getName());
        }
    }

    private Object lockFor(String k) {
        int h = k.hashCode();
        h ^= h >>> 16;
        return locks[h & (locks.length - 1)];
    }

    private static final CompletionListener NO_COMPLETION = new CompletionListener() {
        @Override
        public void onCompletion() {}

        @Override
        public void onException(Exception e) {}
    };
}

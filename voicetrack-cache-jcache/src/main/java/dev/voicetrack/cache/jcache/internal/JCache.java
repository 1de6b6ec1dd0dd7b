package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.Ticker;
import dev.voicetrack.cache.jcache.VoiceTrackConfiguration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JCache cache over a VoiceTrack {@link dev.voicetrack.cache.Cache}.
 *
 * <h2>Design</h2>
 *
 * <p><b>Storage.</b> Each cache has a VoiceTrack cache of its own; {@link Entries} holds the rules
 * of one entry there (liveness, expiry, events, loader and writer calls, statistics).
 *
 * <p><b>Atomicity.</b> Every operation on one key runs under that key's stripe lock, so
 * compare-and-set operations, entry processors and the writer calls they make are atomic per key, and
 * expiry, events and statistics are decided on the same state the change is made on. Operations on
 * several keys take the locks one key at a time. A plain {@link #get} hit whose expiry policy leaves
 * the expiry alone takes no lock.
 *
 * <p><b>Events.</b> Each operation collects its events while holding the lock and delivers them
 * after releasing it ({@link Listeners}). A Redis cache also publishes each change, while holding the
 * lock so that one key's changes go out in order, on its {@link EventChannel}; the caches of the same
 * name elsewhere that have listeners hand what they receive to them asynchronously.
 */
public final class JCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(JCache.class);

    private final String name;
    private final JCacheManager manager;
    private final VoiceTrackConfiguration<K, V> configuration;
    private final dev.voicetrack.cache.Cache<Stored> store;
    private final Ticker ticker;
    private final Entries<K, V> entries;
    private final KeyCodec keys;
    private final Listeners<K, V> listeners;
    private final @Nullable CacheLoader<K, V> loader;
    private final @Nullable CacheWriter<K, V> writer;
    private final JCacheConfigBean configBean;
    private final Executor executor;
    private final @Nullable EventChannel events;
    private volatile boolean closed;

    JCache(
            JCacheManager manager,
            String name,
            VoiceTrackConfiguration<K, V> configuration,
            dev.voicetrack.cache.Cache<Stored> store,
            @Nullable EventChannel events,
            Executor executor) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.store = store;
        this.executor = executor;
        this.events = events;
        this.entries = new Entries<>(this, configuration, store, events, manager.getClassLoader(), executor);
        this.ticker = entries.ticker;
        this.keys = entries.keys;
        this.listeners = entries.listeners;
        this.loader = entries.loader;
        this.writer = entries.writer;
        this.configBean = new JCacheConfigBean(configuration);
        if (configuration.getCacheEntryListenerConfigurations().iterator().hasNext()) {
            listenRemotely();
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public @Nullable V get(K key) {
        checkOpen();
        entries.checkKey(key);
        String k = keys.encode(key);
        Stored s = store.get(k).orElse(null);
        if (s != null) {
            // a hit on an eternal entry without statistics needs no clock and no lock
            boolean timed = configuration.isStatisticsEnabled() || s.expiresAt() != Stored.ETERNAL;
            long now = timed ? ticker.read() : 0;
            if (!s.isExpiredAt(now)) {
                javax.cache.expiry.Duration access = entries.accessDuration();
                if (access != null) {
                    synchronized (entries.lockFor(k)) {
                        Stored current = store.get(k).orElse(null);
                        if (current != null && !current.isExpiredAt(now)) {
                            entries.touch(k, current, now, access);
                        }
                    }
                }
                V value = entries.read(s);
                entries.recordGet(true, now);
                return value;
            }
        }
        long start = ticker.read();
        var batch = new Listeners.Batch<K, V>();
        V value;
        synchronized (entries.lockFor(k)) {
            value = getLocked(key, k, start, batch);
        }
        listeners.deliver(batch);
        return value;
    }

    /** A get under the key's lock: hit with access expiry, or miss with read-through. */
    private @Nullable V getLocked(K key, String k, long start, Listeners.Batch<K, V> batch) {
        Stored s = entries.live(key, k, start, batch);
        if (s != null) {
            entries.touch(k, s, start);
            entries.recordGet(true, start);
            return entries.read(s);
        }
        entries.recordGet(false, start);
        if (!configuration.isReadThrough() || loader == null) {
            return null;
        }
        V loaded = entries.load(key);
        if (loaded != null) {
            entries.create(key, k, loaded, start, batch);
        }
        return loaded;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keySet) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(entries::checkKey);
        Map<K, V> result = new LinkedHashMap<>();
        List<K> missing = new ArrayList<>();
        var batch = new Listeners.Batch<K, V>();
        for (K key : keySet) {
            long start = ticker.read();
            String k = keys.encode(key);
            synchronized (entries.lockFor(k)) {
                Stored s = entries.live(key, k, start, batch);
                if (s != null) {
                    entries.touch(k, s, start);
                    result.put(key, entries.read(s));
                } else {
                    missing.add(key);
                }
                entries.recordGet(s != null, start);
            }
        }
        if (!missing.isEmpty() && configuration.isReadThrough() && loader != null) {
            Map<K, V> loaded = entries.loadAllFromLoader(missing);
            long now = ticker.read();
            for (Map.Entry<K, V> e : loaded.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    continue;
                }
                String k = keys.encode(e.getKey());
                synchronized (entries.lockFor(k)) {
                    entries.create(e.getKey(), k, e.getValue(), now, batch);
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
        entries.checkKey(key);
        String k = keys.encode(key);
        Stored s = store.get(k).orElse(null);
        return s != null && !s.isExpiredAt(ticker.read());
    }

    @Override
    public void loadAll(Set<? extends K> keySet, boolean replaceExistingValues, @Nullable CompletionListener done) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(entries::checkKey);
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
                Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : entries.loadAllFromLoader(toLoad);
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
        synchronized (entries.lockFor(k)) {
            Stored s = entries.live(key, k, now, batch);
            if (s == null) {
                entries.create(key, k, value, now, batch);
            } else if (replace) {
                entries.update(key, k, s, value, now, batch);
            }
        }
    }

    /** One key's state as an operation finds it under the key's lock, and what the operation does. */
    @FunctionalInterface
    private interface KeyOperation<K, V, R> {
        R apply(@Nullable Stored live, String k, long now, Listeners.Batch<K, V> batch);
    }

    /**
     * Runs an operation on one key: checks the key, takes its lock, finds its live entry (reporting
     * one that expired), runs the operation, then delivers the events it collected.
     */
    private <R> R onKey(K key, KeyOperation<K, V, R> operation) {
        checkOpen();
        entries.checkKey(key);
        long start = ticker.read();
        String k = keys.encode(key);
        var batch = new Listeners.Batch<K, V>();
        R result;
        synchronized (entries.lockFor(k)) {
            result = operation.apply(entries.live(key, k, start, batch), k, start, batch);
        }
        listeners.deliver(batch);
        return result;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(K key, V value) {
        checkOpen();
        entries.checkValue(value);
        onKey(key, (s, k, now, batch) -> {
            entries.write(key, value);
            if (s == null ? entries.create(key, k, value, now, batch) : entries.update(key, k, s, value, now, batch)) {
                entries.recordPut(now);
            }
            return null;
        });
    }

    @Override
    public @Nullable V getAndPut(K key, V value) {
        checkOpen();
        entries.checkValue(value);
        return onKey(key, (s, k, now, batch) -> {
            V old = s == null ? null : entries.read(s);
            entries.write(key, value);
            if (s == null ? entries.create(key, k, value, now, batch) : entries.update(key, k, s, value, now, batch)) {
                entries.recordPut(now);
            }
            entries.recordGet(s != null, now);
            return old;
        });
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        checkOpen();
        Objects.requireNonNull(map, "map");
        map.forEach((key, value) -> {
            entries.checkKey(key);
            entries.checkValue(value);
        });
        long start = ticker.read();
        Set<K> unwritten = new HashSet<>();
        RuntimeException failure = null;
        if (writer != null && !map.isEmpty()) {
            Collection<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            map.forEach((key, value) -> toWrite.add(new JCacheEntry<>(key, value)));
            try {
                writer.writeAll(toWrite);
            } catch (RuntimeException e) {
                failure = Entries.writerFailure(e);
                toWrite.forEach(e2 -> unwritten.add(e2.getKey()));
            }
        }
        var batch = new Listeners.Batch<K, V>();
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            if (unwritten.contains(e.getKey())) {
                continue;
            }
            String k = keys.encode(e.getKey());
            synchronized (entries.lockFor(k)) {
                Stored s = entries.live(e.getKey(), k, start, batch);
                boolean stored = s == null
                        ? entries.create(e.getKey(), k, e.getValue(), start, batch)
                        : entries.update(e.getKey(), k, s, e.getValue(), start, batch);
                if (stored) {
                    entries.recordPut(start);
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
        entries.checkValue(value);
        return onKey(key, (s, k, now, batch) -> {
            boolean put = false;
            if (s == null) {
                entries.write(key, value);
                put = entries.create(key, k, value, now, batch);
                if (put) {
                    entries.recordPut(now);
                }
            }
            entries.recordGet(s != null, now);
            return put;
        });
    }

    @Override
    public boolean remove(K key) {
        return onKey(key, (s, k, now, batch) -> {
            entries.delete(key);
            return s != null && entries.removeEntry(key, k, s, now, batch);
        });
    }

    @Override
    public boolean remove(K key, V oldValue) {
        checkOpen();
        entries.checkValue(oldValue);
        return onKey(key, (s, k, now, batch) -> {
            boolean removed = false;
            if (s != null && oldValue.equals(entries.read(s))) {
                entries.delete(key);
                removed = entries.removeEntry(key, k, s, now, batch);
            } else if (s != null) {
                entries.touch(k, s, now);
            }
            entries.recordGet(s != null, now);
            return removed;
        });
    }

    @Override
    public @Nullable V getAndRemove(K key) {
        return onKey(key, (s, k, now, batch) -> {
            V old = s == null ? null : entries.read(s);
            entries.delete(key);
            if (s != null) {
                entries.removeEntry(key, k, s, now, batch);
            }
            entries.recordGet(s != null, now);
            return old;
        });
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        checkOpen();
        entries.checkValue(oldValue);
        entries.checkValue(newValue);
        return onKey(key, (s, k, now, batch) -> {
            boolean replaced = false;
            if (s != null && oldValue.equals(entries.read(s))) {
                entries.write(key, newValue);
                replaced = entries.update(key, k, s, newValue, now, batch);
                if (replaced) {
                    entries.recordPut(now);
                }
            } else if (s != null) {
                entries.touch(k, s, now);
            }
            entries.recordGet(s != null, now);
            return replaced;
        });
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
        entries.checkValue(value);
        return onKey(key, (s, k, now, batch) -> {
            V old = null;
            if (s != null) {
                old = entries.read(s);
                entries.write(key, value);
                if (entries.update(key, k, s, value, now, batch)) {
                    entries.recordPut(now);
                }
            }
            entries.recordGet(s != null, now);
            return old;
        });
    }

    @Override
    public void removeAll(Set<? extends K> keySet) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(entries::checkKey);
        removeKeys(new ArrayList<>(keySet));
    }

    @Override
    public void removeAll() {
        checkOpen();
        List<K> all = new ArrayList<>();
        for (String k : store.keys("*")) {
            all.add(entries.decodeKey(k));
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
                failure = Entries.writerFailure(e);
                undeleted.addAll(pending);
            }
        }
        var batch = new Listeners.Batch<K, V>();
        for (K key : toRemove) {
            if (undeleted.contains(key)) {
                continue;
            }
            String k = keys.encode(key);
            synchronized (entries.lockFor(k)) {
                Stored s = entries.live(key, k, start, batch);
                if (s != null) {
                    entries.removeEntry(key, k, s, start, batch);
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
        Objects.requireNonNull(processor, "entryProcessor");
        return onKey(key, (s, k, now, batch) -> {
            var entry = new ProcessorEntry<K, V>(
                    key, s == null ? null : entries.read(s), configuration.isReadThrough() ? entries::load : null);
            T result;
            try {
                result = processor.process(entry, arguments);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (Exception e) {
                throw new EntryProcessorException(e);
            }
            entries.apply(entry, key, k, s, now, batch);
            return result;
        });
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
            Set<? extends K> keySet, EntryProcessor<K, V, T> processor, Object... arguments) {
        checkOpen();
        Objects.requireNonNull(keySet, "keys");
        keySet.forEach(entries::checkKey);
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
        return new EntryIterator<>(entries, store.keys("*"), this::remove);
    }

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
        Closing.quietly(events);
        listeners.closeAll();
        Closing.quietly(loader);
        Closing.quietly(writer);
        Closing.quietly(entries.expiry);
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
        listenRemotely();
    }

    /**
     * On a Redis cache, starts hearing the changes other processes make (once, with the first
     * listener): their events go to this cache's listeners like local ones, filters and old values
     * included, but always asynchronously, since the change that caused them is already done.
     */
    private void listenRemotely() {
        if (events != null) {
            events.listen(this::onRemoteEvent);
        }
    }

    private void onRemoteEvent(EventChannel.Event e) {
        if (closed || !listeners.wants(e.type())) {
            return;
        }
        JCacheEntryEvent<K, V> event;
        try {
            event = entries.remoteEvent(e);
        } catch (RuntimeException failure) {
            // a key or value class this process lacks, or bytes it cannot read: its listeners cannot see it
            LOG.warn("JCache cache {}: an event from another process could not be read", name, failure);
            return;
        }
        var batch = new Listeners.Batch<K, V>();
        batch.add(event);
        listeners.deliverAsync(batch);
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
            MBeans.register(
                    entries.statistics, MBeans.STATISTICS, manager.getURI().toString(), name);
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

    // ---------------------------------------------------------------- checks

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + name + " is closed");
        }
    }

    private static final CompletionListener NO_COMPLETION = new CompletionListener() {
        @Override
        public void onCompletion() {}

        @Override
        public void onException(Exception e) {}
    };
}

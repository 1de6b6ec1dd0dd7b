package dev.voicetrack.core;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A trivially correct cache for engine tests: one lock around everything, loads included, so no
 * load can race an invalidation. Only what the tracker uses is implemented.
 */
public final class LockedMapCache implements Cache<Object> {
    private record Entry(Object value, Set<String> tags) {}

    private final Map<String, Entry> map = new HashMap<>();

    @Override
    public String name() {
        return "locked";
    }

    @Override
    public synchronized Optional<Object> get(String key) {
        Entry e = map.get(key);
        return e == null ? Optional.empty() : Optional.of(e.value);
    }

    @Override
    public Map<String, Object> getAll(Collection<String> keys) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized void put(String key, Object value, WriteOptions options) {
        map.put(key, new Entry(value, options.tags()));
    }

    @Override
    public synchronized boolean delete(String key) {
        return map.remove(key) != null;
    }

    @Override
    public synchronized boolean contains(String key) {
        return map.containsKey(key);
    }

    @Override
    public synchronized void clear() {
        map.clear();
    }

    @Override
    public synchronized Object remember(String key, WriteOptions options, Loader<? extends Object> loader) {
        Entry e = map.get(key);
        if (e != null) {
            return e.value;
        }
        try {
            Object v = loader.load();
            map.put(key, new Entry(v, options.tags()));
            return v;
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public synchronized Optional<Object> rememberOptional(
            String key, WriteOptions options, Loader<Optional<Object>> loader) {
        Entry e = map.get(key);
        if (e != null) {
            return Optional.of(e.value);
        }
        try {
            Optional<Object> v = loader.load();
            v.ifPresent(x -> map.put(key, new Entry(x, options.tags())));
            return v;
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The tag invalidations asked for, in order: one list per call, a single tag as a list of one. */
    public final List<List<String>> invalidations = new CopyOnWriteArrayList<>();

    /** Failure injection: while set, every tag invalidation throws (after being recorded). */
    public volatile boolean failInvalidations;

    @Override
    public synchronized long invalidateByTag(String tag) {
        return invalidateByTags(List.of(tag));
    }

    @Override
    public synchronized long invalidateByTags(Collection<String> tags) {
        invalidations.add(List.copyOf(tags));
        if (failInvalidations) {
            throw new IllegalStateException("injected invalidation failure");
        }
        long before = map.size();
        map.values().removeIf(e -> tags.stream().anyMatch(e.tags::contains));
        return before - map.size();
    }

    @Override
    public long invalidateByPattern(String pattern) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> keys(String pattern) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int warm(Collection<CacheEntry<Object>> entries) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CacheStats stats() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<HotKey> topKeys(int n) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void resetStats() {}

    @Override
    public CacheConfig config() {
        return CacheConfig.defaults();
    }

    public volatile boolean closed;

    @Override
    public void close() {
        closed = true;
    }
}

package dev.voicetrack.cache.spring.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.WriteOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * One VoiceTrack cache as a Spring cache. Writes carry the tags of the running {@code @CacheTags}
 * method; {@link #get(Object, Callable)} loads through the cache's single-flight {@code remember}, so
 * concurrent misses on one key run the loader once.
 */
public final class SpringCache extends AbstractValueAdaptingCache {

    private final Cache<Object> cache;

    public SpringCache(Cache<Object> cache, boolean allowNullValues) {
        super(allowNullValues);
        this.cache = cache;
    }

    static String keyOf(Object key) {
        return key instanceof String s ? s : String.valueOf(key);
    }

    private static WriteOptions options() {
        Set<String> tags = TagContext.current();
        return tags.isEmpty() ? WriteOptions.defaults() : WriteOptions.tags(tags.toArray(String[]::new));
    }

    @Override
    public String getName() {
        return cache.name();
    }

    @Override
    public Cache<Object> getNativeCache() {
        return cache;
    }

    @Override
    protected @Nullable Object lookup(Object key) {
        return cache.get(keyOf(key)).orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
        Object stored = cache.remember(keyOf(key), options(), () -> {
            try {
                return toStoreValue(valueLoader.call());
            } catch (Exception e) {
                throw new ValueRetrievalException(key, valueLoader, e);
            }
        });
        return (T) fromStoreValue(stored);
    }

    @Override
    public void put(Object key, @Nullable Object value) {
        cache.put(keyOf(key), toStoreValue(value), options());
    }

    @Override
    public void evict(Object key) {
        cache.delete(keyOf(key));
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return cache.delete(keyOf(key));
    }

    /** Removes every entry of this cache: SCAN over its own keys on Redis, never KEYS. */
    @Override
    public void clear() {
        cache.clear();
    }

    @Override
    public boolean invalidate() {
        cache.clear();
        return true;
    }
}

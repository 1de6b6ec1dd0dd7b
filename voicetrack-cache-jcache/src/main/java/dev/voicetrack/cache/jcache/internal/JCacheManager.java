package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.jcache.VoiceTrackConfiguration;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;

/**
 * The cache manager of one URI and class loader. Each cache it creates runs on its own in-process
 * VoiceTrack cache, built from the {@link VoiceTrackConfiguration}'s {@link CacheConfig} (unbounded
 * when none is given). Thread safe.
 */
public final class JCacheManager implements CacheManager {

    private final CachingProvider provider;
    private final URI uri;
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    private final Consumer<JCacheManager> onClose;
    private final ConcurrentMap<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final Executor executor = ForkJoinPool.commonPool();
    private volatile boolean closed;

    public JCacheManager(
            CachingProvider provider,
            URI uri,
            ClassLoader classLoader,
            Properties properties,
            Consumer<JCacheManager> onClose) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = new WeakReference<>(classLoader);
        this.properties = new Properties();
        this.properties.putAll(properties);
        this.onClose = onClose;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        ClassLoader loader = classLoader.get();
        return loader == null ? getClass().getClassLoader() : loader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        VoiceTrackConfiguration<K, V> copy = copyOf(configuration);
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("a cache named " + cacheName + " exists already in " + uri);
            }
            JCache<K, V> cache = new JCache<>(this, cacheName, copy, newStore(cacheName, copy), executor);
            caches.put(cacheName, cache);
            if (copy.isStatisticsEnabled()) {
                cache.setStatistics(true);
            }
            if (copy.isManagementEnabled()) {
                cache.setManagement(true);
            }
            return cache;
        }
    }

    private static <K, V> VoiceTrackConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
        if (configuration instanceof CompleteConfiguration<K, V> complete) {
            return new VoiceTrackConfiguration<>(complete);
        }
        var copy = new VoiceTrackConfiguration<K, V>();
        copy.setTypes(configuration.getKeyType(), configuration.getValueType());
        copy.setStoreByValue(configuration.isStoreByValue());
        return copy;
    }

    private static dev.voicetrack.cache.Cache<Stored> newStore(
            String name, VoiceTrackConfiguration<?, ?> configuration) {
        CacheConfig base = configuration
                .getCacheConfig()
                .orElseGet(() -> CacheConfig.builder().unboundedEntries().build());
        CacheConfig config =
                base.toBuilder().name(name.isBlank() ? "jcache" : name).build();
        return InProcessCache.create(config, ValueIsolation.<Stored>immutable().trusting(Stored.class));
    }

    @Override
    public <K, V> @Nullable Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> c = cache.configuration();
        if (!keyType.equals(c.getKeyType())) {
            throw new ClassCastException("cache " + cacheName + " has keys of type "
                    + c.getKeyType().getName() + ", not " + keyType.getName());
        }
        if (!valueType.equals(c.getValueType())) {
            throw new ClassCastException("cache " + cacheName + " has values of type "
                    + c.getValueType().getName() + ", not " + valueType.getName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    @Override
    public <K, V> @Nullable Cache<K, V> getCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        @SuppressWarnings("unchecked")
        Cache<K, V> cache = (Cache<K, V>) caches.get(cacheName);
        return cache;
    }

    @Override
    public Iterable<String> getCacheNames() {
        checkOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    @Override
    public void destroyCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.clear();
            cache.close();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setManagement(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setStatistics(enabled);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        for (JCache<?, ?> cache : new ArrayList<>(caches.values())) {
            cache.close();
        }
        caches.clear();
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
        throw new IllegalArgumentException("a cache manager cannot be unwrapped to " + clazz.getName());
    }

    /** Forgets a cache that closed itself. */
    void forget(JCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }
}

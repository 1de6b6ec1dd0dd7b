package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.Ticker;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.jcache.VoiceTrackCachingProvider;
import dev.voicetrack.cache.jcache.VoiceTrackConfiguration;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Clock;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache manager of one URI and class loader. Each cache it creates runs on its own VoiceTrack
 * cache, built from the {@link VoiceTrackConfiguration}'s {@link CacheConfig} (unbounded when none is
 * given): in process, or in Redis for a {@code redis://} manager URI or a configuration's Redis URL
 * (one connector per URL, shared by the manager's caches and closed with it). Thread safe.
 */
public final class JCacheManager implements CacheManager {

    private static final Logger LOG = LoggerFactory.getLogger(JCacheManager.class);

    private final CachingProvider provider;
    private final URI uri;
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    private final Consumer<JCacheManager> onClose;
    private final ConcurrentMap<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final Executor executor = ForkJoinPool.commonPool();
    // typed loosely so that this class loads without voicetrack-cache-redis on the class path
    private @Nullable AutoCloseable redisBackend;
    private volatile boolean closed;

    /** Epoch time in nanoseconds, at millisecond precision: comparable across processes. */
    private static final Ticker WALL_CLOCK = () -> Clock.systemUTC().millis() * 1_000_000L;

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
            String redisUrl = redisUrlOf(cacheName, copy);
            var store = newStore(cacheName, copy, redisUrl);
            EventChannel events = redisUrl == null ? null : redis().events(redisUrl, cacheName);
            JCache<K, V> cache = new JCache<>(this, cacheName, copy, store, events, executor);
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

    /**
     * The VoiceTrack cache a new JCache cache runs on: in Redis at {@code redisUrl} (the
     * configuration's, or this manager's URI if it is a Redis one), in process when it is null.
     */
    private dev.voicetrack.cache.Cache<Stored> newStore(
            String name, VoiceTrackConfiguration<?, ?> configuration, @Nullable String redisUrl) {
        CacheConfig base = configuration
                .getCacheConfig()
                .orElseGet(() -> CacheConfig.builder().unboundedEntries().build());
        if (redisUrl == null) {
            CacheConfig config =
                    base.toBuilder().name(name.isBlank() ? "jcache" : name).build();
            return InProcessCache.create(
                    config, ValueIsolation.<Stored>immutable().trusting(Stored.class));
        }
        boolean twoTier = configuration.isTwoTier()
                || Boolean.parseBoolean(properties.getProperty(VoiceTrackCachingProvider.TWO_TIER_PROPERTY));
        // entries on Redis carry wall-clock expiry instants, which other processes can read
        CacheConfig config = base.toBuilder().ticker(WALL_CLOCK).build();
        return redis().create(redisUrl, name, config, twoTier);
    }

    /**
     * Where in Redis a new cache goes, or null for in process. A store-by-reference cache holds the
     * caller's objects, which only this process can do, so it stays in process whatever the URI.
     */
    private @Nullable String redisUrlOf(String cacheName, VoiceTrackConfiguration<?, ?> configuration) {
        String redisUrl = configuration.getRedisUrl().orElse(isRedis(uri) ? uri.toString() : null);
        if (redisUrl != null && !configuration.isStoreByValue()) {
            LOG.warn(
                    "JCache cache {} stores by reference, so it is kept in this process, not in Redis ({})",
                    cacheName,
                    uri);
            return null;
        }
        return redisUrl;
    }

    static boolean isRedis(URI uri) {
        return "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme());
    }

    private RedisBackend redis() {
        synchronized (caches) {
            if (redisBackend == null) {
                redisBackend = new RedisBackend(properties.getProperty(
                        VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, VoiceTrackCachingProvider.DEFAULT_KEY_PREFIX));
            }
            return (RedisBackend) redisBackend;
        }
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
        synchronized (caches) {
            Closing.quietly(redisBackend);
            redisBackend = null;
        }
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

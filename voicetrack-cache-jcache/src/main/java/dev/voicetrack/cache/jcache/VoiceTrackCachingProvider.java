package dev.voicetrack.cache.jcache;

import dev.voicetrack.cache.jcache.internal.JCacheManager;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.jspecify.annotations.Nullable;

/**
 * The JSR-107 (JCache) caching provider of VoiceTrack: {@code Caching.getCachingProvider()} finds it
 * through the service loader. Its caches implement the whole {@link javax.cache.Cache} API: expiry
 * policies, read-through and write-through, entry processors, listeners, store-by-value and
 * store-by-reference, statistics and management MXBeans.
 *
 * <p>Where a cache lives follows the manager's URI: {@link #DEFAULT_URI} ({@code voicetrack:...})
 * keeps its caches in process ({@code InProcessCache}, on Caffeine); a {@code redis://} or {@code
 * rediss://} URI keeps them in that Redis ({@code RedisCache}, or {@code TwoTierCache} with {@value
 * #TWO_TIER_PROPERTY}), which needs {@code voicetrack-cache-redis} on the class path. A {@link
 * VoiceTrackConfiguration} can send one cache to Redis whatever the URI.
 *
 * <p>One cache manager exists per class loader and URI until it is closed. Thread safe.
 */
public final class VoiceTrackCachingProvider implements CachingProvider {

    /** The URI of the default cache manager, whose caches live in this process. */
    public static final URI DEFAULT_URI = URI.create("voicetrack:in-process");

    /**
     * The system property that replaces {@link #DEFAULT_URI} as the default manager's URI, for example
     * {@code redis://cache-host:6379} to put every cache of code that uses the default manager in
     * Redis.
     */
    public static final String DEFAULT_URI_PROPERTY = "voicetrack.jcache.uri";

    /**
     * The manager property ({@link #getCacheManager(URI, ClassLoader, Properties)}) giving the prefix
     * of the Redis keys of its caches; default {@value #DEFAULT_KEY_PREFIX}.
     */
    public static final String KEY_PREFIX_PROPERTY = "voicetrack.jcache.keyPrefix";

    /** The default prefix of the Redis keys of JCache caches. */
    public static final String DEFAULT_KEY_PREFIX = "vt:jc:";

    /**
     * The manager property that gives every Redis cache of the manager an in-process tier in front
     * ({@code true}); default {@code false}. {@link VoiceTrackConfiguration#setTwoTier} sets it per cache.
     */
    public static final String TWO_TIER_PROPERTY = "voicetrack.jcache.twoTier";

    private final Map<ClassLoader, Map<URI, JCacheManager>> managers = new WeakHashMap<>();

    /** Created by the service loader; applications use {@code Caching.getCachingProvider()}. */
    public VoiceTrackCachingProvider() {}

    @Override
    public CacheManager getCacheManager(
            @Nullable URI uri, @Nullable ClassLoader classLoader, @Nullable Properties properties) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties props = properties == null ? getDefaultProperties() : properties;
        synchronized (managers) {
            Map<URI, JCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
            JCacheManager manager = byUri.get(managerUri);
            if (manager == null || manager.isClosed()) {
                manager = new JCacheManager(this, managerUri, loader, props, this::forget);
                byUri.put(managerUri, manager);
            }
            return manager;
        }
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return getClass().getClassLoader();
    }

    /** {@link #DEFAULT_URI}, or the URI in the system property {@value #DEFAULT_URI_PROPERTY}. */
    @Override
    public URI getDefaultURI() {
        String configured = System.getProperty(DEFAULT_URI_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_URI;
        }
        try {
            return new URI(configured.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(
                    DEFAULT_URI_PROPERTY + " must be a URI, was '" + configured + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public CacheManager getCacheManager(@Nullable URI uri, @Nullable ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader());
    }

    @Override
    public void close() {
        List<JCacheManager> all = new ArrayList<>();
        synchronized (managers) {
            managers.values().forEach(byUri -> all.addAll(byUri.values()));
            managers.clear();
        }
        all.forEach(JCacheManager::close);
    }

    @Override
    public void close(ClassLoader classLoader) {
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, JCacheManager> byUri;
        synchronized (managers) {
            byUri = managers.remove(loader);
        }
        if (byUri != null) {
            new ArrayList<>(byUri.values()).forEach(JCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        JCacheManager manager;
        synchronized (managers) {
            Map<URI, JCacheManager> byUri = managers.get(loader);
            manager = byUri == null ? null : byUri.remove(managerUri);
        }
        if (manager != null) {
            manager.close();
        }
    }

    private void forget(JCacheManager manager) {
        synchronized (managers) {
            Map<URI, JCacheManager> byUri = managers.get(manager.getClassLoader());
            if (byUri != null && byUri.get(manager.getURI()) == manager) {
                byUri.remove(manager.getURI());
            }
        }
    }

    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
    }
}

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
 * through the service loader. Its caches run on the in-process VoiceTrack cache ({@code
 * InProcessCache}, on Caffeine) and implement the whole {@link javax.cache.Cache} API: expiry
 * policies, read-through and write-through, entry processors, listeners, store-by-value and
 * store-by-reference, statistics and management MXBeans.
 *
 * <p>One cache manager exists per class loader and URI until it is closed. The default URI is
 * {@link #DEFAULT_URI}. Thread safe.
 */
public final class VoiceTrackCachingProvider implements CachingProvider {

    /** The URI of the default cache manager, whose caches live in this process. */
    public static final URI DEFAULT_URI = URI.create("voicetrack:in-process");

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

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
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

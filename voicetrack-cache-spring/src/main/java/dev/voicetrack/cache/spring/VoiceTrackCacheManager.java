package dev.voicetrack.cache.spring;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.spring.internal.SpringCache;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.support.NullValue;

/**
 * Spring's {@link CacheManager} over VoiceTrack caches, so that {@code @Cacheable}, {@code @CachePut}
 * and {@code @CacheEvict} work on in-process, Redis and two-tier caches alike, with tags from {@link
 * CacheTags}. {@code @CacheEvict(allEntries = true)} runs the cache's {@code clear()}, which on Redis
 * walks SCAN over the cache's own keys and never sends KEYS.
 *
 * <p>Keys: a {@code String} key is used as it is, any other key as its {@code toString()} (Spring's
 * {@code SimpleKey} for several arguments reads {@code SimpleKey [1,2]}). A {@code null} result is
 * cached as Spring's {@code NullValue} when null values are allowed (the default).
 *
 * <p>Thread safe. {@link #destroy()} (called by Spring at shutdown) closes the caches the factory
 * created; caches handed in with {@link Builder#cache} are the caller's to close.
 */
public final class VoiceTrackCacheManager implements CacheManager, DisposableBean {

    private final @Nullable Function<String, Cache<Object>> factory;
    private final boolean allowNullValues;
    private final ConcurrentMap<String, SpringCache> caches = new ConcurrentHashMap<>();
    private final Map<String, Boolean> owned = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Cache<Object>>> creationCallbacks = new CopyOnWriteArrayList<>();

    private VoiceTrackCacheManager(Builder b) {
        this.factory = b.factory;
        this.allowNullValues = b.allowNullValues;
        b.caches.forEach((name, cache) -> caches.put(name, new SpringCache(cache, allowNullValues)));
    }

    /** A builder with no caches, no factory and null values allowed. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A manager that creates an in-process cache for each name asked for, from {@code template} with
     * the name replaced, accepting immutable values (and Spring's null marker).
     */
    public static VoiceTrackCacheManager inProcess(CacheConfig template) {
        Objects.requireNonNull(template, "template");
        return builder()
                .cacheFactory(name -> InProcessCache.create(
                        template.toBuilder().name(name).build(),
                        ValueIsolation.immutable().trusting(NullValue.class)))
                .build();
    }

    @Override
    public org.springframework.cache.@Nullable Cache getCache(String name) {
        SpringCache cache = caches.get(name);
        if (cache != null || factory == null) {
            return cache;
        }
        boolean[] created = {false};
        SpringCache result = caches.computeIfAbsent(name, n -> {
            owned.put(n, Boolean.TRUE);
            created[0] = true;
            return new SpringCache(factory.apply(n), allowNullValues);
        });
        if (created[0]) {
            creationCallbacks.forEach(c -> c.accept(name, result.getNativeCache()));
        }
        return result;
    }

    /**
     * Calls {@code callback} with each cache the factory creates from now on (after it is created, on
     * the thread that first asked for it); with {@link #voiceTrackCaches()} read after this call, no
     * cache is missed, though one created meanwhile may be seen by both. Metrics binders use it for
     * the caches that {@code @Cacheable} methods create on first use.
     */
    public void onCacheCreated(BiConsumer<String, Cache<Object>> callback) {
        creationCallbacks.add(Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public Collection<String> getCacheNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    /** The VoiceTrack caches this manager has now, by name. */
    public Map<String, Cache<Object>> voiceTrackCaches() {
        Map<String, Cache<Object>> all = new LinkedHashMap<>();
        caches.forEach((name, cache) -> all.put(name, cache.getNativeCache()));
        return Collections.unmodifiableMap(all);
    }

    /** Closes the caches this manager's factory created. */
    @Override
    public void destroy() {
        owned.keySet().forEach(name -> {
            SpringCache cache = caches.remove(name);
            if (cache != null) {
                cache.getNativeCache().close();
            }
        });
        owned.clear();
    }

    /** Builds a {@link VoiceTrackCacheManager}. Not thread safe. */
    public static final class Builder {
        private @Nullable Function<String, Cache<Object>> factory;
        private boolean allowNullValues = true;
        private final Map<String, Cache<Object>> caches = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Creates the caches asked for by name that were not handed in; without a factory, unknown
         * names give no cache (Spring then reports the missing cache).
         */
        public Builder cacheFactory(Function<String, Cache<Object>> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Serves an existing cache under its configured name.
         *
         * @throws IllegalArgumentException if a cache of that name was handed in already
         */
        @SuppressWarnings("unchecked")
        public Builder cache(Cache<?> cache) {
            Objects.requireNonNull(cache, "cache");
            if (caches.putIfAbsent(cache.name(), (Cache<Object>) cache) != null) {
                throw new IllegalArgumentException("a cache named " + cache.name() + " was added already");
            }
            return this;
        }

        /** Whether a method's {@code null} result is cached (as Spring's {@code NullValue}); default true. */
        public Builder allowNullValues(boolean allowNullValues) {
            this.allowNullValues = allowNullValues;
            return this;
        }

        public VoiceTrackCacheManager build() {
            return new VoiceTrackCacheManager(this);
        }
    }
}

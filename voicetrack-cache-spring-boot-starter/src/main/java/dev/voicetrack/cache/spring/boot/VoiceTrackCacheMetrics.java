package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of every cache of the manager: those it has when the application starts (from
 * {@code voicetrack.cache.cache-names}) and those created later, when a {@code @Cacheable} method
 * first names them. Named as Micrometer's own cache meters are: {@code cache.gets} ({@code
 * result=hit|miss}), {@code cache.puts}, {@code cache.evictions}, {@code cache.size}, tagged {@code
 * cache=<name>}. Each reading takes the cache's stats snapshot, which never scans.
 */
final class VoiceTrackCacheMetrics {

    VoiceTrackCacheMetrics(VoiceTrackCacheManager manager, MeterRegistry registry) {
        // first the callback, then the caches there are: none is missed (binding one twice is harmless)
        manager.onCacheCreated((name, cache) -> bind(name, cache, registry));
        manager.voiceTrackCaches().forEach((name, cache) -> bind(name, cache, registry));
    }

    private static void bind(String name, Cache<Object> cache, MeterRegistry registry) {
        counter("cache.gets", "result", "hit", name, cache, CacheStats::hits, registry);
        counter("cache.gets", "result", "miss", name, cache, CacheStats::misses, registry);
        counter("cache.puts", null, null, name, cache, CacheStats::sets, registry);
        counter("cache.evictions", null, null, name, cache, s -> s.evictions(), registry);
        Gauge.builder("cache.size", cache, c -> c.stats().size())
                .tag("cache", name)
                .description("entries in the cache")
                .register(registry);
    }

    private static void counter(
            String meter,
            String tagKey,
            String tagValue,
            String name,
            Cache<Object> cache,
            ToDoubleFunction<CacheStats> reading,
            MeterRegistry registry) {
        FunctionCounter.Builder<Cache<Object>> b = FunctionCounter.builder(
                        meter, cache, c -> reading.applyAsDouble(c.stats()))
                .tag("cache", name);
        if (tagKey != null) {
            b = b.tag(tagKey, tagValue);
        }
        b.register(registry);
    }
}

package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-process cache's preload is not a read: the hit rate counts only what readers asked for. */
class PreloadStatsTest {
    private final Cache<String> cache = InProcessCache.create(CacheConfig.defaults());

    @Test
    void preload_countsNeitherHitNorMiss_butTheLoad() {
        cache.preload("a", WriteOptions.ttl(Duration.ofMinutes(1)), () -> "A");
        cache.preload("a", WriteOptions.ttl(Duration.ofMinutes(1)), () -> "other");
        CacheStats afterPreloads = cache.stats();
        assertThat(afterPreloads.hits()).isZero();
        assertThat(afterPreloads.misses()).isZero();
        assertThat(afterPreloads.loadSuccesses()).isEqualTo(1);

        assertThat(cache.remember("a", Duration.ofMinutes(1), () -> "loaded")).isEqualTo("A");
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isZero();
        assertThat(cache.stats().hitRate()).isEqualTo(1.0);
    }

    @Test
    void preloadOptional_countsNoRead_andRemembersAnAbsenceToo() {
        assertThat(cache.preloadOptional("gone", WriteOptions.defaults(), java.util.Optional::empty))
                .isEmpty();
        assertThat(cache.preloadOptional("b", WriteOptions.defaults(), () -> java.util.Optional.of("B")))
                .contains("B");
        assertThat(cache.stats().hits() + cache.stats().misses()).isZero();
        assertThat(cache.rememberOptional("gone", WriteOptions.defaults(), () -> java.util.Optional.of("x")))
                .as("the absence was remembered")
                .isEmpty();
        assertThat(cache.stats().hits()).isEqualTo(1);
    }
}

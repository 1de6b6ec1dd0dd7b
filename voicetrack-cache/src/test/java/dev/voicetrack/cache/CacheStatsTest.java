package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheStatsTest {

    private static CacheStats stats(
            long hits, long misses, long expirations, long sizeEvictions, long ok, long failed, long loadNanos) {
        return new CacheStats("c", hits, misses, 0, 0, expirations, sizeEvictions, ok, failed, loadNanos, 0, -1);
    }

    @Test
    void requestsAndHitRate_fromHitsAndMisses() {
        CacheStats s = stats(853, 147, 0, 0, 0, 0, 0);
        assertThat(s.requests()).isEqualTo(1000);
        assertThat(s.hitRate()).isEqualTo(0.853);
        assertThat(s.hitRatePercent()).isCloseTo(85.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void hitRate_isOneWithoutRequests() {
        CacheStats s = stats(0, 0, 0, 0, 0, 0, 0);
        assertThat(s.requests()).isZero();
        assertThat(s.hitRate()).isEqualTo(1.0);
        assertThat(s.hitRatePercent()).isEqualTo(100.0);
    }

    @Test
    void hitRate_isZeroWhenEverythingMissed() {
        assertThat(stats(0, 5, 0, 0, 0, 0, 0).hitRate()).isZero();
    }

    @Test
    void evictions_byCauseAndInTotal() {
        CacheStats s = stats(0, 0, 7, 11, 0, 0, 0);
        assertThat(s.evictions(EvictionCause.EXPIRED)).isEqualTo(7);
        assertThat(s.evictions(EvictionCause.SIZE)).isEqualTo(11);
        assertThat(s.evictions()).isEqualTo(18);
    }

    @Test
    void averageLoadTime_dividesOverSuccessesAndFailures() {
        assertThat(stats(0, 0, 0, 0, 3, 1, 4_000_000).averageLoadTime()).isEqualTo(Duration.ofMillis(1));
        assertThat(stats(0, 0, 0, 0, 0, 0, 0).averageLoadTime()).isEqualTo(Duration.ZERO);
        assertThat(stats(0, 0, 0, 0, 0, 2, 10).averageLoadTime()).isEqualTo(Duration.ofNanos(5));
    }

    @Test
    void name_null_isRejected() {
        assertThatThrownBy(() -> new CacheStats(null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
    }
}

package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheStats;
import org.junit.jupiter.api.Test;

class HitRateAlarmTest {
    private final HitRateAlarm alarm = new HitRateAlarm(0.6);

    private static CacheStats stats(long hits, long misses, long sizeEvictions) {
        return new CacheStats("voicetrack", hits, misses, 0, 0, 0, sizeEvictions, 0, 0, 0, 0, -1);
    }

    @Test
    void lowRateWithSizeEvictionsInTheInterval_warnsWithTheIntervalsFigures() {
        assertThat(alarm.check(stats(0, 0, 0))).isEmpty();
        assertThat(alarm.check(stats(40, 160, 25))).hasValueSatisfying(w -> assertThat(w)
                .contains("20.0% over the last 200 reads (threshold 60%)")
                .contains("25 entries were evicted")
                .contains("CACHE_MAX_ENTRIES"));
    }

    @Test
    void lowRateWithoutEvictions_isNoFault_andDoesNotWarn() {
        // the realistic read mix: many first questions, nothing the cache could have kept
        alarm.check(stats(0, 0, 0));
        assertThat(alarm.check(stats(350, 650, 0))).isEmpty();
    }

    @Test
    void judgesTheIntervalNotTheLifetime() {
        alarm.check(stats(0, 0, 0));
        // a cold start: low, no evictions, no warning
        assertThat(alarm.check(stats(10, 190, 0))).isEmpty();
        // a long healthy run lifts the lifetime rate to about 97%...
        assertThat(alarm.check(stats(10_010, 390, 0))).isEmpty();
        // ...and then the cache starts evicting what is read: the interval's 10% is reported, not the lifetime's
        assertThat(alarm.check(stats(10_030, 570, 500)))
                .hasValueSatisfying(w -> assertThat(w).contains("10.0% over the last 200 reads"));
    }

    @Test
    void aHighRateOrTooFewReads_doNotWarn_evenWithEvictions() {
        alarm.check(stats(0, 0, 0));
        assertThat(alarm.check(stats(150, 50, 10))).isEmpty(); // 75%
        assertThat(alarm.check(stats(150, 150, 20))).isEmpty(); // 100 reads in the interval: not enough to judge
    }

    @Test
    void firstLook_andStatsReset_onlySetTheBaseline() {
        assertThat(alarm.check(stats(0, 5_000, 900))).isEmpty();
        assertThat(alarm.check(stats(0, 300, 10))).isEmpty(); // reset: went backwards
        assertThat(alarm.check(stats(10, 600, 20))).isPresent();
    }

    @Test
    void thresholdOutsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> new HitRateAlarm(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be in 0..1, was 1.5");
    }
}

package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LevelCalculatorTest {

    @Test
    void level_of1000XpAtDefaultMultiplier_is3_notTheDocumented10() {
        assertThat(LevelCalculator.level(1000, 0.1)).isEqualTo(3);
    }

    @Test
    void level_pinnedValues() {
        assertThat(LevelCalculator.level(0, 0.1)).isZero();
        assertThat(LevelCalculator.level(99, 0.1)).isZero();
        assertThat(LevelCalculator.level(100, 0.1)).isEqualTo(1);
        assertThat(LevelCalculator.level(899, 0.1)).isEqualTo(2);
        assertThat(LevelCalculator.level(900, 0.1)).isEqualTo(3);
        assertThat(LevelCalculator.level(10_000, 0.1)).isEqualTo(10);
        assertThat(LevelCalculator.level(1000, 0.15)).isEqualTo(4);
        assertThat(LevelCalculator.level(1000, 0.05)).isEqualTo(1);
    }

    @Test
    void xpForLevel_isTheExactIntegerThreshold() {
        assertThat(LevelCalculator.xpForLevel(0, 0.1)).isZero();
        assertThat(LevelCalculator.xpForLevel(1, 0.1)).isEqualTo(100);
        assertThat(LevelCalculator.xpForLevel(3, 0.1)).isEqualTo(900);
        assertThat(LevelCalculator.xpForLevel(10, 0.1)).isEqualTo(10_000);
        assertThat(LevelCalculator.xpForLevel(2, 0.15)).isEqualTo(178);
        for (double m : new double[] {0.05, 0.1, 0.15, 0.3}) {
            for (int l = 1; l < 200; l++) {
                long xp = LevelCalculator.xpForLevel(l, m);
                assertThat(LevelCalculator.level(xp, m)).isGreaterThanOrEqualTo(l);
                assertThat(LevelCalculator.level(xp - 1, m)).isLessThan(l);
            }
        }
    }

    @Test
    void xpToNextLevel_and_progress_pinned() {
        assertThat(LevelCalculator.xpToNextLevel(1000, 0.1)).isEqualTo(600);
        assertThat(LevelCalculator.xpToNextLevel(0, 0.1)).isEqualTo(100);
        assertThat(LevelCalculator.progressPercent(1000, 0.1)).isEqualTo(14);
        assertThat(LevelCalculator.progressPercent(950, 0.1)).isEqualTo(7);
        assertThat(LevelCalculator.progressPercent(0, 0.1)).isZero();
        assertThat(LevelCalculator.progressPercent(50, 0.1)).isEqualTo(50);
    }

    @Test
    void formatVoiceTime_matchesTheOriginal() {
        assertThat(LevelCalculator.formatVoiceTime(0)).isEqualTo("0s");
        assertThat(LevelCalculator.formatVoiceTime(59_999)).isEqualTo("59s");
        assertThat(LevelCalculator.formatVoiceTime(61_000)).isEqualTo("1m 1s");
        assertThat(LevelCalculator.formatVoiceTime(3_660_000)).isEqualTo("1h 1m");
        assertThat(LevelCalculator.formatVoiceTime(90_000_000)).isEqualTo("1d 1h 0m");
    }

    @Test
    void invalidArguments_nameTheFieldAndValue() {
        assertThatThrownBy(() -> LevelCalculator.level(-1, 0.1)).hasMessage("xp must be >= 0, was -1");
        assertThatThrownBy(() -> LevelCalculator.level(1, 0))
                .hasMessage("multiplier must be a finite number > 0, was 0.0");
        assertThatThrownBy(() -> LevelCalculator.formatVoiceTime(-5)).hasMessageContaining("milliseconds");
    }
}

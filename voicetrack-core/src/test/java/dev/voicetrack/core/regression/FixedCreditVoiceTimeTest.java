package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.Strategies;
import org.junit.jupiter.api.Test;

/**
 * Defect: voice time was a fixed credit per tick, so the published examples (10 s interval, 5 s
 * credit) recorded half the real time. The default strategy now measures; {@code fixed} is opt-in.
 */
class FixedCreditVoiceTimeTest {

    @Test
    void defaultStrategy_recordsTheRealTime_at10sChecks() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            for (int i = 0; i < 6; i++) {
                f.tickAfterSeconds(10);
            }
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(60_000);
        }
    }

    @Test
    void fixedStrategy_isTheOriginalsBehaviour_onlyWhenChosen() {
        var cfg = GuildConfig.builder()
                .voiceTimeStrategy(Strategies.VOICE_TIME_FIXED)
                .build();
        try (var f = new Fixture(cfg)) {
            f.join(1, C1);
            for (int i = 0; i < 6; i++) {
                f.tickAfterSeconds(10);
            }
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(30_000);
        }
    }
}

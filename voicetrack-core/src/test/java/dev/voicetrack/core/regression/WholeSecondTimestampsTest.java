package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Defect: timestamps were stored in whole seconds; milliseconds were lost. */
class WholeSecondTimestampsTest {

    @Test
    void sessionAndLastSeenInstants_keepTheirMilliseconds() {
        try (var f = new Fixture()) {
            f.clock.set(Instant.parse("2024-03-10T12:00:00.123Z"));
            f.join(1, C1);
            f.clock.set(Instant.parse("2024-03-10T12:00:04.987Z"));
            f.leave(1);
            f.tracker.tickNow();
            var s = f.tracker.getSessions(G, 1, 1).get(0);
            assertThat(s.start()).isEqualTo(Instant.parse("2024-03-10T12:00:00.123Z"));
            assertThat(s.end()).isEqualTo(Instant.parse("2024-03-10T12:00:04.987Z"));
            assertThat(s.durationMs()).isEqualTo(4_864);
            assertThat(f.user(1).lastSeen()).isEqualTo(Instant.parse("2024-03-10T12:00:04.987Z"));
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(4_864);
        }
    }
}

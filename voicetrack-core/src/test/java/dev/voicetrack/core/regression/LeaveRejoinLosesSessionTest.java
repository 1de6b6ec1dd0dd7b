package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import dev.voicetrack.core.VoiceSession;
import org.junit.jupiter.api.Test;

/** Defect: a leave followed by an immediate rejoin lost the new session. */
class LeaveRejoinLosesSessionTest {

    @Test
    void leaveThenImmediateRejoin_keepsBothSessions() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.clock.advanceSeconds(5);
            f.leave(1);
            f.join(1, C1);
            f.tickAfterSeconds(5);
            var sessions = f.tracker.getSessions(G, 1, 10);
            assertThat(sessions).hasSize(2);
            assertThat(sessions).extracting(VoiceSession::id).doesNotHaveDuplicates();
            assertThat(sessions.get(0).open()).isTrue();
            assertThat(sessions.get(1).open()).isFalse();
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(10_000);
            assertThat(f.user(1).sessions()).isEqualTo(2);
        }
    }
}

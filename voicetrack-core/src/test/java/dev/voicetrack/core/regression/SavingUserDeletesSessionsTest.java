package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import org.junit.jupiter.api.Test;

/**
 * Defect: saving a user replaced the whole row and the foreign-key cascade deleted all of that user's
 * sessions; saving a guild deleted every stored user not in memory.
 */
class SavingUserDeletesSessionsTest {

    @Test
    void accruals_neverDeleteStoredSessions_orUsersNotInVoice() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.join(2, C1);
            f.tickAfterSeconds(5);
            f.leave(1);
            f.leave(2);
            f.tickAfterSeconds(5);
            f.join(1, C1);
            for (int i = 0; i < 5; i++) {
                f.tickAfterSeconds(5);
            }
            assertThat(f.tracker.getSessions(G, 1, 10)).hasSize(2);
            assertThat(f.tracker.getSessions(G, 2, 10)).hasSize(1);
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(5_000);
            assertThat(f.storage.memberCount(G)).isEqualTo(2);
        }
    }
}

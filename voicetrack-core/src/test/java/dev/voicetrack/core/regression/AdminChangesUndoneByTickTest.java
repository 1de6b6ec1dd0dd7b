package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import org.junit.jupiter.api.Test;

/**
 * Defect: admin changes (grant XP, set level, delete user) were overwritten by the next tick, which
 * wrote whole in-memory objects back; deleted users came back.
 */
class AdminChangesUndoneByTickTest {

    @Test
    void grantAndSetLevel_surviveTheNextTicks() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            f.tracker.addXp(G, 1, 10_000);
            f.tracker.setLevel(G, 1, 42);
            f.tickAfterSeconds(5);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(10_015);
            assertThat(f.user(1).level()).isEqualTo(42);
        }
    }

    @Test
    void deletedUser_notInVoice_neverComesBack() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            f.leave(1);
            f.tickAfterSeconds(5);
            assertThat(f.tracker.deleteUser(G, 1)).isTrue();
            f.tickAfterSeconds(5);
            f.tickAfterSeconds(5);
            assertThat(f.storage.member(G, 1)).isEmpty();
            assertThat(f.tracker.getSessions(G, 1, 10)).isEmpty();
            assertThat(f.flushed()).contains("deleted:1");
        }
    }

    @Test
    void deletedUser_stillInVoice_restartsFromZero_neverWithOldTotals() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(60);
            f.clock.advanceSeconds(3);
            f.tracker.deleteUser(G, 1);
            f.tickAfterSeconds(2);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(2_000);
            assertThat(f.user(1).xp()).isEqualTo(5);
            assertThat(f.tracker.getSessions(G, 1, 10)).singleElement().satisfies(s -> assertThat(s.durationMs())
                    .isEqualTo(2_000));
        }
    }
}

package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Fixture;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * Defect: a guild not loaded in memory when a tick ran was saved with no users: in-voice users
 * restarted from zero and all others were deleted.
 */
class UnloadedGuildTickWipesUsersTest {

    @Test
    void aGuildFirstSeenByATick_keepsItsStoredMembers() {
        var storage = new InMemoryStorage();
        storage.init();
        storage.setXp(G, 1, 500, 2);
        storage.setXp(G, 2, 900, 3);
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(505);
            assertThat(f.user(2).xp()).isEqualTo(900);
            assertThat(f.user(2).level()).isEqualTo(3);
        }
    }
}

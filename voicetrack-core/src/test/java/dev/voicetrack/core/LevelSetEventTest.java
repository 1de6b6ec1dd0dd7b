package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.TrackerListener.LevelSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Admin operations that set a member's level, up or down, say so (what follows the level, like role rewards). */
class LevelSetEventTest {

    @Test
    void setXp_setLevel_andReset_emitLevelSet_withTheStoredValues() {
        try (Fixture f = new Fixture()) {
            List<LevelSet> seen = new CopyOnWriteArrayList<>();
            f.tracker.addListener(new TrackerListener() {
                @Override
                public void levelSet(LevelSet event) {
                    seen.add(event);
                }
            });
            long xp = LevelCalculator.xpForLevel(3, f.tracker.levelMultiplier(G));
            f.tracker.setXp(G, 7, xp);
            f.tracker.setLevel(G, 7, 1);
            f.tracker.resetUser(G, 7);
            f.tracker.addXp(G, 7, 5); // an increment: levelUp when a threshold is crossed, not levelSet
            f.tracker.flushEvents();
            assertThat(seen)
                    .containsExactly(new LevelSet(G, 7, 3, xp), new LevelSet(G, 7, 1, xp), new LevelSet(G, 7, 0, 0));
        }
    }
}

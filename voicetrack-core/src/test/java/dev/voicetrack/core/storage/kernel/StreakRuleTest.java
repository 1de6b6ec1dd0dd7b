package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreakRuleTest {
    private static final long D = LocalDate.of(2024, 3, 10).toEpochDay();

    @Test
    void step_growsOnTheNextDay_restartsAfterAGap_ignoresSameAndEarlierDays() {
        var s = StreakRule.State.NEW;
        s = StreakRule.step(s, D);
        assertThat(s).isEqualTo(new StreakRule.State(1, D));
        s = StreakRule.step(s, D);
        assertThat(s).isEqualTo(new StreakRule.State(1, D));
        s = StreakRule.step(s, D + 1);
        assertThat(s).isEqualTo(new StreakRule.State(2, D + 1));
        s = StreakRule.step(s, D - 5); // a late increment for an older day
        assertThat(s).isEqualTo(new StreakRule.State(2, D + 1));
        s = StreakRule.step(s, D + 3);
        assertThat(s).isEqualTo(new StreakRule.State(1, D + 3));
    }

    @Test
    void theDayAfterTheEpoch_startsAStreakOfOne_andDaysUpToTheEpochChangeNothing() {
        assertThat(StreakRule.step(StreakRule.State.NEW, 1)).isEqualTo(new StreakRule.State(1, 1));
        assertThat(StreakRule.step(StreakRule.State.NEW, 0)).isEqualTo(StreakRule.State.NEW);
        assertThat(StreakRule.step(StreakRule.State.NEW, -3)).isEqualTo(StreakRule.State.NEW);
        assertThat(StreakRule.Run.NONE.then(0).then(-4)).isEqualTo(StreakRule.Run.NONE);
    }

    @Test
    void run_keepsTheLastRunOfDaysLaterThanEveryEarlierDay() {
        var run = StreakRule.Run.NONE
                .then(D)
                .then(D + 1)
                .then(D)
                .then(D + 3)
                .then(D + 2)
                .then(D + 4);
        assertThat(run).isEqualTo(new StreakRule.Run(D + 4, 2));
    }

    @Test
    void run_refusesWhatIsNotARun() {
        assertThatThrownBy(() -> new StreakRule.Run(5, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreakRule.Run(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreakRule.Run(3, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The one-step form must equal applying the batch's days one by one, for any stored state and batch. */
    @Test
    void apply_equalsSteppingThroughTheDays_forRandomStatesAndBatches() {
        var random = new SplittableRandom(17);
        for (int i = 0; i < 200_000; i++) {
            long base = random.nextInt(4) == 0 ? random.nextInt(6) : D;
            var stored = random.nextInt(5) == 0
                    ? StreakRule.State.NEW
                    : new StreakRule.State(random.nextInt(10), base + random.nextInt(-6, 7));
            if (stored.lastActiveDay() < 0) {
                stored = StreakRule.State.NEW;
            }
            var stepped = stored;
            var run = StreakRule.Run.NONE;
            int days = random.nextInt(7);
            for (int k = 0; k < days; k++) {
                long day = base + random.nextInt(-6, 9);
                stepped = StreakRule.step(stepped, day);
                run = run.then(day);
            }
            assertThat(StreakRule.apply(stored, run))
                    .as("stored %s, run %s", stored, run)
                    .isEqualTo(stepped);
            assertThat(StreakRule.apply(StreakRule.State.NEW, run).streak())
                    .as("a new member's streak is the run's length")
                    .isEqualTo(run.length());
        }
    }

    @Test
    void sqlForms_nameTheTableAndTheExcludedRow() {
        assertThat(StreakRule.SQL_STREAK).contains("excluded.streak", "excluded.last_active_day", "vt_members.streak");
        assertThat(StreakRule.sqlLastActiveDay("m"))
                .contains("m.last_active_day")
                .doesNotContain("vt_members");
    }
}

package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * Checks the forward-migration fixture itself: its model still renders the committed expectations,
 * and core's reference storage, fed the same history, agrees with the model (so the model states
 * the contract's rules, not a guess).
 */
class ForwardMigrationFixtureTest {

    @Test
    void model_rendersTheCommittedExpectations() {
        assertThat(ForwardMigrationFixture.expected()).isEqualTo(ForwardMigrationFixture.committedExpected());
    }

    @Test
    void inMemoryStorage_agreesWithTheModel_beforeAndAfterTheContinuation() {
        try (InMemoryStorage storage = new InMemoryStorage()) {
            storage.init();
            ForwardMigrationFixture.write(storage);
            ForwardMigrationFixture.verify(storage);
            ForwardMigrationFixture.continueAndVerify(storage);
            assertThat(ForwardMigrationFixture.observed(storage))
                    .isEqualTo(ForwardMigrationFixture.expectedAfterContinuation());
        }
    }

    @Test
    void expectations_coverEveryKindOfStoredValue() {
        String e = ForwardMigrationFixture.committedExpected();
        assertThat(e)
                .contains("end=open")
                .contains("member 1180000000019000057 absent") // the deleted member
                .contains("metadata={\"keep\"=\"yes\" }") // the reset member keeps its metadata
                .contains("streak=16 lastActiveDay=2026-03-15")
                .contains("xp=123496 level=35") // admin setXp, then earned 40
                .contains("level=50")
                .contains("timeZone=Europe/Berlin")
                .contains("timeZone=+05:30")
                .contains("member 9007199254740993 voiceMs="); // 2^53 + 1
    }
}

package dev.voicetrack.testkit.storage;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the storage contract ({@link StorageContractTest}): the storage under test, created
 * fresh and initialised before each test and closed after it, and the fixtures the contract classes
 * share. The contract is one chain of classes by area, each a file: {@link MemberContract} (members
 * and totals), {@link SessionContract}, {@link LeaderboardContract} (leaderboards and ranks), {@link
 * GuildConfigContract} (guild config and rewards), {@link HourlyActivityContract} and {@link
 * MaintenanceContract} (schema, lifecycle, arguments, reset, delete, snapshots and migration); JUnit
 * runs the tests of the whole chain for every backend's subclass of {@link StorageContractTest}.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class StorageContractSupport {

    protected static final long G = 111;
    protected static final long G2 = 222;
    protected static final long CH = 333;
    protected static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    protected static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    protected Storage storage;

    /** A fresh, empty storage (not initialised). */
    protected abstract Storage newStorage();

    @BeforeEach
    void setUpStorage() {
        storage = newStorage();
        storage.init();
    }

    @AfterEach
    void tearDownStorage() {
        storage.close();
    }

    protected static MemberDelta delta(long guild, long user, long voiceMs, long xp) {
        return new MemberDelta(guild, user, CH, DAY, voiceMs, xp, 0, 0, T);
    }

    protected static Batch batch(MemberDelta... deltas) {
        return new Batch(List.of(deltas), List.of());
    }

    protected static VoiceSession session(String id, long user, Instant start, Instant last, boolean open) {
        return new VoiceSession(
                id, G, user, CH, start, open ? null : last, last, last.toEpochMilli() - start.toEpochMilli(), 3, 1, 0);
    }
}

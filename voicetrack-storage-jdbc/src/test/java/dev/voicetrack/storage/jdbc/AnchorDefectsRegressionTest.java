package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the storage lines of {@code anchor-defects.md}, run on every backend of this
 * module. Each test is named after the defect it proves absent.
 */
abstract class AnchorDefectsRegressionTest {

    static final long G = 500;
    static final long CH = 42;
    static final LocalDate DAY = LocalDate.of(2024, 5, 1);
    static final Instant T = Instant.parse("2024-05-01T10:15:30.987Z");

    Storage storage;

    /** A storage on a new, empty database (not initialised). */
    abstract Storage newStorage();

    /** Another storage on the same database as the last {@link #newStorage()} (a restart). */
    abstract Storage reopen();

    @BeforeEach
    void open() {
        storage = newStorage();
        storage.init();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    private void restart() {
        storage.close();
        storage = reopen();
        storage.init();
    }

    static MemberDelta voice(long user, long ms, long xp) {
        return new MemberDelta(G, user, CH, DAY, ms, xp, 0, 0, T);
    }

    static VoiceSession session(String id, long user, Instant start, Instant last, boolean open) {
        return new VoiceSession(
                id, G, user, CH, start, open ? null : last, last, last.toEpochMilli() - start.toEpochMilli(), 4, 1, 2);
    }

    @Test
    void savingAUser_neverDeletesItsStoredSessions() {
        storage.apply(new Batch(
                List.of(voice(1, 1000, 5)),
                List.of(
                        session("s1", 1, T, T.plusMillis(5_001), false),
                        session("s2", 1, T.plusSeconds(10), T.plusSeconds(12), true))));
        for (int tick = 0; tick < 5; tick++) {
            storage.apply(new Batch(List.of(voice(1, 100, 1)), List.of()));
        }
        storage.setXp(G, 1, 999, 3);
        storage.setLevel(G, 1, 4);
        storage.updateMetadata(G, 1, Map.of("k", "v"), List.of());
        storage.raiseLevels(List.of(new dev.voicetrack.core.storage.LevelRaise(G, 1, 9)));
        assertThat(storage.sessions(G, 1, 10)).extracting(VoiceSession::id).containsExactly("s2", "s1");
        assertThat(storage.openSessions()).extracting(VoiceSession::id).containsExactly("s2");
    }

    @Test
    void savingAGuild_neverDeletesUsersThatAreNotInMemory() {
        var all = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 50; u++) {
            all.add(voice(u, u * 10, u));
        }
        storage.apply(new Batch(all, List.of()));
        storage.saveGuildConfig(G, GuildConfig.defaults());
        storage.saveGuildConfig(G, GuildConfig.builder().trackBots(true).build());
        storage.apply(new Batch(List.of(voice(7, 1, 1)), List.of()));
        assertThat(storage.memberCount(G)).isEqualTo(50);
        assertThat(storage.member(G, 50).orElseThrow().xp()).isEqualTo(50);
        assertThat(storage.member(G, 7).orElseThrow().xp()).isEqualTo(8);
    }

    @Test
    void aTickForAGuildNotLoadedInMemory_neitherResetsNorDeletesItsUsers() {
        storage.apply(new Batch(List.of(voice(1, 60_000, 100), voice(2, 30_000, 50)), List.of()));
        restart(); // nothing of guild G is "in memory" now, and it has no stored config
        storage.apply(new Batch(List.of(voice(1, 10_000, 5)), List.of()));
        assertThat(storage.guildConfig(G)).isEmpty();
        MemberStats inVoice = storage.member(G, 1).orElseThrow();
        assertThat(inVoice.voiceTimeMs()).isEqualTo(70_000);
        assertThat(inVoice.xp()).isEqualTo(105);
        assertThat(storage.member(G, 2).orElseThrow().xp()).isEqualTo(50);
    }

    @Test
    void adminChanges_areNotOverwrittenByTheNextTick_andDeletedUsersDoNotComeBack() {
        storage.apply(new Batch(List.of(voice(1, 1000, 100), voice(2, 1000, 100)), List.of()));
        storage.setXp(G, 1, 5, 0);
        storage.deleteMember(G, 2);
        storage.apply(new Batch(List.of(voice(1, 1000, 10)), List.of()));
        assertThat(storage.member(G, 1).orElseThrow().xp()).isEqualTo(15);
        assertThat(storage.member(G, 2)).isEmpty();
        // a later increment for the deleted user starts from zero, never from the old totals
        storage.apply(new Batch(List.of(voice(2, 1, 1)), List.of()));
        assertThat(storage.member(G, 2).orElseThrow().xp()).isEqualTo(1);
    }

    @Test
    void timestamps_keepTheirMilliseconds_acrossARestart() {
        Instant start = Instant.parse("2024-05-01T09:00:00.001Z");
        Instant last = Instant.parse("2024-05-01T09:59:59.999Z");
        storage.apply(new Batch(List.of(voice(1, 1, 1)), List.of(session("ms", 1, start, last, false))));
        restart();
        assertThat(storage.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T);
        VoiceSession s = storage.sessions(G, 1, 1).get(0);
        assertThat(s.start()).isEqualTo(start);
        assertThat(s.end()).isEqualTo(last);
        assertThat(s.lastAccrual()).isEqualTo(last);
        assertThat(s.durationMs()).isEqualTo(3_599_998);
    }

    @Test
    void openSessions_surviveARestart() {
        storage.apply(new Batch(List.of(), List.of(session("open", 3, T, T.plusMillis(1_500), true))));
        restart();
        assertThat(storage.openSessions()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("open");
            assertThat(s.end()).isNull();
            assertThat(s.lastAccrual()).isEqualTo(T.plusMillis(1_500));
        });
    }
}

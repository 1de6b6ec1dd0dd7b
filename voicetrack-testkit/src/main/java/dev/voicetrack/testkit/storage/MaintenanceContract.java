package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMigration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for maintenance: the schema and the storage's lifecycle, argument checks,
 * resetting and deleting members and guilds, and copies of guilds: a copy by {@link
 * Storage#exportGuild}, {@link Storage#importGuild} or {@link StorageMigration} is exact (every
 * field, milliseconds included), replaces the guild's data, and is idempotent.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class MaintenanceContract extends HourlyActivityContract {

    // ---------------------------------------------------------------- schema, lifecycle and arguments

    @Test
    void init_isIdempotent_andReportsTheSchemaVersion() {
        storage.init();
        assertThat(storage.schemaVersion()).isEqualTo(Storage.SCHEMA_VERSION);
        assertThat(storage.guildIds()).isEmpty();
        assertThat(storage.member(G, 1)).isEmpty();
    }

    @Test
    void lifecycle_refusesUseBeforeInit_andAfterClose() {
        Storage fresh = newStorage();
        try {
            assertThatThrownBy(() -> fresh.member(G, 1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("init");
        } finally {
            fresh.close();
        }
        storage.close();
        assertThatThrownBy(() -> storage.member(G, 1))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> storage.apply(batch(delta(G, 1, 1, 1))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
        storage.close(); // idempotent
    }

    @Test
    void badArguments_areRefusedWithTheArgumentNamed_andWriteNothing() {
        assertThatThrownBy(() -> storage.leaderboard(G, Metric.XP, null, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit must be >= 1");
        assertThatThrownBy(() -> storage.leaderboard(G, Metric.XP, null, 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset >= 0");
        assertThatThrownBy(() -> storage.setXp(G, 1, -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xp and level must be >= 0");
        assertThatThrownBy(() -> storage.setLevel(G, 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level must be >= 0");
        assertThatThrownBy(() -> storage.rank(G, 1, Metric.LEVEL, new DayRange(DAY, DAY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("level");
        assertThatThrownBy(() -> storage.apply(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> storage.saveGuildConfig(G, null)).isInstanceOf(NullPointerException.class);
        assertThat(storage.member(G, 1)).isEmpty();
        assertThat(storage.guildIds()).isEmpty();
    }

    // ---------------------------------------------------------------- reset and delete

    @Test
    void reset_zeroesCountersAndHistory_keepsMetadata() {
        storage.apply(new Batch(List.of(delta(G, 1, 100, 50)), List.of(session("s1", 1, T, T.plusSeconds(5), false))));
        storage.updateMetadata(G, 1, Map.of("k", "v"), List.of());
        assertThat(storage.resetMember(G, 1)).isTrue();
        var m = storage.member(G, 1).orElseThrow();
        assertThat(m.xp()).isZero();
        assertThat(m.voiceTimeMs()).isZero();
        assertThat(m.channels()).isEmpty();
        assertThat(m.metadata()).containsEntry("k", "v");
        assertThat(storage.sessions(G, 1, 10)).isEmpty();
        assertThat(storage.activity(G, 1, new DayRange(DAY, DAY))).isEmpty();
        assertThat(storage.resetMember(G, 99)).isFalse();
    }

    @Test
    void deletes_removeEverything_andTouchNothingElse() {
        storage.apply(new Batch(
                List.of(delta(G, 1, 100, 50), delta(G, 2, 1, 1), delta(G2, 1, 7, 7)),
                List.of(session("s1", 1, T, T.plusSeconds(5), true))));
        storage.saveGuildConfig(G, GuildConfig.defaults());
        assertThat(storage.deleteMember(G, 1)).isTrue();
        assertThat(storage.member(G, 1)).isEmpty();
        assertThat(storage.sessions(G, 1, 10)).isEmpty();
        assertThat(storage.openSessions()).isEmpty();
        assertThat(storage.member(G, 2)).isPresent();
        assertThat(storage.member(G2, 1)).isPresent();
        assertThat(storage.deleteMember(G, 1)).isFalse();
        storage.deleteGuild(G);
        assertThat(storage.member(G, 2)).isEmpty();
        assertThat(storage.guildConfig(G)).isEmpty();
        assertThat(storage.member(G2, 1).orElseThrow().xp()).isEqualTo(7);
        assertThat(storage.guildIds()).containsExactly(G2);
    }

    // ---------------------------------------------------------------- snapshots and migration

    /** Fills {@link #storage} with two guilds that use every kind of stored data. */
    private void fill(Storage s) {
        s.saveGuildConfig(
                G,
                GuildConfig.builder()
                        .xpConfig(new XpConfig(7L, Map.of(9L, 20L, 8L, 30L), 1.5, 2L, 4L))
                        .channelIds(List.of(5L, 6L))
                        .timeZone(ZoneId.of("Europe/Paris"))
                        .build());
        s.apply(new Batch(
                List.of(
                        new MemberDelta(G, 1, CH, DAY.minusDays(2), 1000, 10, 0, 1, T),
                        new MemberDelta(G, 2, CH + 1, DAY.minusDays(2), 5, 1, 0, 2, T.plusMillis(1))),
                List.of(session("closed", 1, T, T.plusMillis(1_234), false))));
        // day, then a late increment for the day before it: the streak stays 1
        s.apply(batch(new MemberDelta(G, 1, CH, DAY, 20, 2, 0, 0, T.plusMillis(7))));
        s.apply(new Batch(
                List.of(
                        new MemberDelta(G, 1, 0, DAY.minusDays(1), 0, 0, 4, 0, T),
                        new MemberDelta(G, 3, 0, DAY, 0, 0, 0, 0, T)),
                List.of(session("open", 1, T.plusSeconds(9), T.plusMillis(9_999), true))));
        s.setXp(G, 2, 777, 5);
        s.raiseLevels(List.of(new LevelRaise(G, 1, 2)));
        s.updateMetadata(G, 1, Map.of("note", "a b=c", "k", "v"), List.of());
        s.apply(batch(delta(G2, 9, 50, 5)));
    }

    @Test
    void exportThenImport_intoAnEmptyStorage_copiesEveryFieldExactly() {
        fill(storage);
        GuildSnapshot snap = storage.exportGuild(G);
        assertThat(snap.members()).extracting(m -> m.stats().userId()).containsExactly(1L, 2L, 3L);
        assertThat(snap.sessions()).extracting(VoiceSession::id).containsExactly("closed", "open");
        MemberStats one = snap.members().get(0).stats();
        assertThat(one.lastSeen()).isEqualTo(T.plusMillis(7));
        assertThat(one.streak()).isEqualTo(1);
        assertThat(one.messages()).isEqualTo(4);
        Storage other = newStorage();
        other.init();
        try {
            other.importGuild(snap);
            assertThat(other.exportGuild(G)).isEqualTo(snap);
            assertThat(other.exportGuild(G).checksum()).isEqualTo(snap.checksum());
            assertThat(other.guildIds()).containsExactly(G);
            assertThat(other.leaderboard(G, Metric.XP, null, 10, 0))
                    .isEqualTo(storage.leaderboard(G, Metric.XP, null, 10, 0));
            var week = new DayRange(DAY.minusDays(6), DAY);
            assertThat(other.leaderboard(G, Metric.VOICE_TIME, week, 10, 0))
                    .isEqualTo(storage.leaderboard(G, Metric.VOICE_TIME, week, 10, 0));
            assertThat(other.openSessions()).extracting(VoiceSession::id).containsExactly("open");
            assertThat(other.member(G, 1)).isEqualTo(storage.member(G, 1));
        } finally {
            other.close();
        }
    }

    @Test
    void import_replacesTheGuildsData_leavesOtherGuilds_andIsIdempotent() {
        fill(storage);
        GuildSnapshot snap = storage.exportGuild(G);
        Storage other = newStorage();
        other.init();
        try {
            other.apply(new Batch(
                    List.of(delta(G, 1, 5, 5), delta(G, 50, 1, 1), delta(G2, 9, 3, 3)),
                    List.of(session("stale", 50, T, T.plusSeconds(1), true))));
            other.saveGuildConfig(G, GuildConfig.defaults());
            other.importGuild(snap);
            other.importGuild(snap);
            assertThat(other.exportGuild(G)).isEqualTo(snap);
            assertThat(other.member(G, 50)).isEmpty();
            assertThat(other.openSessions()).extracting(VoiceSession::id).containsExactly("open");
            assertThat(other.member(G2, 9).orElseThrow().xp()).isEqualTo(3);
            other.importGuild(new GuildSnapshot(G, null, List.of(), List.of()));
            assertThat(other.guildIds()).containsExactly(G2);
            assertThat(other.guildConfig(G)).isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void exportOfAnUnknownGuild_isEmpty() {
        GuildSnapshot snap = storage.exportGuild(G);
        assertThat(snap).isEqualTo(new GuildSnapshot(G, null, List.of(), List.of()));
        assertThat(snap.rowCount()).isZero();
    }

    @Test
    void migration_copiesEveryGuild_reportsProgress_andARerunDoublesNothing() {
        fill(storage);
        Storage other = newStorage();
        other.init();
        try {
            var progress = new ArrayList<StorageMigration.Progress>();
            StorageMigration.Report report = StorageMigration.from(storage)
                    .to(other)
                    .onProgress(progress::add)
                    .run();
            assertThat(report.guilds())
                    .extracting(StorageMigration.GuildResult::guildId)
                    .containsExactly(G, G2);
            assertThat(report.members()).isEqualTo(4);
            assertThat(report.sessions()).isEqualTo(2);
            assertThat(progress)
                    .extracting(StorageMigration.Progress::guildsDone, StorageMigration.Progress::guildsTotal)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, 2), org.assertj.core.groups.Tuple.tuple(2, 2));
            assertThat(progress.get(1).rowsCopied()).isEqualTo(report.rowsCopied());
            // config + 3 members + 4 activity rows + 2 sessions, then 1 member + 1 activity row
            assertThat(report.rowsCopied()).isEqualTo(10 + 2);

            StorageMigration.Report again =
                    StorageMigration.from(storage).to(other).run();
            assertThat(again.guilds()).isEqualTo(report.guilds());
            assertThat(other.member(G, 1).orElseThrow().xp())
                    .isEqualTo(storage.member(G, 1).orElseThrow().xp());
            assertThat(other.member(G2, 9).orElseThrow().voiceTimeMs()).isEqualTo(50);
            assertThat(other.exportGuild(G)).isEqualTo(storage.exportGuild(G));
        } finally {
            other.close();
        }
    }

    @Test
    void migration_rejectsTheSourceAsTarget_andRunWithoutTarget() {
        assertThatThrownBy(() -> StorageMigration.from(storage).to(storage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target");
        assertThatThrownBy(() -> StorageMigration.from(storage).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("target");
    }
}

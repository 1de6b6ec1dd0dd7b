package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMigration;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StorageMigration} between different backends (the original never migrated JSON data), and
 * the default, increment-replaying {@code importGuild} that backends without an override get.
 */
class MigrationAcrossBackendsTest {
    private static final long G = 111;
    private static final long G2 = 222;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    @TempDir
    Path dir;

    /** Data written the way the tracker writes it: days in order, no late increments. */
    private static void fill(Storage s, int members) {
        s.saveGuildConfig(G, GuildConfig.builder().messageXp(2).build());
        for (int day = 0; day < 3; day++) {
            var deltas = new ArrayList<MemberDelta>();
            for (long u = 1; u <= members; u++) {
                deltas.add(new MemberDelta(
                        G, u, CH + (u % 3), DAY.plusDays(day), u * 100, u, u % 2, day == 0 ? 1 : 0, T.plusMillis(day)));
            }
            deltas.add(new MemberDelta(G2, 5, 0, DAY, 0, 0, 7, 0, T));
            s.apply(new Batch(
                    deltas, List.of(new VoiceSession("s" + day, G, 1, CH, T, null, T.plusMillis(day), day, 0, 0, 0))));
        }
        s.setXp(G, 2, 12_345, 7);
        s.updateMetadata(G, 3, Map.of("title", "DJ"), List.of());
    }

    @Test
    void inMemory_toJson_toInMemory_isExact_andVerifiedByChecksums() {
        Storage source = new InMemoryStorage();
        source.init();
        fill(source, 200);
        var progress = new ArrayList<StorageMigration.Progress>();
        try (JsonStorage json = JsonStorage.open(dir)) {
            json.init();
            StorageMigration.Report r1 = StorageMigration.from(source)
                    .to(json)
                    .onProgress(progress::add)
                    .run();
            assertThat(r1.members()).isEqualTo(201);
            assertThat(progress).hasSize(2);
            Storage back = new InMemoryStorage();
            back.init();
            StorageMigration.Report r2 = StorageMigration.from(json).to(back).run();
            assertThat(r2.guilds()).isEqualTo(r1.guilds());
            assertThat(back.exportGuild(G)).isEqualTo(source.exportGuild(G));
            assertThat(StorageMigration.from(source).to(json).run().guilds()).isEqualTo(r1.guilds());
        }
        try (JsonStorage reopened = JsonStorage.open(dir)) {
            reopened.init();
            assertThat(reopened.exportGuild(G)).isEqualTo(source.exportGuild(G));
        }
    }

    @Test
    void defaultImport_replaysConsistentDataExactly_andIsIdempotent() {
        Storage source = new InMemoryStorage();
        source.init();
        fill(source, 50);
        Storage target = new ForwardingStorage(JsonStorage.open(dir));
        target.init();
        StorageMigration.Report r = StorageMigration.from(source).to(target).run();
        StorageMigration.from(source).to(target).run();
        assertThat(target.exportGuild(G)).isEqualTo(source.exportGuild(G));
        assertThat(target.exportGuild(G).checksum()).isEqualTo(r.guilds().get(0).checksum());
        target.close();
    }

    @Test
    void defaultImport_refusesAStreakItCannotRebuild_andWritesNothing() {
        Storage source = new InMemoryStorage();
        source.init();
        source.apply(new Batch(List.of(new MemberDelta(G, 1, CH, DAY, 1, 1, 0, 0, T)), List.of()));
        source.apply(new Batch(List.of(new MemberDelta(G, 1, CH, DAY.plusDays(2), 1, 1, 0, 0, T)), List.of()));
        source.apply(new Batch(List.of(new MemberDelta(G, 1, CH, DAY.plusDays(1), 1, 1, 0, 0, T)), List.of()));
        GuildSnapshot snap = source.exportGuild(G);
        Storage target = new ForwardingStorage(JsonStorage.open(dir));
        target.init();
        target.apply(new Batch(List.of(new MemberDelta(G, 9, CH, DAY, 5, 5, 0, 0, T)), List.of()));
        assertThatThrownBy(() -> target.importGuild(snap))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("member 1")
                .hasMessageContaining("streak")
                .hasMessageContaining("nothing was written");
        assertThat(target.member(G, 9).orElseThrow().xp()).isEqualTo(5);
        target.close();
    }
}

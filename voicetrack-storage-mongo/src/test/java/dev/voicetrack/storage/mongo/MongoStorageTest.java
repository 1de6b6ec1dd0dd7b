package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageMigration;
import dev.voicetrack.core.storage.StorageOptimizer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MongoDB specifics, and regression tests for the original's data-loss defects on this backend. */
class MongoStorageTest {
    private static final long G = 111;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");
    private static final AtomicInteger N = new AtomicInteger();
    private static InProcessMongo mongo;

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    private static MongoStorage open(String db) {
        MongoStorage s = MongoStorage.create(mongo.client(), db);
        s.init();
        return s;
    }

    private static MemberDelta delta(long user, long xp) {
        return new MemberDelta(G, user, CH, DAY, xp * 10, xp, 0, 0, T);
    }

    @Test
    void maintenanceStats_countGuildsMembersAndSessions() {
        MongoStorage s = open("stats" + N.incrementAndGet());
        s.apply(new Batch(
                List.of(delta(1, 1), delta(2, 3)),
                List.of(new VoiceSession("s", G, 1, CH, T, null, T.plusMillis(5), 5, 0, 0, 0))));
        var stats = s.maintenanceStats();
        assertThat(stats.backend()).isEqualTo("MongoDB");
        assertThat(stats.guilds()).isEqualTo(1);
        assertThat(stats.users()).isEqualTo(2);
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(s).isNotInstanceOf(StorageBackup.class).isNotInstanceOf(StorageOptimizer.class);
    }

    @Test
    void secondsOnlyTimestamps_millisecondsAreKeptAcrossAReconnect() {
        String db = "regress" + N.incrementAndGet();
        Instant start = Instant.parse("2024-03-10T12:00:01.987Z");
        open(db).apply(new Batch(
                List.of(delta(1, 1)),
                List.of(new VoiceSession("s", G, 1, CH, start, null, start.plusMillis(5), 5, 0, 0, 0))));
        MongoStorage s = open(db);
        assertThat(s.member(G, 1).orElseThrow().lastSeen()).isEqualTo(T);
        assertThat(s.sessions(G, 1, 1).get(0).start()).isEqualTo(start);
        assertThat(s.sessions(G, 1, 1).get(0).lastAccrual()).isEqualTo(start.plusMillis(5));
    }

    @Test
    void savingAMember_neverDeletesItsSessions() {
        MongoStorage s = open("regress" + N.incrementAndGet());
        Instant start = T;
        s.apply(new Batch(
                List.of(delta(1, 1)),
                List.of(new VoiceSession(
                        "old", G, 1, CH, start, start.plusMillis(9), start.plusMillis(9), 9, 0, 0, 0))));
        s.apply(new Batch(List.of(delta(1, 5)), List.of()));
        s.setXp(G, 1, 100, 1);
        s.updateMetadata(G, 1, Map.of("a", "b"), List.of());
        assertThat(s.sessions(G, 1, 10)).extracting(VoiceSession::id).containsExactly("old");
    }

    @Test
    void aTickForSomeMembers_neverWipesTheOthers() {
        String db = "regress" + N.incrementAndGet();
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 300; u++) {
            deltas.add(delta(u, u));
        }
        open(db).apply(new Batch(deltas, List.of()));
        MongoStorage restarted = open(db); // nothing of the guild is "in memory" here
        restarted.apply(new Batch(List.of(delta(7, 1)), List.of()));
        assertThat(restarted.memberCount(G)).isEqualTo(300);
        assertThat(restarted.member(G, 7).orElseThrow().xp()).isEqualTo(8);
        assertThat(restarted.member(G, 300).orElseThrow().xp()).isEqualTo(300);
    }

    @Test
    void metadataKeysWithDotsAndDollars_roundTrip() {
        MongoStorage s = open("regress" + N.incrementAndGet());
        s.updateMetadata(G, 1, Map.of("a.b", "1", "$x", "2", "100%", "3"), List.of());
        s.updateMetadata(G, 1, Map.of(), List.of("$x"));
        assertThat(s.member(G, 1).orElseThrow().metadata()).isEqualTo(Map.of("a.b", "1", "100%", "3"));
    }

    @Test
    void create_rejectsABlankDatabaseName_andABadUri() {
        assertThatThrownBy(() -> MongoStorage.create(mongo.client(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(() -> MongoStorage.create("http://user:secret@host", "db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri")
                .hasMessageNotContaining("secret");
    }

    @Test
    void migration_inMemoryToMongoAndBack_isExact_andARerunDoublesNothing() {
        var source = new InMemoryStorage();
        source.init();
        source.saveGuildConfig(G, GuildConfig.builder().trackBots(true).build());
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= 100; u++) {
            deltas.add(new MemberDelta(G, u, CH + u % 4, DAY.minusDays(u % 3), u, u, u % 5, 1, T.plusMillis(u)));
        }
        source.apply(new Batch(deltas, List.of(new VoiceSession("s", G, 1, CH, T, null, T.plusMillis(3), 3, 0, 0, 0))));
        source.apply(new Batch(List.of(delta(1, 1)), List.of())); // a late day for some: streaks stay as stored
        source.updateMetadata(G, 4, Map.of("k.x", "v"), List.of());
        MongoStorage mongoStore = open("migrate" + N.incrementAndGet());
        var r1 = StorageMigration.from(source).to(mongoStore).run();
        var r2 = StorageMigration.from(source).to(mongoStore).run();
        assertThat(r2.guilds()).isEqualTo(r1.guilds());
        assertThat(mongoStore.member(G, 1).orElseThrow().xp()).isEqualTo(2);
        var back = new InMemoryStorage();
        back.init();
        StorageMigration.from(mongoStore).to(back).run();
        assertThat(back.exportGuild(G)).isEqualTo(source.exportGuild(G));
    }
}

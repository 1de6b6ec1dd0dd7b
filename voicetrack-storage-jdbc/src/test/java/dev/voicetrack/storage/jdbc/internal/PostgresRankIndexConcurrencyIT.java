package dev.voicetrack.storage.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL writes of one store run concurrently, so the rank indexes see writes commit in one
 * order and report in another. Writers of two stores hammer one guild while readers ask ranks; once
 * they stop, every rank of both stores equals the count in SQL of a store that keeps no index.
 */
class PostgresRankIndexConcurrencyIT {
    private static final long G = 9;
    private static final int MEMBERS = 200;
    private static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    private static final Instant T = Instant.parse("2024-06-01T08:00:00.250Z");

    private PostgresServer.Database db;
    private JdbcStore a;
    private JdbcStore b;
    private JdbcStore oracle;

    private JdbcStore open() {
        JdbcStore s = JdbcStore.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(6)
                .build());
        s.init();
        return s;
    }

    @BeforeEach
    void setUp() {
        db = PostgresServer.freshDatabase();
        a = open();
        b = open();
        oracle = open();
        a.rankIndexMinMembers(0);
        b.rankIndexMinMembers(0);
        oracle.rankIndexMinMembers(Long.MAX_VALUE);
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        oracle.close();
        db.close();
    }

    private static Batch tick(SplittableRandom rnd) {
        var deltas = new ArrayList<MemberDelta>();
        for (int i = 0; i < 40; i++) {
            deltas.add(new MemberDelta(
                    G,
                    1 + rnd.nextInt(MEMBERS),
                    7,
                    DAY,
                    rnd.nextInt(3) * 1_000L,
                    rnd.nextInt(5),
                    rnd.nextInt(2),
                    0,
                    T));
        }
        return new Batch(deltas, List.of());
    }

    @Test
    void concurrentWritesOfTwoStores_leaveEveryRankExact() throws Exception {
        a.apply(tick(new SplittableRandom(1)));
        int writers = 4;
        int readers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        var stop = new AtomicBoolean();
        var barrier = new CyclicBarrier(writers + readers);
        try {
            var futures = new ArrayList<Future<?>>();
            for (int w = 0; w < writers; w++) {
                JdbcStore store = w % 2 == 0 ? a : b;
                var rnd = new SplittableRandom(100 + w);
                futures.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < 40; i++) {
                        store.apply(tick(rnd));
                        if (i % 5 == 0) {
                            store.raiseLevels(List.of(new LevelRaise(G, 1 + rnd.nextInt(MEMBERS), 1 + i)));
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                JdbcStore store = r == 0 ? a : b;
                var rnd = new SplittableRandom(200 + r);
                futures.add(pool.submit(() -> {
                    barrier.await();
                    while (!stop.get()) {
                        Metric m = Metric.values()[rnd.nextInt(Metric.values().length)];
                        store.rank(G, 1 + rnd.nextInt(MEMBERS), m, null);
                    }
                    return null;
                }));
            }
            for (int w = 0; w < writers; w++) {
                futures.get(w).get(120, TimeUnit.SECONDS);
            }
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (long user = 1; user <= MEMBERS; user++) {
            for (Metric m : Metric.values()) {
                var expected = oracle.rank(G, user, m, null);
                assertThat(a.rank(G, user, m, null)).as("a: %d by %s", user, m).isEqualTo(expected);
                assertThat(b.rank(G, user, m, null)).as("b: %d by %s", user, m).isEqualTo(expected);
            }
        }
        // One more member, written by a, ahead of everyone. b's indexes are current up to the write before
        // it, and no member b is asked about changed: only the guild's write sequence tells b that every
        // one of them moved down a place (the index's own check of the asked value cannot).
        a.apply(new Batch(
                List.of(new MemberDelta(G, MEMBERS + 1, 7, DAY, 10_000_000, 10_000_000, 0, 0, T)), List.of()));
        for (long user = 1; user <= MEMBERS; user++) {
            for (Metric m : List.of(Metric.XP, Metric.VOICE_TIME)) {
                assertThat(b.rank(G, user, m, null))
                        .as("b after a's write of one new member: %d by %s", user, m)
                        .isEqualTo(oracle.rank(G, user, m, null));
            }
        }
    }
}

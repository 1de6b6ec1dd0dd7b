package dev.voicetrack.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The all-time rank indexes of {@link InMemoryStorage} against a brute-force sort of a model of the
 * same data, under random writes, admin operations and queries at varying rates (so that both the
 * incremental catch-up and the rebuild path run).
 */
class InMemoryStorageRankTest {

    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00Z");
    private static final long[] GUILDS = {11, 12};

    /** What the storage should hold: guild -> user -> {xp, voiceMs, level, messages}. */
    private final Map<Long, Map<Long, long[]>> model = new HashMap<>();

    private long[] member(long g, long u) {
        return model.computeIfAbsent(g, k -> new HashMap<>()).computeIfAbsent(u, k -> new long[4]);
    }

    private static long value(long[] m, Metric metric) {
        return switch (metric) {
            case XP -> m[0];
            case VOICE_TIME -> m[1];
            case LEVEL -> m[2];
            case MESSAGES -> m[3];
        };
    }

    private List<Long> sortedUsers(long g, Metric metric) {
        var users = new ArrayList<>(model.getOrDefault(g, Map.of()).keySet());
        Map<Long, long[]> ms = model.getOrDefault(g, Map.of());
        users.sort(Comparator.comparingLong((Long u) -> value(ms.get(u), metric))
                .reversed()
                .thenComparingLong(u -> u));
        return users;
    }

    private void checkQueries(InMemoryStorage storage, SplittableRandom rnd, int ranks) {
        for (long g : GUILDS) {
            for (Metric metric : Metric.values()) {
                List<Long> sorted = sortedUsers(g, metric);
                for (int i = 0; i < ranks && !sorted.isEmpty(); i++) {
                    int pos = rnd.nextInt(sorted.size());
                    assertThat(storage.rank(g, sorted.get(pos), metric, null))
                            .as("rank in guild %d by %s", g, metric)
                            .hasValue(pos + 1);
                }
                assertThat(storage.rank(g, 999_999, metric, null)).isEmpty();
                int offset = sorted.isEmpty() ? 0 : rnd.nextInt(sorted.size());
                List<LeaderboardEntry> page = storage.leaderboard(g, metric, null, 25, offset);
                List<Long> expected = sorted.subList(offset, Math.min(sorted.size(), offset + 25));
                assertThat(page).extracting(LeaderboardEntry::userId).isEqualTo(expected);
                for (int i = 0; i < page.size(); i++) {
                    LeaderboardEntry e = page.get(i);
                    long[] m = model.get(g).get(e.userId());
                    assertThat(e.rank()).isEqualTo(offset + i + 1);
                    assertThat(new long[] {e.xp(), e.voiceTimeMs(), e.level(), e.messages()})
                            .isEqualTo(m);
                }
            }
        }
    }

    @Test
    void ranksAndPages_matchABruteForceSort_underRandomWritesAndAdminOps() {
        var rnd = new SplittableRandom(2024);
        var storage = new InMemoryStorage();
        storage.init();
        for (int round = 0; round < 400; round++) {
            int op = rnd.nextInt(20);
            long g = GUILDS[rnd.nextInt(GUILDS.length)];
            long u = 1 + rnd.nextInt(600);
            if (op < 12) {
                var deltas = new ArrayList<MemberDelta>();
                int n = 1 + rnd.nextInt(round % 50 == 0 ? 500 : 30);
                for (int i = 0; i < n; i++) {
                    long gg = GUILDS[rnd.nextInt(GUILDS.length)];
                    long uu = 1 + rnd.nextInt(600);
                    long xp = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(50);
                    long voice = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(5_000);
                    long msgs = rnd.nextInt(2) == 0 ? 0 : rnd.nextLong(3);
                    deltas.add(new MemberDelta(gg, uu, 7, DAY, voice, xp, msgs, 0, T));
                    long[] m = member(gg, uu);
                    m[0] += xp;
                    m[1] += voice;
                    m[3] += msgs;
                }
                storage.apply(new Batch(deltas, List.of()));
            } else if (op == 12) {
                long xp = rnd.nextLong(2_000);
                int level = rnd.nextInt(30);
                storage.setXp(g, u, xp, level);
                long[] m = member(g, u);
                m[0] = xp;
                m[2] = level;
            } else if (op == 13) {
                int level = rnd.nextInt(30);
                storage.setLevel(g, u, level);
                member(g, u)[2] = level;
            } else if (op == 14) {
                int level = rnd.nextInt(30);
                storage.raiseLevels(List.of(new LevelRaise(g, u, level)));
                Map<Long, long[]> ms = model.get(g);
                if (ms != null && ms.containsKey(u)) {
                    ms.get(u)[2] = Math.max(ms.get(u)[2], level);
                }
            } else if (op == 15) {
                boolean existed = storage.resetMember(g, u);
                Map<Long, long[]> ms = model.get(g);
                assertThat(existed).isEqualTo(ms != null && ms.containsKey(u));
                if (existed) {
                    ms.put(u, new long[4]);
                }
            } else if (op == 16) {
                storage.deleteMember(g, u);
                Map<Long, long[]> ms = model.get(g);
                if (ms != null) {
                    ms.remove(u);
                }
            } else if (op == 17 && rnd.nextInt(10) == 0) {
                storage.deleteGuild(g);
                model.remove(g);
            } else if (op == 18) {
                storage.updateMetadata(g, u, Map.of("k", "v"), List.of());
                member(g, u);
            }
            // query often in some phases (incremental catch-up), rarely in others (rebuilds)
            boolean query = (round / 100) % 2 == 0 ? rnd.nextInt(2) == 0 : rnd.nextInt(25) == 0;
            if (query) {
                checkQueries(storage, rnd, 5);
            }
            for (long gg : GUILDS) {
                assertThat(storage.memberCount(gg))
                        .isEqualTo(model.getOrDefault(gg, Map.of()).size());
            }
        }
        checkQueries(storage, rnd, 200);
    }

    @Test
    void windowedRank_agreesWithWindowedLeaderboard() {
        var rnd = new SplittableRandom(7);
        var storage = new InMemoryStorage();
        storage.init();
        var deltas = new ArrayList<MemberDelta>();
        for (int i = 0; i < 3_000; i++) {
            long u = 1 + rnd.nextInt(400);
            LocalDate day = DAY.minusDays(rnd.nextInt(20));
            deltas.add(new MemberDelta(11, u, 7, day, rnd.nextLong(3), rnd.nextLong(3), rnd.nextLong(2), 0, T));
        }
        storage.apply(new Batch(deltas, List.of()));
        var range = new DayRange(DAY.minusDays(6), DAY);
        for (Metric metric : List.of(Metric.XP, Metric.VOICE_TIME, Metric.MESSAGES)) {
            List<LeaderboardEntry> all = storage.leaderboard(11, metric, range, 1_000, 0);
            for (LeaderboardEntry e : all) {
                assertThat(storage.rank(11, e.userId(), metric, range)).hasValue(e.rank());
            }
            for (long u = 1; u <= 400; u++) {
                long user = u;
                OptionalInt r = storage.rank(11, user, metric, range);
                assertThat(r.isPresent()).isEqualTo(all.stream().anyMatch(e -> e.userId() == user));
            }
        }
    }

    @Test
    void concurrentQueriesDuringWrites_seeConsistentRanks_andEndExact() throws Exception {
        var storage = new InMemoryStorage();
        storage.init();
        int users = 2_000;
        var seed = new ArrayList<MemberDelta>();
        for (int u = 1; u <= users; u++) {
            seed.add(new MemberDelta(11, u, 7, DAY, 0, u % 97, 0, 0, T));
        }
        storage.apply(new Batch(seed, List.of()));
        int readers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        var start = new CyclicBarrier(readers + 1);
        var stop = new AtomicBoolean();
        var done = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> {
                start.await();
                var rnd = new SplittableRandom(3);
                for (int round = 0; round < 300; round++) {
                    var deltas = new ArrayList<MemberDelta>();
                    for (int i = 0; i < 50; i++) {
                        deltas.add(new MemberDelta(11, 1 + rnd.nextInt(users), 7, DAY, 0, 1 + rnd.nextInt(5), 0, 0, T));
                    }
                    storage.apply(new Batch(deltas, List.of()));
                }
                stop.set(true);
                done.countDown();
                return null;
            }));
            for (int r = 0; r < readers; r++) {
                int id = r;
                futures.add(pool.submit(() -> {
                    start.await();
                    var rnd = new SplittableRandom(100 + id);
                    while (!stop.get()) {
                        long u = 1 + rnd.nextInt(users);
                        int rank = storage.rank(11, u, Metric.XP, null).orElseThrow();
                        assertThat(rank).isBetween(1, users);
                        List<LeaderboardEntry> top = storage.leaderboard(11, Metric.XP, null, 10, 0);
                        for (int i = 1; i < top.size(); i++) {
                            assertThat(top.get(i - 1).xp())
                                    .isGreaterThanOrEqualTo(top.get(i).xp());
                        }
                    }
                    return null;
                }));
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // final ranks are exact
        var byXp = new ArrayList<long[]>();
        for (long u = 1; u <= users; u++) {
            byXp.add(new long[] {storage.member(11, u).orElseThrow().xp(), u});
        }
        byXp.sort(Comparator.comparingLong((long[] a) -> a[0]).reversed().thenComparingLong(a -> a[1]));
        for (int i = 0; i < byXp.size(); i++) {
            assertThat(storage.rank(11, byXp.get(i)[1], Metric.XP, null)).hasValue(i + 1);
        }
    }
}

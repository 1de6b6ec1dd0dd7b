package dev.voicetrack.bench.storage;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leaderboard and rank reads of the SQLite store for one guild of 1,000,000 members, uncached (the
 * store itself, as on a cache miss):
 *
 * <ul>
 *   <li>{@code storeTop10}: {@code JdbcStorage.leaderboard(guild, XP, null, 10, 0)};
 *   <li>{@code rawTop10}: the same top 10 (the store's query: user id, XP, voice time, messages and level,
 *       ordered by XP descending then user id)
 *       read by a statement prepared once on a plain JDBC connection to the same database file; the
 *       goal is {@code storeTop10 <= 1.5 x rawTop10};
 *   <li>{@code storeRank}: {@code JdbcStorage.rank(guild, user, XP, null)} of a member drawn uniformly
 *       at random per call, sampled; the goal is a p99 below 1 ms.
 * </ul>
 *
 * <p>XP is skewed ({@code xp = (long) (u^3 x 1,000,000)} for uniform {@code u}, fixed seed), so low
 * values are shared by many members and ranks depend on the user-id tie break. Setup loads the
 * members through {@code JdbcStorage.apply} in batches of 50,000 and prints how long that took, then
 * checks that both top 10s equal the one computed in Java and that the store's rank of 200 random
 * members (plus the first and the last) is exact; it throws {@link IllegalStateException} otherwise.
 *
 * <p>Run, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests
 * package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.storage.LeaderboardRankBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class LeaderboardRankBenchmark {
    private static final long GUILD = 1;
    private static final int MEMBERS = 1_000_000;
    private static final int CHUNK = 50_000;
    private static final int TOP = 10;
    private static final int RANK_CHECKS = 200;
    private static final long MAX_XP = 1_000_000;
    private static final long CHANNEL = 77;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00.123Z");
    private static final String RAW_TOP =
            "SELECT user_id, xp, voice_ms, messages, level FROM vt_members WHERE guild_id = ?"
                    + " ORDER BY xp DESC, user_id LIMIT " + TOP;

    private Path dir;
    private JdbcStorage storage;
    private Connection plain;
    private PreparedStatement rawTop;
    private SplittableRandom members;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("vt-rank-bench");
        Path file = dir.resolve("store.db");
        storage = JdbcStorage.sqlite(SqliteOptions.builder().file(file).build());
        storage.init();
        long[] xp = xpByUser();
        long start = System.nanoTime();
        load(xp);
        System.out.printf(
                "loaded %,d members in %.1f s%n", storage.memberCount(GUILD), (System.nanoTime() - start) / 1e9);
        plain = DriverManager.getConnection("jdbc:sqlite:" + file);
        rawTop = plain.prepareStatement(RAW_TOP);
        rawTop.setLong(1, GUILD);
        long[] order = order(xp);
        checkTop(xp, order);
        checkRanks(order);
        members = new SplittableRandom(3);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, SQLException {
        rawTop.close();
        plain.close();
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public List<LeaderboardEntry> storeTop10() {
        return storage.leaderboard(GUILD, Metric.XP, null, TOP, 0);
    }

    /**
     * The columns a leaderboard entry holds, as the store's query reads them; element {@code 2i} is the
     * user id of row i, {@code 2i + 1} its XP (voice time, messages and level are read and summed into
     * a checksum, so they cannot be skipped).
     */
    @Benchmark
    public long[] rawTop10() throws SQLException {
        long[] rows = new long[2 * TOP + 1];
        int n = 0;
        try (ResultSet rs = rawTop.executeQuery()) {
            while (rs.next()) {
                rows[n++] = rs.getLong(1);
                rows[n++] = rs.getLong(2);
                rows[2 * TOP] += rs.getLong(3) + rs.getLong(4) + rs.getInt(5);
            }
        }
        return rows;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public OptionalInt storeRank() {
        return storage.rank(GUILD, 1 + members.nextInt(MEMBERS), Metric.XP, null);
    }

    /** The XP of each user id (index 0 is unused), skewed towards 0 and with many ties there. */
    private static long[] xpByUser() {
        var rnd = new SplittableRandom(1);
        long[] xp = new long[MEMBERS + 1];
        for (int u = 1; u <= MEMBERS; u++) {
            xp[u] = (long) (Math.pow(rnd.nextDouble(), 3) * MAX_XP);
        }
        return xp;
    }

    private void load(long[] xp) {
        for (int from = 1; from <= MEMBERS; from += CHUNK) {
            var deltas = new ArrayList<MemberDelta>(CHUNK);
            for (int u = from; u < from + CHUNK && u <= MEMBERS; u++) {
                // Voice time is never 0, so no delta is all zeros, whatever the XP.
                deltas.add(new MemberDelta(GUILD, u, CHANNEL, DAY, 60_000 + xp[u] * 1000, xp[u], 0, 1, NOW));
            }
            storage.apply(new Batch(deltas, List.of()));
        }
        if (storage.memberCount(GUILD) != MEMBERS) {
            throw new IllegalStateException(
                    "expected " + MEMBERS + " members after loading, found " + storage.memberCount(GUILD));
        }
    }

    /**
     * All user ids in leaderboard order (XP descending, then user id ascending), each encoded with its
     * XP as {@code (MAX_XP - xp) << 32 | userId}, so that ascending order of the codes is leaderboard
     * order and a member's rank is 1 + the index of its code.
     */
    private static long[] order(long[] xp) {
        long[] codes = new long[MEMBERS];
        for (int u = 1; u <= MEMBERS; u++) {
            codes[u - 1] = code(u, xp[u]);
        }
        Arrays.sort(codes);
        return codes;
    }

    private static long code(long userId, long xp) {
        return (MAX_XP - xp) << 32 | userId;
    }

    private static long userOf(long code) {
        return code & 0xFFFF_FFFFL;
    }

    private void checkTop(long[] xp, long[] order) throws SQLException {
        List<LeaderboardEntry> store = storeTop10();
        long[] raw = rawTop10();
        if (store.size() != TOP) {
            throw new IllegalStateException("storeTop10 returned " + store.size() + " rows: " + store);
        }
        for (int i = 0; i < TOP; i++) {
            long expected = userOf(order[i]);
            LeaderboardEntry e = store.get(i);
            if (e.userId() != expected || e.xp() != xp[(int) expected] || e.rank() != i + 1) {
                throw new IllegalStateException("storeTop10 row " + (i + 1) + " is " + e + ", expected user " + expected
                        + " with " + xp[(int) expected] + " xp");
            }
            if (raw[2 * i] != expected || raw[2 * i + 1] != xp[(int) expected]) {
                throw new IllegalStateException("rawTop10 row " + (i + 1) + " is user " + raw[2 * i] + " with "
                        + raw[2 * i + 1] + " xp, expected user " + expected + " with " + xp[(int) expected] + " xp");
            }
        }
    }

    private void checkRanks(long[] order) {
        var rnd = new SplittableRandom(2);
        long[] codes = new long[RANK_CHECKS + 2];
        codes[0] = order[0];
        codes[1] = order[MEMBERS - 1];
        for (int i = 2; i < codes.length; i++) {
            codes[i] = order[rnd.nextInt(MEMBERS)];
        }
        for (long c : codes) {
            long user = userOf(c);
            int expected = Arrays.binarySearch(order, c) + 1;
            OptionalInt actual = storage.rank(GUILD, user, Metric.XP, null);
            if (actual.isEmpty() || actual.getAsInt() != expected) {
                throw new IllegalStateException("rank of user " + user + " is " + actual + ", expected " + expected);
            }
        }
    }
}

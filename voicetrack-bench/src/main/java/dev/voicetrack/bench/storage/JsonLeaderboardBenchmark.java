package dev.voicetrack.bench.storage;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.json.JsonStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * All-time leaderboard and rank reads of the JSON storage for one guild of {@code members} (default
 * 10,000) members, uncached (the storage itself, as on a cache miss), between writes:
 *
 * <ul>
 *   <li>{@code top10}: {@code leaderboard(guild, XP, null, 10, 0)};
 *   <li>{@code rank}: {@code rank(guild, user, XP, null)} of a member drawn at random per call.
 * </ul>
 *
 * <p>XP is skewed ({@code (long) (u^3 x 1,000,000)} for uniform {@code u}, fixed seed), so ties occur
 * and ranks depend on the user-id tie break. Setup writes the members with one {@code apply} into a
 * temporary directory, and checks the top 10 against a sort in Java (throws {@link
 * IllegalStateException} otherwise).
 *
 * <p>Run, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench -am -DskipTests
 * package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.storage.JsonLeaderboardBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class JsonLeaderboardBenchmark {
    private static final long GUILD = 111;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant AT = Instant.parse("2024-03-10T12:00:00Z");

    @Param("10000")
    int members;

    private Path dir;
    private JsonStorage storage;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("vt-json-lb");
        storage = JsonStorage.open(dir);
        storage.init();
        var xp = new SplittableRandom(7);
        var deltas = new ArrayList<MemberDelta>(members);
        for (int u = 1; u <= members; u++) {
            double r = xp.nextDouble();
            deltas.add(new MemberDelta(GUILD, u, 5, DAY, 1000, (long) (r * r * r * 1_000_000), 0, 0, AT));
        }
        storage.apply(new Batch(deltas, List.of()));
        List<Long> expected = deltas.stream()
                .sorted(Comparator.comparingLong(MemberDelta::xp).reversed().thenComparingLong(MemberDelta::userId))
                .limit(10)
                .map(MemberDelta::userId)
                .toList();
        List<Long> top = storage.leaderboard(GUILD, Metric.XP, null, 10, 0).stream()
                .map(LeaderboardEntry::userId)
                .toList();
        if (!top.equals(expected)) {
            throw new IllegalStateException("top 10 " + top + " is not " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Benchmark
    public List<LeaderboardEntry> top10() {
        return storage.leaderboard(GUILD, Metric.XP, null, 10, 0);
    }

    @Benchmark
    public OptionalInt rank() {
        return storage.rank(GUILD, 1 + random.nextInt(members), Metric.XP, null);
    }
}

package dev.voicetrack.bench.core;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Exact rank of a random member in one guild of 1,000,000 members with random XP (uniform in
 * 0..9,999,999, so ties occur and are broken by user id), over {@link InMemoryStorage}:
 *
 * <ul>
 *   <li>{@link #storageRank}: {@code storage.rank(guild, user, XP, allTime)};
 *   <li>{@link #trackerRank}: {@code tracker.getRank(...)} with no cache, so every call reaches
 *       storage;
 *   <li>{@link #fullSortBaseline}: the same lookup done the way the storage did it before it had an
 *       index: build a row per member, sort them all, search for the user. Single shot, to show the
 *       ratio.
 * </ul>
 *
 * <p>The goal is a p99 under 1 ms for the first two ({@code Mode.SampleTime} reports p0.99 and
 * p0.999 per benchmark). Run from the repository root, after {@code ./mvnw -B -q -ntp -pl
 * voicetrack-core -DskipTests install} and {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests
 * package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.core.RankBenchmark'
 * }</pre>
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class RankBenchmark {

    static final long GUILD = 42;

    /** Members in the guild. */
    @Param("1000000")
    public int members;

    private InMemoryStorage storage;
    private VoiceTracker tracker;
    private long[] xp;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup(Level.Trial)
    public void setUp() {
        storage = new InMemoryStorage();
        storage.init();
        xp = new long[members + 1];
        var rnd = new SplittableRandom(42);
        LocalDate day = LocalDate.parse("2024-03-10");
        Instant at = Instant.parse("2024-03-10T12:00:00Z");
        var deltas = new ArrayList<MemberDelta>(10_000);
        for (int u = 1; u <= members; u++) {
            xp[u] = rnd.nextLong(10_000_000);
            deltas.add(new MemberDelta(GUILD, u, 0, day, 0, xp[u], 0, 0, at));
            if (deltas.size() == 10_000 || u == members) {
                storage.apply(new Batch(deltas, List.of()));
                deltas.clear();
            }
        }
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(new ManualClock(at))
                .build();
        tracker.start();
        long user = 1 + members / 2;
        int expected = fullSort(user);
        int got = storage.rank(GUILD, user, Metric.XP, null).orElseThrow();
        if (expected != got) {
            throw new IllegalStateException("storage rank " + got + " != sorted rank " + expected);
        }
        System.gc(); // move the freshly built state to the old generation before measuring
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tracker.close();
        storage.close();
    }

    private long randomUser() {
        return 1 + random.nextInt(members);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public OptionalInt storageRank() {
        return storage.rank(GUILD, randomUser(), Metric.XP, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public OptionalInt trackerRank() {
        return tracker.getRank(GUILD, randomUser(), Metric.XP, Window.allTime());
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 3)
    public int fullSortBaseline() {
        return fullSort(randomUser());
    }

    /** The lookup as a sort of every member would do it, over the same data. */
    private int fullSort(long user) {
        var rows = new ArrayList<LeaderboardEntry>(members);
        for (int u = 1; u <= members; u++) {
            rows.add(new LeaderboardEntry(0, u, xp[u], 0, 0, 0));
        }
        rows.sort(
                Comparator.comparingLong(LeaderboardEntry::xp).reversed().thenComparingLong(LeaderboardEntry::userId));
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).userId() == user) {
                return i + 1;
            }
        }
        throw new IllegalStateException("user " + user + " not found");
    }
}

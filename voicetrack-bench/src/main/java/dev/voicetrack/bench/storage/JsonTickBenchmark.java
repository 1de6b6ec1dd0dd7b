package dev.voicetrack.bench.storage;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.storage.json.JsonStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * One tick of the JSON storage: {@code apply} of a batch that credits voice time and XP to every
 * member of one guild of {@code members} (default 10,000) members, each with {@code historyDays}
 * (default 30) days of stored daily activity. The tick writes the guild file once (temp file, fsync,
 * rename, directory fsync) and today's activity file, on the machine's real disk, in a temporary
 * directory; the history's activity files are not rewritten. The goal is under 50 ms per tick for
 * 10,000 members (the original: 20–25 s for 1,000).
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.storage.JsonTickBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class JsonTickBenchmark {
    private static final long GUILD = 111;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);

    @Param("10000")
    int members;

    @Param("30")
    int historyDays;

    private Path dir;
    private JsonStorage storage;
    private Batch tick;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("vt-json-bench");
        storage = JsonStorage.open(dir);
        storage.init();
        for (int d = historyDays; d >= 1; d--) {
            storage.apply(batch(DAY.minusDays(d)));
        }
        tick = batch(DAY);
    }

    private Batch batch(LocalDate day) {
        var deltas = new ArrayList<MemberDelta>(members);
        Instant now = day.atStartOfDay().toInstant(java.time.ZoneOffset.UTC).plusMillis(12_345);
        for (long u = 1; u <= members; u++) {
            deltas.add(new MemberDelta(GUILD, 1_000_000 + u, 500 + u % 20, day, 10_000, 5, 0, 0, now));
        }
        return new Batch(deltas, List.of());
    }

    /** One tick: every member of the guild gains 10 s of voice and 5 XP; the guild file is rewritten once. */
    @Benchmark
    public List<MemberTotals> applyTick() {
        return storage.apply(tick);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

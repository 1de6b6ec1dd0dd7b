package dev.voicetrack.bench.core;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
 * The storage side of a tick alone: {@code InMemoryStorage.apply} of one batch of 100,000 deltas
 * (100 guilds × 1,000 members, each +5 s voice time and +5 XP in its channel, today), with ({@code
 * sessions=true}) or without the 100,000 open session rows a tick checkpoints with them. The members
 * exist already (as after the first tick), so this is the steady state.
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-core -DskipTests
 * install} and {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.core.ApplyBenchmark' -prof gc
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ApplyBenchmark {

    @Param({"false", "true"})
    public boolean sessions;

    private InMemoryStorage storage;
    private Batch batch;

    @Setup(Level.Trial)
    public void setUp() {
        storage = new InMemoryStorage();
        storage.init();
        LocalDate day = LocalDate.parse("2024-03-10");
        Instant at = Instant.parse("2024-03-10T12:00:00Z");
        var deltas = new ArrayList<MemberDelta>(100_000);
        var rows = new ArrayList<VoiceSession>(100_000);
        for (int g = 1; g <= 100; g++) {
            for (int u = 1; u <= 1_000; u++) {
                long user = 1_000_000L * g + u;
                long channel = 10_000L * g + 1 + (u - 1) / 100;
                deltas.add(new MemberDelta(g, user, channel, day, 5_000, 5, 0, 0, at));
                rows.add(new VoiceSession(
                        "s-" + user, g, user, channel, at.minusSeconds(60), null, at, 60_000, 60, 0, 0));
            }
        }
        batch = new Batch(deltas, sessions ? rows : List.of());
        storage.apply(batch);
        System.gc(); // the members live in the old generation, as in a long-running bot
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        storage.close();
    }

    @Benchmark
    public List<MemberTotals> apply() {
        return storage.apply(batch);
    }
}

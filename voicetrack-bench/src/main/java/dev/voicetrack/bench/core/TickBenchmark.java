package dev.voicetrack.bench.core;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceTrackerBuilder;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.time.Duration;
import java.time.Instant;
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
 * One tick of the tracker with 100 guilds × 1,000 members in voice (10 channels of 100 members per
 * guild), default guild config (elapsed voice time, fixed XP), over {@link InMemoryStorage} and no
 * cache. Each invocation advances a manual clock by the check interval (5 s) and runs {@link
 * VoiceTracker#tickNow()}: draining the (empty) event queue, accounting every member, writing the
 * batch to storage, checking level-ups. The goal is under 50 ms per tick on a 2-core machine.
 *
 * <p>Storage grows by one daily-activity row per member per simulated day (17,280 ticks), so the
 * measured state is that of a long-running bot, not of an empty one.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-core
 * -DskipTests install} and {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.core.TickBenchmark' -prof gc
 * }</pre>
 *
 * <p>{@code -prof gc} adds the allocation rate ({@code gc.alloc.rate.norm}: bytes per tick).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class TickBenchmark {

    /** Guilds with members in voice. */
    @Param("100")
    public int guilds;

    /** Members in voice per guild. */
    @Param("1000")
    public int membersPerGuild;

    /** Members per voice channel. */
    @Param("100")
    public int membersPerChannel;

    private ManualClock clock;
    private InMemoryStorage storage;
    private VoiceTracker tracker;
    private final Duration interval = VoiceTrackerBuilder.DEFAULT_CHECK_INTERVAL;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new ManualClock(Instant.parse("2024-03-10T12:00:00Z"));
        storage = new InMemoryStorage();
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .checkInterval(interval)
                .build();
        tracker.start();
        for (int g = 1; g <= guilds; g++) {
            for (int u = 1; u <= membersPerGuild; u++) {
                long channel = 10_000L * g + 1 + (u - 1) / membersPerChannel;
                tracker.accept(new GatewayEvent.VoiceJoined(
                        g, 1_000_000L * g + u, channel, MemberInfo.PLAIN, VoiceFlags.NONE));
            }
        }
        TickReport first = tracker.tickNow();
        if (first.membersInVoice() != guilds * membersPerGuild || !first.written()) {
            throw new IllegalStateException("set-up failed: " + first);
        }
        tick();
        // A long-running bot's state lives in the old generation; without this, the first young
        // collections of the measurement copy the whole freshly built state between survivor spaces.
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        TickReport last = tracker.tickNow();
        if (!last.written() || last.trackedMembers() != guilds * membersPerGuild) {
            throw new IllegalStateException("a tick failed: " + last);
        }
        tracker.close();
        storage.close();
    }

    @Benchmark
    public TickReport tick() {
        clock.advance(interval);
        return tracker.tickNow();
    }
}

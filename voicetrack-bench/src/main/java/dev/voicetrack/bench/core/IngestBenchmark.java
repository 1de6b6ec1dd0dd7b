package dev.voicetrack.bench.core;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event ingest through the public API, in events per second, for message events ({@code
 * kind=message}: 1,000 members of 10 guilds writing in one text channel) and voice events ({@code
 * kind=voice}: each of 1,000 members joins a channel, moves to another, then leaves; 3 events per
 * member, so every batch leaves nobody in voice):
 *
 * <ul>
 *   <li>{@link #enqueue}: {@code tracker.accept(event)} only, what a gateway thread pays. The queue is
 *       drained by a tick outside the measurement after each batch of {@value #BATCH} events.
 *   <li>{@link #enqueueAndApply}: accept a batch, then {@code tickNow()}: the events applied to the
 *       engine's state and written to storage (messages, XP, session rows) in one batch. This is the
 *       sustained rate the tracker can absorb.
 * </ul>
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-core -DskipTests
 * install} and {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.core.IngestBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class IngestBenchmark {

    static final int BATCH = 30_000;
    static final int GUILDS = 10;
    static final int USERS_PER_GUILD = 100;

    @Param({"message", "voice"})
    public String kind;

    private GatewayEvent[] events;
    private ManualClock clock;
    private InMemoryStorage storage;
    private VoiceTracker tracker;

    @Setup(Level.Trial)
    public void buildEvents() {
        events = new GatewayEvent[BATCH];
        int i = 0;
        outer:
        while (true) {
            for (int g = 1; g <= GUILDS; g++) {
                for (int u = 1; u <= USERS_PER_GUILD; u++) {
                    long user = 1_000L * g + u;
                    if (kind.equals("message")) {
                        if (i == BATCH) {
                            break outer;
                        }
                        events[i++] = new GatewayEvent.MessageSent(g, user, 900, MemberInfo.PLAIN);
                    } else {
                        if (i + 3 > BATCH) {
                            break outer;
                        }
                        events[i++] = new GatewayEvent.VoiceJoined(g, user, 901, MemberInfo.PLAIN, VoiceFlags.NONE);
                        events[i++] = new GatewayEvent.VoiceMoved(g, user, 902);
                        events[i++] = new GatewayEvent.VoiceLeft(g, user);
                    }
                }
            }
        }
        if (i != BATCH) {
            throw new IllegalStateException("BATCH must be a multiple of 3, built " + i);
        }
    }

    /** A fresh tracker per iteration, so that stored session rows do not pile up across iterations. */
    @Setup(Level.Iteration)
    public void newTracker() {
        clock = new ManualClock(Instant.parse("2024-03-10T12:00:00Z"));
        storage = new InMemoryStorage();
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        tracker.start();
    }

    @TearDown(Level.Iteration)
    public void closeTracker() {
        tracker.close();
        storage.close();
    }

    /** Drains what {@link #enqueue} queued, outside the measurement. */
    @TearDown(Level.Invocation)
    public void drain() {
        clock.advance(java.time.Duration.ofSeconds(1));
        TickReport r = tracker.tickNow();
        if (!r.written()) {
            throw new IllegalStateException("tick failed: " + r);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void enqueue() {
        VoiceTracker t = tracker;
        for (GatewayEvent e : events) {
            t.accept(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public TickReport enqueueAndApply() {
        VoiceTracker t = tracker;
        for (GatewayEvent e : events) {
            t.accept(e);
        }
        TickReport r = t.tickNow();
        if (r.eventsApplied() != BATCH) {
            throw new IllegalStateException("applied " + r.eventsApplied() + " of " + BATCH);
        }
        return r;
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each {@link TickReport} tells the metrics and the log: the tick's duration (with histogram
 * buckets from 100 µs to 60 s, so that Prometheus can compute p95/p99), events applied, overruns,
 * members tracked and in voice, and a warning when the tick could not write. The last report is kept
 * for {@code /health} and the demo.
 *
 * <p>A listener of the tracker: every completed tick's report comes from {@link #tickCompleted}
 * (scheduled ticks, {@code tickNow()} and the last tick at close), on the tracker's listener thread;
 * a tick that threw comes to {@link #tickFailed} and is logged. Thread safe.
 */
final class TickMetrics implements TrackerListener {
    private static final Logger LOG = LoggerFactory.getLogger(TickMetrics.class);

    private final MeterRegistry registry;
    private final AtomicReference<TickReport> last = new AtomicReference<>();
    private final AtomicLong trackedMembers = new AtomicLong();
    private final AtomicLong membersInVoice = new AtomicLong();
    private final Timer.Builder tickTimer = Timer.builder("voicetrack.tick")
            .description("Tick duration")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(60));

    TickMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the members gauges; once. */
    void bind() {
        Gauge.builder("voicetrack.members.tracked", trackedMembers, AtomicLong::get)
                .description("Members that accrued in the last tick")
                .register(registry);
        Gauge.builder("voicetrack.members.in.voice", membersInVoice, AtomicLong::get)
                .register(registry);
    }

    @Override
    public void tickFailed(Throwable error) {
        LOG.error("Tick failed", error);
    }

    @Override
    public void tickCompleted(TickReport r) {
        last.set(r);
        trackedMembers.set(r.trackedMembers());
        membersInVoice.set(r.membersInVoice());
        tickTimer
                .tag("written", Boolean.toString(r.written()))
                .register(registry)
                .record(r.totalTime());
        registry.counter("voicetrack.events.applied").increment(r.eventsApplied());
        if (r.overran()) {
            registry.counter("voicetrack.tick.overruns").increment();
        }
        if (!r.written()) {
            LOG.warn("Tick could not write to storage; {} increments buffered for the next tick", r.bufferedDeltas());
        }
    }

    /** The last tick's report, empty before the first tick. */
    Optional<TickReport> last() {
        return Optional.ofNullable(last.get());
    }
}

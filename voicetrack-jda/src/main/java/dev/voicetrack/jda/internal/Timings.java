package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.JdaInstallation.GatewayTimings;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Time spent by handlers on JDA event threads. Lock free. */
final class Timings {
    private final LongAdder events = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
        events.increment();
        total.add(nanos);
        max.accumulateAndGet(nanos, Math::max);
    }

    GatewayTimings snapshot() {
        return new GatewayTimings(events.sum(), max.get(), total.sum());
    }
}

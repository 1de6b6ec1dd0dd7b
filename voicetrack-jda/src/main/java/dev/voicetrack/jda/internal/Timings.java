package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.JdaInstallation.GatewayTimings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent by handlers on JDA event threads: wall time, and the CPU time of the handler thread where the JVM
 * measures it (wall time also counts the time the thread was not running: a GC pause, other threads on a busy
 * machine). Lock free; the CPU clock costs two reads of the thread's CPU time per event.
 */
final class Timings {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private final LongAdder events = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong maxCpu = new AtomicLong(CPU ? 0 : -1);

    /** The current thread's CPU time, to hand to {@link #record} when the handler ends; -1 if not measured. */
    static long cpuNow() {
        return CPU ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /**
     * @param nanos the handler's wall time
     * @param cpuStart {@link #cpuNow()} when it started
     */
    void record(long nanos, long cpuStart) {
        events.increment();
        total.add(nanos);
        max.accumulateAndGet(nanos, Math::max);
        if (cpuStart >= 0) {
            maxCpu.accumulateAndGet(THREADS.getCurrentThreadCpuTime() - cpuStart, Math::max);
        }
    }

    GatewayTimings snapshot() {
        return new GatewayTimings(events.sum(), max.get(), total.sum(), maxCpu.get());
    }
}

package dev.voicetrack.bench.jda;

import dev.voicetrack.core.VoiceTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Ticks run back to back on a thread of their own until stopped, each one's duration recorded (load runs). */
final class BackToBackTicks {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Long> nanos = new ArrayList<>();
    private final Thread thread;

    private BackToBackTicks(VoiceTracker tracker) {
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        nanos.add(tracker.tickNow().totalTime().toNanos());
                    }
                },
                "bench-ticks");
    }

    static BackToBackTicks start(VoiceTracker tracker) {
        BackToBackTicks ticks = new BackToBackTicks(tracker);
        ticks.thread.start();
        return ticks;
    }

    /** Stops after the tick in progress; the durations in nanoseconds, ascending. */
    long[] stop() throws InterruptedException {
        running.set(false);
        thread.join();
        return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}

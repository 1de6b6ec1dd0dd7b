package dev.voicetrack.bot.internal;

import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceTracker;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick thread: calls {@link VoiceTracker#tickNow()} every check interval, so that ticks never
 * overlap, marks each as on the tick path of the {@link TimedStorage} (whose in-doubt writes are then
 * carried, not doubled) and hands each {@link TickReport} on.
 *
 * <p>The tracker would tick by itself on a scheduler, but it does not tell its listeners what a tick
 * did, and the timed storage must know which calls are a tick's; until the core offers both (a tick
 * report to listeners), the runtime ticks here.
 */
final class TickLoop implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(TickLoop.class);

    private final Duration interval;
    private final Supplier<VoiceTracker> tracker;
    private final Supplier<TimedStorage> storage;
    private final BooleanSupplier stopping;
    private final Consumer<TickReport> reports;
    private final Started<ScheduledExecutorService> thread = new Started<>("ticks");

    /**
     * @param stopping true once the bot's shutdown has begun: no tick starts after that
     * @param reports receives every tick's report, on the tick thread
     */
    TickLoop(
            Duration interval,
            Supplier<VoiceTracker> tracker,
            Supplier<TimedStorage> storage,
            BooleanSupplier stopping,
            Consumer<TickReport> reports) {
        this.interval = interval;
        this.tracker = tracker;
        this.storage = storage;
        this.stopping = stopping;
        this.reports = reports;
    }

    @Override
    public String name() {
        return "ticks";
    }

    @Override
    public void start() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(Threads.daemons("voicetrack-tick"));
        thread.set(ex);
        ex.scheduleAtFixedRate(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        Threads.stop(thread.get(), Duration.ofSeconds(5));
    }

    private void tick() {
        if (stopping.getAsBoolean()) {
            return;
        }
        try {
            VoiceTracker t = tracker.get();
            reports.accept(storage.get().onTickPath(t::tickNow));
        } catch (RuntimeException e) {
            LOG.error("Tick failed", e);
        }
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.core.GuildOwnership;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker over the timed storage and the cache. It ticks itself every check interval on a {@link
 * TickScheduler}, whose thread is on the storage's tick path, and reports each tick to its listeners
 * (the {@link TickMetrics} among them). Its start reconciles persisted open sessions with who is in
 * voice. Its stop runs the last tick (on the calling thread, marked as on the tick path too), which
 * records the time up to now (open sessions stay open in storage and are reconciled at the next
 * start), and then, when due, the shutdown backup (SQLite), so that the backup holds that last tick.
 */
final class TrackerComponent implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerComponent.class);

    private final BotConfig config;
    private final Clock clock;
    private final Supplier<TimedStorage> storage;
    private final Supplier<Cache<Object>> cache;
    private final Supplier<VoiceView> view;
    private final GuildOwnership ownership;
    private final List<TrackerListener> listeners;
    private final Supplier<Optional<Backups>> backups;
    private final BooleanSupplier stopping;
    private final Started<VoiceTracker> tracker = new Started<>("tracker");
    private final Started<TickScheduler> ticks = new Started<>("tick scheduler");
    private volatile boolean shutdownBackupFailed;

    /**
     * @param view who is in voice on this process's shards
     * @param ownership the guilds this process ticks (its shards, or those whose lease it holds)
     * @param listeners installed before the start, after the one that logs the tracker's errors
     * @param backups the SQLite backups, empty for other storages
     * @param stopping true once the bot's shutdown has begun: no scheduled tick starts after that
     */
    TrackerComponent(
            BotConfig config,
            Clock clock,
            Supplier<TimedStorage> storage,
            Supplier<Cache<Object>> cache,
            Supplier<VoiceView> view,
            GuildOwnership ownership,
            List<TrackerListener> listeners,
            Supplier<Optional<Backups>> backups,
            BooleanSupplier stopping) {
        this.config = config;
        this.clock = clock;
        this.storage = storage;
        this.cache = cache;
        this.view = view;
        this.ownership = ownership;
        this.listeners = listeners;
        this.backups = backups;
        this.stopping = stopping;
    }

    @Override
    public String name() {
        return "tracker";
    }

    VoiceTracker tracker() {
        return tracker.get();
    }

    Started<VoiceTracker> started() {
        return tracker;
    }

    /**
     * Runs one tick now on the tick thread (so on the storage's tick path, as a scheduled tick), after
     * any tick running, and returns its report; the schedule goes on as before.
     *
     * @throws IllegalStateException when the tracker has not started or is closed
     */
    TickReport tickNow() throws InterruptedException {
        VoiceTracker t = tracker.get();
        try {
            return ticks.get().submit(t::tickNow).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the tick failed", e.getCause());
        }
    }

    /** Whether the shutdown backup, when one was due, was written and verified. */
    boolean shutdownBackupSucceeded() {
        return !shutdownBackupFailed;
    }

    @Override
    public void start() {
        TickScheduler scheduler = new TickScheduler(storage.get(), stopping);
        ticks.set(scheduler);
        VoiceTracker t = VoiceTracker.builder()
                .scheduler(scheduler)
                .storage(storage.get())
                .ownsStorage(false) // the final backup runs after the tracker's last tick
                .cache(cache.get())
                .ownsCache(false)
                .cacheTtl(config.cache().ttl())
                .checkInterval(config.tracking().checkInterval())
                .clock(clock)
                .openSessionWriteInterval(config.tracking().sessionWriteInterval())
                .view(view.get())
                .ownership(ownership)
                .build();
        t.addListener(new TrackerListener() {
            @Override
            public void error(String context, @Nullable Throwable error) {
                LOG.warn("Tracker: {}{}", context, error == null ? "" : ": " + error);
            }
        });
        listeners.forEach(t::addListener);
        tracker.set(t);
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            try {
                stop(); // as a started tracker would be: what it holds is written, then backed up
            } catch (RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
    }

    @Override
    public void stop() {
        try {
            lastTick(tracker.get());
        } finally {
            try {
                Threads.stop(ticks.get(), Duration.ofSeconds(5));
            } finally {
                shutdownBackup();
            }
        }
    }

    private void lastTick(VoiceTracker t) {
        storage.get().onTickPath(() -> {
            t.close();
            return null;
        });
    }

    private void shutdownBackup() {
        Optional<Backups> b = backups.get();
        if (b.isEmpty() || !config.backup().onShutdown()) {
            return;
        }
        var r = b.get().backup("shutdown-backup-");
        if (r.success()) {
            System.out.println("shutdown-backup: " + r.location());
            System.out.flush();
        } else {
            shutdownBackupFailed = true;
            System.err.println("voicetrack: the shutdown backup FAILED: " + r.message());
            System.err.flush();
        }
    }
}

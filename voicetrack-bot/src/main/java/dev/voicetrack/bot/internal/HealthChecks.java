package dev.voicetrack.bot.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health thread: every {@link #PROBE_INTERVAL} it probes the storage (bounded by {@code
 * STORAGE_TIMEOUT}; the verdict goes to the {@link StorageHealth}) and takes the cache figures, so
 * that {@code /health} answers from what is known and never waits for a server.
 */
final class HealthChecks implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    /** How often the health thread probes the storage and takes the cache figures. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final Supplier<TimedStorage> storage;
    private final Supplier<Cache<Object>> cache;
    private final AtomicReference<CacheStats> cacheStats = new AtomicReference<>();
    private final Started<ScheduledExecutorService> thread = new Started<>("health checks");

    HealthChecks(Supplier<TimedStorage> storage, Supplier<Cache<Object>> cache) {
        this.storage = storage;
        this.cache = cache;
    }

    @Override
    public String name() {
        return "health checks";
    }

    @Override
    public void start() {
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(Threads.daemons("voicetrack-health"));
        thread.set(ex);
        ex.scheduleWithFixedDelay(this::check, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        Threads.stop(thread.get(), Duration.ofSeconds(2));
    }

    /** The cache figures as of the last check (at most {@link #PROBE_INTERVAL} old). */
    Optional<CacheStats> cacheStats() {
        return Optional.ofNullable(cacheStats.get());
    }

    private void check() {
        try {
            storage.get().probe();
            cacheStats.set(cache.get().stats());
        } catch (RuntimeException e) {
            LOG.warn("Health check failed: {}", e.toString());
        }
    }
}

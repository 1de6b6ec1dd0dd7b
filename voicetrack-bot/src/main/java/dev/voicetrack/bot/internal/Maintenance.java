package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageOptimizer;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.json.JsonStorage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance thread's schedules: cache warming (at once, then every {@code CACHE_WARM_INTERVAL}),
 * SQLite backups ({@code BACKUP_INTERVAL}), optimize ({@code OPTIMIZE_INTERVAL}), and the original's
 * monitor ({@code MONITOR_INTERVAL}): the low hit-rate alert and the stored-size alert, which also
 * feeds {@code voicetrack_storage_size_bytes}.
 */
final class Maintenance implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final BotConfig config;
    private final MeterRegistry registry;
    private final Supplier<Storage> storage;
    private final Supplier<Cache<Object>> cache;
    private final Supplier<CacheWarmer<Object>> warmer;
    private final Supplier<Optional<Backups>> backups;
    private final AtomicLong storageSize = new AtomicLong(-1);
    private final HitRateAlarm hitRate;
    private final Started<ScheduledExecutorService> thread = new Started<>("maintenance");

    /**
     * @param storage the storage itself (not the timed wrapper: an optimize may take longer than a call's bound)
     * @param backups the SQLite backups, empty for other storages
     */
    Maintenance(
            BotConfig config,
            MeterRegistry registry,
            Supplier<Storage> storage,
            Supplier<Cache<Object>> cache,
            Supplier<CacheWarmer<Object>> warmer,
            Supplier<Optional<Backups>> backups) {
        this.config = config;
        this.registry = registry;
        this.storage = storage;
        this.cache = cache;
        this.warmer = warmer;
        this.backups = backups;
        this.hitRate = new HitRateAlarm(config.monitor().lowHitRate());
    }

    @Override
    public String name() {
        return "maintenance";
    }

    @Override
    public void start() {
        Gauge.builder("voicetrack.storage.size.bytes", storageSize, AtomicLong::get)
                .description("Size of the stored data (database file or JSON files); -1 where unknown")
                .register(registry);
        measureStorageSize(); // now, not only at the first monitor run
        ScheduledExecutorService ex = Executors.newScheduledThreadPool(1, Threads.daemons("voicetrack-maintenance"));
        thread.set(ex);
        schedule(ex);
    }

    @Override
    public void stop() {
        Threads.stop(thread.get(), Duration.ofSeconds(5));
    }

    private void schedule(ScheduledExecutorService ex) {
        CacheWarmer<Object> w = warmer.get();
        ex.execute(() -> Threads.safely("cache warming", w::warmNow));
        Duration warmEvery = config.cache().warmInterval();
        if (!warmEvery.isZero()) {
            Threads.every(ex, warmEvery, "cache warming", w::warmNow);
        }
        BotConfig.BackupSettings backup = config.backup();
        backups.get().filter(b -> !backup.interval().isZero()).ifPresent(b -> {
            Threads.every(ex, backup.interval(), "backup", () -> b.backup("voice-tracker-"));
            LOG.info(
                    "Automatic backups every {} into {}, kept {}",
                    BotConfig.human(backup.interval()),
                    b.dir(),
                    BotConfig.human(backup.retention()));
        });
        if (storage.get() instanceof StorageOptimizer m
                && !backup.optimizeInterval().isZero()) {
            Threads.every(ex, backup.optimizeInterval(), "optimize", () -> {
                var r = m.optimizeStorage();
                LOG.info(
                        "Database optimized in {} ms: {} -> {} bytes",
                        r.took().toMillis(),
                        r.sizeBytesBefore(),
                        r.sizeBytesAfter());
            });
        }
        Threads.every(ex, config.monitor().interval(), "monitor", this::monitor);
    }

    /** The original's low hit-rate alert (see {@link HitRateAlarm} for when it fires) and database size alert. */
    void monitor() {
        hitRate.check(cache.get().stats()).ifPresent(LOG::warn);
        Storage st = storage.get();
        if (st instanceof JdbcStorage || st instanceof JsonStorage) {
            long size = measureStorageSize();
            int warnMb = config.monitor().dbSizeWarnMb();
            if (size > warnMb * 1024L * 1024L) {
                LOG.warn("Stored data is {} MB, above DB_SIZE_WARN_MB={}", size / 1024 / 1024, warnMb);
            }
        }
    }

    /**
     * Measures the stored data into {@code voicetrack_storage_size_bytes}: the database (SQLite,
     * PostgreSQL) or the JSON directory's files; -1 where it cannot be measured (MongoDB, memory).
     */
    private long measureStorageSize() {
        long size = -1;
        Storage st = storage.get();
        if (st instanceof JdbcStorage jdbc) {
            size = jdbc.stats().databaseSizeBytes();
        } else if (st instanceof JsonStorage json) {
            try (var files = Files.list(json.directory())) {
                size = files.filter(Files::isRegularFile)
                        .mapToLong(f -> f.toFile().length())
                        .sum();
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("cannot measure {}: {}", json.directory(), e.toString());
            }
        }
        storageSize.set(size);
        return size;
    }
}

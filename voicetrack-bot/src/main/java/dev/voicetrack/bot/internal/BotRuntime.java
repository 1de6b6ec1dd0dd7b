package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.redis.RedisPubSub;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.RewardAdmin;
import dev.voicetrack.jda.VoiceTrackJda;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dv8tion.jda.api.JDA;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running bot: its parts as {@link Component}s, started in one declared order and stopped in the
 * reverse order, and a bounded shutdown.
 *
 * <h2>Order</h2>
 * {@link Preflight} first: the admin API's port, the SQLite database claim and the backup directory,
 * so that a clash fails having opened nothing. Then, in {@link #declare}: metrics, Discord (a wrong
 * token fails before any file is created), storage, cache, the live updates' Redis channel (with {@code REDIS_URL}), the admin work pool, backups (SQLite), the
 * shard ownership (the shard leases in Redis, when sharded), the tracker (its start reconciles persisted open sessions with who is in voice; its stop runs the last
 * tick and then the shutdown backup), the cache warmer, the JDA adapter, maintenance, health checks
 * and the admin API, which takes over the held port. A failure in start stops what
 * started, in reverse.
 *
 * <h2>Ticks</h2>
 * The tracker ticks itself at the check interval on one thread of the bot's (a {@link
 * TickScheduler}, see {@link TrackerComponent}), so ticks never overlap, and reports each {@link
 * TickReport} to its listeners, the {@link TickMetrics} first. Every storage
 * call waits at most {@code STORAGE_TIMEOUT} (see {@link TimedStorage}), less than the interval, so an
 * unreachable or hung database makes ticks fail to write (the tracker keeps the increments) but never
 * stalls them.
 *
 * <h2>Health</h2>
 * {@code /health} answers from what the runtime already knows and never waits for a server: see
 * {@link HealthChecks}.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown} is idempotent and bounded by {@code SHUTDOWN_TIMEOUT}: no tick starts once it has
 * begun, the parts stop in reverse order, then the preflight claims are released. SIGINT and SIGTERM
 * run it through a shutdown hook.
 */
public final class BotRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BotRuntime.class);

    private final BotConfig config;
    private final Clock trackerClock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StorageHealth storageHealth = new StorageHealth(Clock.systemUTC());
    private final List<TrackerListener> listeners = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final Preflight preflight;
    private final DiscordConnection discord;
    private final StorageStack storage;
    private final CacheStack cache;
    private final TrackerComponent tracker;
    private final ShardOwnership shards;
    private final TickMetrics ticks;
    private final LiveUpdates live = new LiveUpdates();
    private final CacheHistory cacheHistory;
    private final HealthChecks health;
    private final Started<ExecutorService> adminWork = new Started<>("admin work");
    private final Started<Backups> backups = new Started<>("backups");
    private final Started<CacheWarmer<Object>> warmer = new Started<>("cache warmer");
    private final Started<JdaInstallation> installation = new Started<>("adapter");
    private final Started<AdminApi> api = new Started<>("admin api");
    private final Lifecycle claims;
    private final Lifecycle parts;

    public BotRuntime(BotConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * A runtime whose tracker measures time with {@code trackerClock} (the demo's runs faster than real
     * time); schedules, backups and caches keep real time.
     */
    public BotRuntime(BotConfig config, Clock trackerClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.trackerClock = Objects.requireNonNull(trackerClock, "trackerClock");
        preflight = new Preflight(config);
        discord = new DiscordConnection(config);
        storage = new StorageStack(config, registry, storageHealth);
        cache = new CacheStack(config.cache(), registry);
        cacheHistory = new CacheHistory(cache::cache);
        ticks = new TickMetrics(registry);
        listeners.add(ticks);
        shards = new ShardOwnership(config, discord, cache::redis, this::reconcileTracker);
        listeners.add(live);
        listeners.add(cacheHistory);
        tracker = new TrackerComponent(
                config,
                trackerClock,
                storage::timed,
                cache::cache,
                discord::voiceView,
                shards,
                listeners,
                backups::ifStarted,
                stopping::get);
        health = new HealthChecks(storage::timed, cache::cache);
        claims = new Lifecycle(preflight.components());
        parts = new Lifecycle(declare());
    }

    /** The parts in start order; they stop in the reverse order. */
    private List<Component> declare() {
        List<Component> c = new ArrayList<>();
        c.add(Component.of("metrics", this::bindMetrics, () -> {}));
        c.add(discord);
        c.add(storage);
        c.add(cache);
        c.add(Component.of("live updates", this::shareLiveUpdates, live::disconnect));
        c.add(Component.of(
                "admin work",
                () -> adminWork.set(Executors.newFixedThreadPool(2, Threads.daemons("voicetrack-admin"))),
                () -> Threads.stop(adminWork.get(), Duration.ofSeconds(2))));
        if (config.storageKind() == BotConfig.StorageKind.SQLITE) {
            c.add(Component.of("backups", this::createBackups, () -> {}));
        }
        c.add(shards); // stops after the tracker's last tick: the leases are given up then
        c.add(tracker);
        c.add(Component.of(
                "cache warmer", this::createWarmer, () -> warmer.get().close()));
        c.add(Component.of(
                "adapter", this::installAdapter, () -> installation.get().close()));
        c.add(new Maintenance(config, registry, storage::raw, cache::cache, warmer::get, backups::ifStarted));
        c.add(health);
        config.adminApi()
                .bind()
                .ifPresent(bind -> c.add(Component.of(
                        "admin api", this::startApi, () -> api.get().stop())));
        return c;
    }

    /**
     * Refuses a configuration without {@code DISCORD_BOT_TOKEN}.
     *
     * @throws ConfigException saying where to get a token, and about the demo
     */
    public static void requireToken(BotConfig config) {
        if (config.discord().token().isEmpty()) {
            throw new ConfigException("DISCORD_BOT_TOKEN is not set. Get a token at the Discord"
                    + " developer portal (https://discord.com/developers/applications -> your application -> Bot"
                    + " -> Reset Token), then put DISCORD_BOT_TOKEN=... in the environment or in .env."
                    + " To try VoiceTrack without Discord, run: ./voicetrack demo");
        }
    }

    /** Adds a listener installed on the tracker at start (before ticks run). */
    public void addListener(TrackerListener listener) {
        listeners.add(listener);
    }

    /**
     * Starts everything; on failure stops what was started and rethrows.
     *
     * @throws ConfigException when the token is missing or refused, a port or the database is taken
     */
    public void start() throws InterruptedException {
        requireToken(config);
        claims.start(); // releases what it claimed if one fails: nothing else was opened
        config.warnings().forEach(LOG::warn);
        if (config.adminApi().bind().isEmpty()) {
            LOG.info("Admin API is off (ADMIN_API_BIND=off)");
        }
        try {
            parts.start();
        } catch (RuntimeException | Error | InterruptedException e) {
            shutdown("start failed");
            throw e;
        }
        LOG.info(
                "VoiceTrack is running (check interval {} ms)",
                config.tracking().checkInterval().toMillis());
    }

    /** After the owned shards changed: a shard gained resumes its sessions, one lost lets them go. */
    private void reconcileTracker() {
        tracker.started().ifStarted().ifPresent(VoiceTracker::reconcile);
    }

    /** With Redis, the dashboard's pages follow the ticks of every process (see {@link LiveUpdates}). */
    private void shareLiveUpdates() {
        cache.redis().ifPresent(redis -> live.connect(RedisPubSub.create(redis)));
    }

    private void bindMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ticks.bind();
    }

    private void createBackups() {
        BotConfig.BackupSettings b = config.backup();
        backups.set(new Backups(
                Objects.requireNonNull(Storages.sqliteOrNull(storage.raw()), "SQLite storage"),
                b.dir(),
                b.retention(),
                b.maxCount(),
                Clock.systemUTC(),
                registry));
    }

    private void createWarmer() {
        warmer.set(CacheWarmer.builder(cache.cache())
                .task("leaderboards", this::warmLeaderboards)
                .onReport(r -> LOG.info(
                        "Cache warmed: {} entries in {} ms",
                        r.totalLoaded(),
                        r.duration().toMillis()))
                .build());
    }

    private Collection<CacheEntry<Object>> warmLeaderboards() {
        VoiceTracker t = tracker.tracker();
        // The tracker's queries fill the cache with its own keys and tags; nothing to return here. The pages read are
        // the first ones /leaderboard and the dashboard read (a cached page answers only the same rows), so the warm
        // entries get used.
        for (long guild : storage.raw().guildIds()) {
            for (Metric m : List.of(Metric.XP, Metric.VOICE_TIME)) {
                VoiceTrackJda.readFirstLeaderboardPage(t, guild, m);
                Dashboard.readFirstLeaderboardPage(t, guild, m);
            }
        }
        return List.of();
    }

    private void installAdapter() {
        var builder = VoiceTrackJda.builder(tracker.tracker())
                .announcements(new FileAnnouncementStore(config.announcementsFile()))
                .warmer(warmer.get())
                .trackMessages(config.tracking().trackMessages())
                .trackMemberUpdates(config.tracking().trackMemberUpdates());
        config.adminApi().dashboardUrl().ifPresent(builder::dashboardUrl);
        if (storage.raw() instanceof StorageMaintenance maintenance) { // the tracker sees the timed wrapper
            builder.storageMaintenance(maintenance)
                    .backupDirectory(config.backup().dir())
                    .maintenanceExecutor(adminWork.get());
            backups.ifStarted().ifPresent(b -> builder.backup(() -> b.backup("manual-backup-")));
        }
        JdaInstallation installed = discord.install(builder);
        installation.set(installed);
        FunctionCounter.builder("voicetrack.gateway.events", installed, JdaInstallation::eventsEnqueued)
                .description("Gateway events handed to the tracker")
                .register(registry);
    }

    private void startApi() {
        preflight.adminPort().ifPresent(Preflight.AdminPortHold::release);
        if (config.adminApi().token().isEmpty()) {
            LOG.warn("ADMIN_API_TOKEN is not set: the /api/admin routes refuse every request");
        }
        AdminApi started = AdminApi.start(
                config.adminApi().bind().orElseThrow(),
                config.adminApi().token().orElse(null),
                this);
        api.set(started);
        // A machine-readable line: tests and scripts read the port from it.
        System.out.println("admin-api: http://" + started.host() + ":" + started.port());
        System.out.flush();
    }

    // ---- accessors for the API and the demo ----

    public VoiceTracker tracker() {
        return tracker.tracker();
    }

    public Cache<Object> cache() {
        return cache.cache();
    }

    public CacheWarmer<Object> warmer() {
        return warmer.get();
    }

    /** The backups of a SQLite store, when it has them. */
    Optional<Backups> backups() {
        return backups.ifStarted();
    }

    /** The level rewards as {@code /rewards} edits them; empty until the Discord adapter is installed. */
    Optional<RewardAdmin> rewardAdmin() {
        return installation.ifStarted().map(JdaInstallation::rewardAdmin);
    }

    /** The cache's hit rate over time. */
    CacheHistory cacheHistory() {
        return cacheHistory;
    }

    /** The dashboard's tick stream. */
    LiveUpdates liveUpdates() {
        return live;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Runs one tick now, on the tick thread after any tick running, and returns its report; scheduled ticks
     * go on as before. For a caller that sets the pace of ticks itself, such as a test whose clock several
     * bot processes share and which ticks them once each time it moves that clock.
     *
     * @throws IllegalStateException before the start, and once the shutdown has begun (its last tick is
     *     the tracker's close)
     */
    public TickReport tickNow() throws InterruptedException {
        if (stopping.get()) {
            throw new IllegalStateException("the bot is stopping: no tick starts now");
        }
        return tracker.tickNow();
    }

    public @Nullable TickReport lastTick() {
        return ticks.last().orElse(null);
    }

    /** The single JDA; null before the start and when sharded (see {@link #discord()}). */
    public @Nullable JDA jda() {
        return discord.single();
    }

    /** Discord, one JDA or this process's shards; null before it started. */
    @Nullable
    DiscordConnection discord() {
        return discord.started() ? discord : null;
    }

    /** Which shards this process tracks, for {@code /health}. */
    ShardOwnership shards() {
        return shards;
    }

    public @Nullable Storage storage() {
        return storage.started().ifStarted().orElse(null);
    }

    /** What is known of the storage's health, without a round trip. */
    StorageHealth.State storageHealth() {
        return storageHealth.state();
    }

    /** The cache figures as of the last health check (at most {@link HealthChecks#PROBE_INTERVAL} old). */
    @Nullable
    CacheStats cacheStatsSnapshot() {
        return health.cacheStats().orElse(null);
    }

    /** The admin API, when it is on and started. */
    public Optional<AdminApi> api() {
        return api.ifStarted();
    }

    /**
     * Whether the shutdown's backup, when one was due, was written and verified. {@code run} and {@code
     * demo} exit 1 when it was not, so a script never mistakes a lost backup for a clean stop.
     */
    public boolean shutdownBackupSucceeded() {
        return tracker.shutdownBackupSucceeded();
    }

    /**
     * {@link #shutdown} for a SIGTERM or SIGINT (run from a shutdown hook). The JVM then exits with 143 or
     * 130 whatever the hook does, so when the shutdown backup failed this ends the process with status 1
     * itself ({@link Runtime#halt}, after the shutdown finished and the output was flushed): a service
     * manager sees a failed stop, as {@code run} and {@code demo} report one when they end by themselves.
     */
    public void shutdownOnSignal() {
        shutdown("signal");
        if (!shutdownBackupSucceeded()) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    /** Blocks until {@link #shutdown} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops everything in order, within {@code SHUTDOWN_TIMEOUT}; idempotent, safe from any thread. */
    public void shutdown(String reason) {
        Duration bound = config.shutdownTimeout();
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.await(bound.toMillis() + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        Thread worker = new Thread(() -> stopAll(reason), "voicetrack-shutdown");
        worker.start();
        try {
            worker.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.error("Shutdown did not finish within SHUTDOWN_TIMEOUT={}; exiting anyway", BotConfig.human(bound));
        }
        stopped.countDown();
    }

    private void stopAll(String reason) {
        LOG.info("Stopping VoiceTrack ({})", reason);
        parts.stop();
        claims.stop();
        LOG.info("VoiceTrack stopped");
        System.out.println("voicetrack: stopped");
        System.out.flush();
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.VoiceTrackJda;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.json.JsonStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running bot: JDA, storage, cache, tracker, adapter, schedules, admin API and metrics, and their
 * ordered shutdown.
 *
 * <h2>Start order</h2>
 * Checks that need nothing opened come first: the token is set, and the admin API's address can be
 * bound (the port is held from then on, so a port in use fails before anything is opened or
 * written). Then Discord (a wrong token fails before any file is created), storage, cache, tracker
 * (whose start reconciles persisted open sessions with who is in voice), the adapter, warming, the
 * schedules and finally the admin API, which takes over the held port.
 *
 * <h2>Ticks</h2>
 * The runtime owns the tick loop: one thread calls {@link VoiceTracker#tickNow()} at the check
 * interval, so ticks never overlap and each {@link TickReport} feeds the metrics. Every storage call
 * waits at most {@code STORAGE_TIMEOUT} (see {@link TimedStorage}), less than the interval, so an
 * unreachable or hung database makes ticks fail to write (the tracker keeps the increments) but never
 * stalls them.
 *
 * <h2>Health</h2>
 * {@code /health} answers from what the runtime already knows and never waits for a server: the
 * storage's state comes from the outcome of every storage call and from a probe run every {@link
 * #HEALTH_PROBE_INTERVAL} on its own thread (bounded by {@code STORAGE_TIMEOUT}); the cache figures
 * are a snapshot taken on that same thread.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown} is idempotent and bounded by {@code SHUTDOWN_TIMEOUT}: maintenance and ticks stop,
 * the adapter is removed, the tracker's last tick records the time up to now (open sessions stay open
 * in storage and are reconciled at the next start), a final backup is written (SQLite), then JDA, the
 * admin API, the cache and the storage are closed. SIGINT and SIGTERM run it through a shutdown hook.
 */
public final class BotRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BotRuntime.class);

    /** How often the health thread probes the storage and takes the cache figures. */
    static final Duration HEALTH_PROBE_INTERVAL = Duration.ofSeconds(1);

    private final BotConfig config;
    private final Clock trackerClock;
    private @Nullable ServerSocket adminPort;

    /** SQLite: this bot's claim on the database file, so that a second bot on it is refused. */
    private JdbcStorage.@Nullable OwnerClaim ownerClaim;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean shutdownBackupFailed;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<TickReport> lastTick = new AtomicReference<>();
    private final AtomicLong trackedMembers = new AtomicLong();
    private final AtomicLong membersInVoice = new AtomicLong();
    private final AtomicLong dbSize = new AtomicLong(-1);
    private final StorageHealth storageHealth = new StorageHealth(Clock.systemUTC());
    private final AtomicReference<CacheStats> cacheStats = new AtomicReference<>();

    private @Nullable JDA jda;
    private @Nullable Storage rawStorage;
    private @Nullable TimedStorage timedStorage;
    private @Nullable ScheduledExecutorService healthThread;
    private @Nullable Cache<Object> cache;
    private @Nullable CacheWarmer<Object> warmer;
    private @Nullable VoiceTracker tracker;
    private @Nullable JdaInstallation installation;
    private @Nullable Backups backups;
    private @Nullable AdminApi api;
    private @Nullable ScheduledExecutorService ticks;
    private @Nullable ScheduledExecutorService maintenance;
    private @Nullable ExecutorService adminWork;
    private final List<TrackerListener> extraListeners = new ArrayList<>();

    public BotRuntime(BotConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * A runtime whose tracker measures time with {@code trackerClock} (the demo's runs faster than real
     * time); schedules, backups and caches keep real time.
     */
    public BotRuntime(BotConfig config, Clock trackerClock) {
        this.config = config;
        this.trackerClock = java.util.Objects.requireNonNull(trackerClock, "trackerClock");
    }

    /**
     * Refuses a configuration without {@code DISCORD_BOT_TOKEN}.
     *
     * @throws ConfigException saying where to get a token, and about the demo
     */
    public static void requireToken(BotConfig config) {
        if (config.discordToken().isEmpty()) {
            throw new ConfigException("DISCORD_BOT_TOKEN is not set. Get a token at the Discord"
                    + " developer portal (https://discord.com/developers/applications -> your application -> Bot"
                    + " -> Reset Token), then put DISCORD_BOT_TOKEN=... in the environment or in .env."
                    + " To try VoiceTrack without Discord, run: ./voicetrack demo");
        }
    }

    /** Adds a listener installed on the tracker at start (before ticks run). */
    public void addListener(TrackerListener listener) {
        extraListeners.add(listener);
    }

    /**
     * Starts everything; on failure closes what was opened and rethrows.
     *
     * @throws ConfigException when the token is missing or refused
     */
    public void start() throws InterruptedException {
        // Nothing is opened before these checks (but the admin port they hold), so a failure needs no shutdown.
        requireToken(config);
        holdAdminPort();
        try {
            claimDatabase(); // a second bot on this database is refused before anything is created
            requireUsableBackupDir(config);
        } catch (RuntimeException e) {
            if (ownerClaim != null) {
                ownerClaim.close();
                ownerClaim = null;
            }
            releaseAdminPort();
            throw e;
        }
        for (String w : config.warnings()) {
            LOG.warn(w);
        }
        try {
            doStart();
        } catch (RuntimeException | Error | InterruptedException e) {
            shutdown("start failed");
            throw e;
        }
    }

    private void doStart() throws InterruptedException {
        String token = config.discordToken().orElseThrow();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        jda = connect(token);
        LOG.info(
                "Connected to Discord as {} ({} guilds)",
                jda.getSelfUser().getName(),
                jda.getGuilds().size());

        Storage storage = Storages.open(config);
        rawStorage = storage;
        try {
            Storages.init(storage, config); // a damaged SQLite file is refused with how to restore it
        } catch (RuntimeException e) {
            throw unreachableMongo(e);
        }
        String backend = Storages.backendName(storage);
        LOG.info("Storage: {} ({})", backend, describeStorage());
        TimedStorage timed = new TimedStorage(storage, registry, backend, config.storageTimeout(), storageHealth);
        timedStorage = timed;

        cache = createCache();
        bindCacheMetrics(cache);

        ScheduledExecutorService tickThread =
                Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "voicetrack-tick"));
        ticks = tickThread;
        ScheduledExecutorService maint = Executors.newScheduledThreadPool(1, r -> daemon(r, "voicetrack-maintenance"));
        maintenance = maint;
        adminWork = Executors.newFixedThreadPool(2, r -> daemon(r, "voicetrack-admin"));

        VoiceTracker t = VoiceTracker.builder()
                .manualTicks() // ticked by the tick thread below, which records the tick metrics
                .storage(timed)
                .ownsStorage(false) // the final backup runs after the tracker's last tick
                .cache(cache)
                .ownsCache(false)
                .cacheTtl(config.cacheTtl())
                .checkInterval(config.checkInterval())
                .clock(trackerClock)
                .openSessionWriteInterval(config.sessionWriteInterval())
                .view(VoiceTrackJda.voiceView(jda))
                .build();
        tracker = t;
        t.addListener(new TrackerListener() {
            @Override
            public void error(String context, @Nullable Throwable error) {
                LOG.warn("Tracker: {}{}", context, error == null ? "" : ": " + error);
            }
        });
        extraListeners.forEach(t::addListener);
        t.start();

        JdbcStorage sqlite = Storages.sqliteOrNull(storage);
        if (sqlite != null) {
            backups = new Backups(
                    sqlite,
                    Path.of(config.get("BACKUP_DIR")),
                    config.duration("BACKUP_RETENTION", Duration.ofHours(1)),
                    config.positiveInt("BACKUP_MAX_COUNT"),
                    Clock.systemUTC(),
                    registry);
        }
        warmer = CacheWarmer.builder(cache)
                .task("leaderboards", this::warmLeaderboards)
                .onReport(r -> LOG.info(
                        "Cache warmed: {} entries in {} ms",
                        r.totalLoaded(),
                        r.duration().toMillis()))
                .build();

        var builder = VoiceTrackJda.builder(t)
                .announcements(new FileAnnouncementStore(Path.of(config.get("ANNOUNCEMENTS_FILE"))))
                .warmer(warmer)
                .trackMessages(config.bool("TRACK_MESSAGES"))
                .trackMemberUpdates(config.bool("TRACK_MEMBER_UPDATES"));
        if (storage instanceof StorageMaintenance maintenance) { // the tracker sees the timed wrapper
            builder.storageMaintenance(maintenance)
                    .backupDirectory(Path.of(config.get("BACKUP_DIR")))
                    .maintenanceExecutor(adminWork);
            Backups b = backups;
            if (b != null) {
                builder.backup(() -> b.backup("manual-backup-"));
            }
        }
        installation = builder.install(jda);
        FunctionCounter.builder("voicetrack.gateway.events", installation, JdaInstallation::eventsEnqueued)
                .description("Gateway events handed to the tracker")
                .register(registry);

        bindTrackerMetrics();
        Duration interval = config.checkInterval();
        tickThread.scheduleAtFixedRate(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);

        scheduleMaintenance(maint);
        ScheduledExecutorService healthExec =
                Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "voicetrack-health"));
        healthThread = healthExec;
        healthExec.scheduleWithFixedDelay(
                this::checkHealth, 0, HEALTH_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        startApi();
        LOG.info("VoiceTrack is running (check interval {} ms)", interval.toMillis());
    }

    private JDA connect(String token) throws InterruptedException {
        EnumSet<GatewayIntent> intents = EnumSet.of(GatewayIntent.GUILD_VOICE_STATES);
        boolean members = config.bool("TRACK_MEMBER_UPDATES");
        if (members) {
            intents.add(GatewayIntent.GUILD_MEMBERS);
        }
        if (config.bool("TRACK_MESSAGES")) {
            intents.add(GatewayIntent.GUILD_MESSAGES);
        }
        JDABuilder b = JDABuilder.createLight(token, intents)
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(members ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(members ? ChunkingFilter.ALL : ChunkingFilter.NONE);
        String api = config.get("DISCORD_API_URL");
        if (!api.isEmpty()) {
            b.setRestConfig(new RestConfig().setBaseUrl(api.endsWith("/") ? api : api + "/"));
        }
        String gateway = config.get("DISCORD_GATEWAY_URL");
        if (!gateway.isEmpty()) {
            b.setSessionController(new ConcurrentSessionController() {
                @Override
                public String getGateway() {
                    return gateway;
                }
            });
            b.setCompression(Compression.NONE);
        }
        try {
            return b.build().awaitReady();
        } catch (InvalidTokenException e) {
            throw new ConfigException("DISCORD_BOT_TOKEN (" + config.masked("DISCORD_BOT_TOKEN")
                    + ") was refused by Discord; reset it in the developer portal (your application -> Bot)");
        } catch (IllegalStateException e) {
            throw new ConfigException("Discord refused the connection: " + e.getMessage()
                    + (members
                            ? ". If the Server Members intent is not enabled for the bot, enable it in the"
                                    + " developer portal (Bot -> Privileged Gateway Intents) or set TRACK_MEMBER_UPDATES=false"
                            : ""));
        }
    }

    /**
     * A MongoDB server that does not answer within the server-selection bound becomes one line naming
     * {@code MONGODB_URI} (password masked); anything else is returned as it is.
     */
    private RuntimeException unreachableMongo(RuntimeException e) {
        if (config.storageKind() != BotConfig.StorageKind.MONGO) {
            return e;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof com.mongodb.MongoTimeoutException) {
                java.util.regex.Matcher why = java.util.regex.Pattern.compile("caused by \\{([^}]*)}")
                        .matcher(String.valueOf(c.getMessage()));
                String reason = why.find() ? " (" + why.group(1) + ")" : "";
                return new IllegalStateException("MONGODB_URI: no MongoDB server answered at "
                        + config.masked("MONGODB_URI") + " within "
                        + (config.get("MONGODB_URI")
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .contains("serverselectiontimeoutms=")
                                ? "its serverSelectionTimeoutMS"
                                : Storages.MONGO_SERVER_SELECTION.toSeconds() + " s")
                        + reason + "; is the server running and the URI right?");
            }
        }
        return e;
    }

    /**
     * Refuses a {@code BACKUP_DIR} that backups could never be written to (a file, or a directory that
     * cannot be created), at start rather than at the first backup hours later. Only for SQLite with
     * backups on (a schedule or the shutdown backup); creates the directory, which the backups need
     * anyway.
     *
     * @throws ConfigException naming {@code BACKUP_DIR}, the value and why
     */
    static void requireUsableBackupDir(BotConfig config) {
        boolean backups = !config.schedule("BACKUP_INTERVAL").isZero() || config.bool("SHUTDOWN_BACKUP");
        if (config.storageKind() != BotConfig.StorageKind.SQLITE || !backups) {
            return;
        }
        Path dir = Path.of(config.get("BACKUP_DIR"));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("BACKUP_DIR must be a directory, was '"
                    + BotConfig.abbreviate(config.get("BACKUP_DIR")) + "' (an existing file)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "BACKUP_DIR cannot be created, was '" + BotConfig.abbreviate(config.get("BACKUP_DIR")) + "': " + e);
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException(
                    "BACKUP_DIR is not writable, was '" + BotConfig.abbreviate(config.get("BACKUP_DIR")) + "'");
        }
    }

    /**
     * Binds the admin API's address and holds it until {@link #startApi}, so that a port in use fails
     * at once (exit 2), before Discord, storage or any file is touched.
     */
    private void holdAdminPort() {
        var bind = config.adminBind();
        if (bind.isEmpty() || bind.get().getPort() == 0) {
            return; // off, or any free port
        }
        java.net.InetSocketAddress a = bind.get();
        ServerSocket s = null;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true); // as Jetty does, so that it can bind the port right after we let go
            s.bind(a);
            adminPort = s;
        } catch (java.io.IOException e) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (java.io.IOException ignored) {
                // nothing was bound
            }
            throw new ConfigException("ADMIN_API_BIND: cannot listen on "
                    + a.getAddress().getHostAddress() + ":"
                    + a.getPort() + " (" + e.getMessage() + "); another process may use the port. Choose another"
                    + " ADMIN_API_BIND, or off");
        }
    }

    /**
     * SQLite: one bot per database file. Before Discord and storage, so that a second bot is refused
     * (exit 1, naming the file and, on Linux, the process) having written nothing.
     */
    private void claimDatabase() {
        if (config.storageKind() == BotConfig.StorageKind.SQLITE) {
            ownerClaim = JdbcStorage.claimSqliteOwner(Path.of(config.get("SQLITE_DB_PATH")));
        }
    }

    private void releaseAdminPort() {
        ServerSocket s = adminPort;
        adminPort = null;
        if (s != null) {
            try {
                s.close();
            } catch (java.io.IOException e) {
                LOG.debug("Closing the held admin port failed", e);
            }
        }
    }

    private String describeStorage() {
        return switch (config.storageKind()) {
            case SQLITE -> config.get("SQLITE_DB_PATH");
            case POSTGRES -> config.masked("VOICETRACK_JDBC_URL");
            case JSON -> config.get("JSON_DATA_DIR");
            case MONGO -> config.masked("MONGODB_URI");
            case MEMORY -> "in memory: nothing is kept after the bot stops";
        };
    }

    /**
     * The cache: in-process, or with {@code REDIS_URL} the two-tier cache (in-process in front of Redis,
     * invalidations shared over pub/sub; while Redis is down it serves from the in-process tier).
     */
    private Cache<Object> createCache() {
        CacheConfig cc = CacheConfig.builder()
                .name("voicetrack")
                .maximumEntries(config.cacheMaxEntries())
                .defaultTtl(config.cacheTtl())
                .build();
        String url = config.get("REDIS_URL");
        if (url.isEmpty()) {
            return InProcessCache.create(cc);
        }
        RedisCacheConfig redis;
        try {
            redis = RedisCacheConfig.builder()
                    .url(url)
                    .keyPrefix(config.get("REDIS_KEY_PREFIX"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("REDIS_URL is not usable (" + config.masked("REDIS_URL") + "): "
                    + e.getMessage().replace(url, config.masked("REDIS_URL")));
        }
        RedisCache<Object> two = TwoTierCache.create(redis, cc, new TrackerValueCodec());
        var health = two.health();
        if (!health.connected()) {
            LOG.warn(
                    "Redis at {} is not reachable ({}); the bot continues on the in-process cache tier and"
                            + " reconnects by itself",
                    config.masked("REDIS_URL"),
                    health.lastError().orElse("no answer").replace(url, config.masked("REDIS_URL")));
        } else {
            LOG.info("Cache: two-tier (in-process + Redis at {})", config.masked("REDIS_URL"));
        }
        return two;
    }

    private void bindCacheMetrics(Cache<Object> c) {
        String name = c.name();
        FunctionCounter.builder("voicetrack.cache.hits", c, x -> x.stats().hits())
                .tag("cache", name)
                .register(registry);
        FunctionCounter.builder("voicetrack.cache.misses", c, x -> x.stats().misses())
                .tag("cache", name)
                .register(registry);
        FunctionCounter.builder("voicetrack.cache.evictions", c, x -> x.stats().sizeEvictions())
                .tag("cache", name)
                .register(registry);
        Gauge.builder("voicetrack.cache.size", c, x -> x.stats().size())
                .tag("cache", name)
                .register(registry);
        Gauge.builder("voicetrack.cache.hit.ratio", c, x -> x.stats().hitRate())
                .tag("cache", name)
                .register(registry);
    }

    private void bindTrackerMetrics() {
        Gauge.builder("voicetrack.members.tracked", trackedMembers, AtomicLong::get)
                .description("Members that accrued in the last tick")
                .register(registry);
        Gauge.builder("voicetrack.members.in.voice", membersInVoice, AtomicLong::get)
                .register(registry);
        Gauge.builder("voicetrack.storage.size.bytes", dbSize, AtomicLong::get)
                .description("Size of the stored data (database file or JSON files); -1 where unknown")
                .register(registry);
        measureStorageSize(); // now, not only at the first monitor run
    }

    /**
     * Measures the stored data into {@code voicetrack_storage_size_bytes}: the database (SQLite,
     * PostgreSQL) or the JSON directory's files; -1 where it cannot be measured (MongoDB, memory).
     */
    private long measureStorageSize() {
        long size = -1;
        if (rawStorage instanceof JdbcStorage jdbc) {
            size = jdbc.stats().databaseSizeBytes();
        } else if (rawStorage instanceof JsonStorage json) {
            try (var files = Files.list(json.directory())) {
                size = files.filter(Files::isRegularFile)
                        .mapToLong(f -> f.toFile().length())
                        .sum();
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("cannot measure {}: {}", json.directory(), e.toString());
            }
        }
        dbSize.set(size);
        return size;
    }

    /** Tick durations, with histogram buckets (100 µs to 60 s) so that Prometheus can compute p95/p99. */
    private final Timer.Builder tickTimer = Timer.builder("voicetrack.tick")
            .description("Tick duration")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(60));

    private void tick() {
        VoiceTracker t = tracker;
        if (t == null || stopping.get()) {
            return;
        }
        try {
            TimedStorage timed = timedStorage;
            TickReport r = timed == null ? t.tickNow() : timed.onTickPath(t::tickNow);
            lastTick.set(r);
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
                LOG.warn(
                        "Tick could not write to storage; {} increments buffered for the next tick",
                        r.bufferedDeltas());
            }
        } catch (RuntimeException e) {
            LOG.error("Tick failed", e);
        }
    }

    /** On the health thread: probes the storage (bounded) and takes the cache figures. */
    private void checkHealth() {
        try {
            TimedStorage timed = timedStorage;
            if (timed != null) {
                timed.probe();
            }
            Cache<Object> c = cache;
            if (c != null) {
                cacheStats.set(c.stats());
            }
        } catch (RuntimeException e) {
            LOG.warn("Health check failed: {}", e.toString());
        }
    }

    private java.util.Collection<dev.voicetrack.cache.CacheEntry<Object>> warmLeaderboards() {
        VoiceTracker t = tracker;
        Storage s = rawStorage;
        if (t == null || s == null) {
            return List.of();
        }
        // The tracker's queries fill the cache with its own keys and tags; nothing to return here.
        for (long guild : s.guildIds()) {
            for (Metric m : List.of(Metric.XP, Metric.VOICE_TIME)) {
                t.getLeaderboard(guild, m, Window.allTime(), 10, 0);
            }
        }
        return List.of();
    }

    private void scheduleMaintenance(ScheduledExecutorService maint) {
        CacheWarmer<Object> w = warmer;
        maint.execute(() -> safely("cache warming", () -> w.warmNow()));
        Duration warmEvery = config.schedule("CACHE_WARM_INTERVAL");
        if (!warmEvery.isZero()) {
            every(maint, warmEvery, "cache warming", () -> w.warmNow());
        }
        Duration backupEvery = config.schedule("BACKUP_INTERVAL");
        Backups b = backups;
        if (b != null && !backupEvery.isZero()) {
            every(maint, backupEvery, "backup", () -> b.backup("voice-tracker-"));
            LOG.info(
                    "Automatic backups every {} into {}, kept {}",
                    config.get("BACKUP_INTERVAL"),
                    b.dir(),
                    config.get("BACKUP_RETENTION"));
        }
        Duration optimizeEvery = config.schedule("OPTIMIZE_INTERVAL");
        if (rawStorage instanceof StorageMaintenance m && m.supportsOptimize() && !optimizeEvery.isZero()) {
            every(maint, optimizeEvery, "optimize", () -> {
                var r = m.optimizeStorage();
                LOG.info(
                        "Database optimized in {} ms: {} -> {} bytes",
                        r.took().toMillis(),
                        r.sizeBytesBefore(),
                        r.sizeBytesAfter());
            });
        }
        every(maint, config.schedule("MONITOR_INTERVAL"), "monitor", this::monitor);
    }

    private void every(ScheduledExecutorService ex, Duration period, String what, Runnable task) {
        ex.scheduleAtFixedRate(() -> safely(what, task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void safely(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", what, e.toString());
        }
    }

    /** The original's low hit-rate alert and database size alert. */
    void monitor() {
        Cache<Object> c = cache;
        if (c != null) {
            CacheStats s = c.stats();
            if (s.requests() > 100 && s.hitRate() < config.lowHitRate()) {
                LOG.warn(
                        "Low cache hit rate: {}% over {} reads (threshold {}%). Consider a longer CACHE_TTL or a"
                                + " larger CACHE_MAX_ENTRIES.",
                        String.format(java.util.Locale.ROOT, "%.1f", s.hitRatePercent()),
                        s.requests(),
                        Math.round(config.lowHitRate() * 100));
            }
        }
        if (rawStorage instanceof JdbcStorage || rawStorage instanceof JsonStorage) {
            long size = measureStorageSize();
            long limit = config.positiveInt("DB_SIZE_WARN_MB") * 1024L * 1024L;
            if (size > limit) {
                LOG.warn(
                        "Stored data is {} MB, above DB_SIZE_WARN_MB={}",
                        size / 1024 / 1024,
                        config.get("DB_SIZE_WARN_MB"));
            }
        }
    }

    private void startApi() {
        var bind = config.adminBind();
        if (bind.isEmpty()) {
            LOG.info("Admin API is off (ADMIN_API_BIND=off)");
            return;
        }
        releaseAdminPort();
        if (config.adminToken().isEmpty()) {
            LOG.warn("ADMIN_API_TOKEN is not set: the /api/admin routes refuse every request");
        }
        api = AdminApi.start(bind.get(), config.adminToken().orElse(null), this);
        // A machine-readable line: tests and scripts read the port from it.
        System.out.println("admin-api: http://" + api.host() + ":" + api.port());
        System.out.flush();
    }

    // ---- accessors for the API and the demo ----

    public VoiceTracker tracker() {
        return java.util.Objects.requireNonNull(tracker, "not started");
    }

    public Cache<Object> cache() {
        return java.util.Objects.requireNonNull(cache, "not started");
    }

    public CacheWarmer<Object> warmer() {
        return java.util.Objects.requireNonNull(warmer, "not started");
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public @Nullable TickReport lastTick() {
        return lastTick.get();
    }

    public @Nullable JDA jda() {
        return jda;
    }

    public @Nullable Storage storage() {
        return rawStorage;
    }

    /** What is known of the storage's health, without a round trip. */
    StorageHealth.State storageHealth() {
        return storageHealth.state();
    }

    /** The cache figures as of the last health check (at most {@link #HEALTH_PROBE_INTERVAL} old). */
    @Nullable
    CacheStats cacheStatsSnapshot() {
        return cacheStats.get();
    }

    public @Nullable AdminApi api() {
        return api;
    }

    /**
     * Whether the shutdown's backup, when one was due, was written and verified. {@code run} and {@code
     * demo} exit 1 when it was not, so a script never mistakes a lost backup for a clean stop.
     */
    public boolean shutdownBackupSucceeded() {
        return !shutdownBackupFailed;
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
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.await(
                        config.duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(1))
                                        .toMillis()
                                + 2000,
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        Duration bound = config.duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(1));
        Thread worker = new Thread(() -> doShutdown(reason), "voicetrack-shutdown");
        worker.start();
        try {
            worker.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.error(
                    "Shutdown did not finish within SHUTDOWN_TIMEOUT={}; exiting anyway",
                    config.get("SHUTDOWN_TIMEOUT"));
        }
        stopped.countDown();
    }

    private void doShutdown(String reason) {
        LOG.info("Stopping VoiceTrack ({})", reason);
        stop("maintenance", () -> stopExecutor(maintenance, Duration.ofSeconds(5)));
        stop("ticks", () -> stopExecutor(ticks, Duration.ofSeconds(5)));
        stop("health checks", () -> stopExecutor(healthThread, Duration.ofSeconds(2)));
        stop("adapter", () -> {
            if (installation != null) {
                installation.close();
            }
        });
        stop("tracker (last tick)", () -> {
            VoiceTracker t = tracker;
            TimedStorage timed = timedStorage;
            if (t != null && timed != null) {
                timed.onTickPath(() -> {
                    t.close();
                    return null;
                });
            } else if (t != null) {
                t.close();
            }
        });
        stop("final backup", () -> {
            if (backups != null && config.bool("SHUTDOWN_BACKUP") && tracker != null) {
                var r = backups.backup("shutdown-backup-");
                if (r.success()) {
                    System.out.println("shutdown-backup: " + r.location());
                    System.out.flush();
                } else {
                    shutdownBackupFailed = true;
                    System.err.println("voicetrack: the shutdown backup FAILED: " + r.message());
                    System.err.flush();
                }
            }
        });
        stop("warmer", () -> {
            if (warmer != null) {
                warmer.close();
            }
        });
        stop("discord", () -> {
            if (jda != null) {
                jda.shutdown();
                try {
                    if (!jda.awaitShutdown(Duration.ofSeconds(5))) {
                        jda.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        stop("admin api", () -> {
            if (api != null) {
                api.stop();
            }
        });
        stop("admin work", () -> stopExecutor(adminWork, Duration.ofSeconds(2)));
        stop("held admin port", this::releaseAdminPort);
        stop("cache", () -> {
            if (cache != null) {
                CacheStats s = cache.stats();
                LOG.info(
                        "Final cache stats: hit rate {}%, {} hits, {} misses, {} entries",
                        String.format(java.util.Locale.ROOT, "%.1f", s.hitRatePercent()),
                        s.hits(),
                        s.misses(),
                        s.size());
                cache.close();
            }
        });
        stop("storage", () -> {
            if (timedStorage != null) {
                timedStorage.close(); // its threads, then the storage
            } else if (rawStorage != null) {
                rawStorage.close();
            }
        });
        stop("database claim", () -> {
            if (ownerClaim != null) {
                ownerClaim.close(); // after the storage: its final writes are done
            }
        });
        LOG.info("VoiceTrack stopped");
        System.out.println("voicetrack: stopped");
        System.out.flush();
    }

    private static void stop(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("Stopping {} failed: {}", what, e.toString());
        }
    }

    private static void stopExecutor(@Nullable ExecutorService ex, Duration wait) {
        if (ex == null) {
            return;
        }
        ex.shutdown();
        try {
            if (!ex.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                ex.shutdownNow();
            }
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

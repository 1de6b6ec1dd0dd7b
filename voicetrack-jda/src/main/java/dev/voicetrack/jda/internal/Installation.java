package dev.voicetrack.jda.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.CommandRateLimiter;
import dev.voicetrack.jda.DashboardLinks;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.RewardAdmin;
import dev.voicetrack.jda.VoiceTrackJda;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.jspecify.annotations.Nullable;

/**
 * The wiring of one tracker to JDA.
 *
 * <p>Threads it owns: one reconciliation thread (reconcile reads storage), one rewards thread (level role
 * rewards, see {@link RoleRewards}), one timer (deferrals of slow
 * commands), unless the builder was given a maintenance executor one maintenance thread (statistics, backups and
 * optimisations run one at a time), and, unless the builder was given a command executor, two command workers
 * with a bounded queue (a full queue answers "busy", it never blocks JDA). All are daemon threads, stopped by {@link #close()}.
 */
public final class Installation implements JdaInstallation {

    /** What the builder collected. */
    public record Settings(
            VoiceTracker tracker,
            @Nullable Cache<?> cache,
            @Nullable CacheWarmer<?> warmer,
            @Nullable StorageMaintenance maintenance,
            @Nullable Supplier<BackupResult> backup,
            @Nullable Executor maintenanceExecutor,
            Path backupDirectory,
            Clock clock,
            CommandRateLimiter rateLimiter,
            @Nullable Executor commandExecutor,
            Duration deferAfter,
            Duration commandTimeout,
            AnnouncementStore announcements,
            boolean trackMessages,
            boolean trackMemberUpdates,
            boolean registerCommands,
            @Nullable DashboardLinks dashboardLinks) {}

    private static final int COMMAND_THREADS = 2;
    private static final int COMMAND_QUEUE = 1024;

    private final Gateways gateways;
    private final Settings settings;
    private final Timings timings = new Timings();
    private final ExecutorService reconcileExecutor;
    private final ScheduledExecutorService timer;
    private final @Nullable ExecutorService ownCommandExecutor;
    private final @Nullable ExecutorService ownMaintenanceExecutor;
    private final Reconciler reconciler;
    private final GatewayListener gatewayListener;
    private final CommandListener commandListener;
    private final LevelUpAnnouncer announcer;
    private final ExecutorService rewardsExecutor;
    private final RoleRewards rewards;
    private final EventListener registrationListener;
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private final AtomicBoolean registering = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Installation(Gateways gateways, Settings settings) {
        this.gateways = gateways;
        this.settings = settings;
        this.reconcileExecutor = Executors.newSingleThreadExecutor(daemon("voicetrack-reconcile"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("voicetrack-command-timer"));
        Executor commands = settings.commandExecutor();
        if (commands == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    COMMAND_THREADS,
                    COMMAND_THREADS,
                    0,
                    TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(COMMAND_QUEUE),
                    daemon("voicetrack-command"));
            ownCommandExecutor = pool;
            commands = pool;
        } else {
            ownCommandExecutor = null;
        }
        this.reconciler = new Reconciler(settings.tracker(), gateways, reconcileExecutor);
        this.gatewayListener = new GatewayListener(
                settings.tracker(), reconciler, settings.trackMessages(), settings.trackMemberUpdates(), timings);
        Executor maintenance = settings.maintenanceExecutor();
        if (maintenance == null) {
            ExecutorService own = Executors.newSingleThreadExecutor(daemon("voicetrack-maintenance"));
            ownMaintenanceExecutor = own;
            maintenance = own;
        } else {
            ownMaintenanceExecutor = null;
        }
        this.rewardsExecutor = Executors.newSingleThreadExecutor(daemon("voicetrack-rewards"));
        this.rewards = new RoleRewards(
                settings.tracker(), gateways, rewardsExecutor, new RewardProblems(settings.announcements()));
        StatsCommands stats = new StatsCommands(settings.tracker(), RankCards.overHttp(), settings.dashboardLinks());
        CommandRegistry registry = new CommandRegistry(commandGroups(stats, settings, maintenance, rewards));
        this.commandListener = new CommandListener(
                registry,
                settings.rateLimiter(),
                commands,
                timer,
                settings.deferAfter(),
                settings.commandTimeout(),
                timings);
        RewardProblems problems = rewards.problems();
        this.announcer = new LevelUpAnnouncer(
                gateways,
                settings.announcements(),
                g -> settings.tracker().config(g).levelRewards(),
                (guildId, roleId) -> problems.get(guildId, roleId) != null);
        this.registrationListener = this::onSessionEvent;
    }

    /**
     * Every command group the installation answers, {@code stats} first: the tracker's cache unless another was
     * given, the given storage maintenance or else the tracker's storage's own, and {@code /backup} writing
     * through the given backup or else into the backup directory when the storage can back up.
     */
    static List<CommandGroup> commandGroups(
            StatsCommands stats, Settings settings, Executor maintenanceExecutor, RoleRewards rewards) {
        VoiceTracker tracker = settings.tracker();
        Cache<?> cache =
                settings.cache() != null ? settings.cache() : tracker.cache().orElse(null);
        StorageMaintenance maintenance = settings.maintenance();
        if (maintenance == null && tracker.storage() instanceof StorageMaintenance own) {
            maintenance = own;
        }
        Supplier<BackupResult> backup = settings.backup();
        if (backup == null && maintenance instanceof StorageBackup backups) {
            backup = new DirectoryBackup(backups, settings.backupDirectory(), settings.clock());
        }
        return List.of(
                stats,
                new CacheCommands(cache, settings.warmer()),
                new MaintenanceCommands(maintenance, backup, maintenanceExecutor),
                new ConfigCommands(tracker, settings.announcements()),
                new RewardCommands(tracker, rewards, new RewardEdits(tracker, rewards)),
                new XpCommands(tracker, rewards));
    }

    /**
     * Checks JDA's intents and cache flags, adds the listeners, reconciles once if JDA is already connected, and
     * registers the commands (now if connected, else at READY).
     *
     * @throws IllegalStateException naming each missing intent or cache flag
     */
    public static Installation install(Gateways gateways, Settings settings) {
        checkRequirements(gateways, settings);
        Installation installation = new Installation(gateways, settings);
        gateways.addListener(installation.gatewayListener);
        gateways.addListener(installation.commandListener);
        gateways.addListener(installation.registrationListener);
        gateways.addListener(installation.rewards);
        settings.tracker().addListener(installation.announcer);
        settings.tracker().addListener(installation.rewards);
        if (gateways.connectedExcept(null)) {
            installation.reconciler.request(null);
            installation.rewards.requestAll();
        }
        if (!settings.registerCommands()) {
            installation.registered.complete(null);
        } else {
            installation.registerIfReady();
        }
        return installation;
    }

    static void checkRequirements(Gateways gateways, Settings settings) {
        Set<GatewayIntent> needed = EnumSet.of(GatewayIntent.GUILD_VOICE_STATES);
        if (settings.trackMemberUpdates()) {
            needed.add(GatewayIntent.GUILD_MEMBERS);
        }
        if (settings.trackMessages()) {
            needed.add(GatewayIntent.GUILD_MESSAGES);
        }
        List<String> missing = new ArrayList<>();
        Set<GatewayIntent> have = gateways.intents();
        for (GatewayIntent intent : needed) {
            if (!have.contains(intent)) {
                missing.add("intent " + intent.name());
            }
        }
        Set<CacheFlag> flags = gateways.cacheFlags();
        for (CacheFlag flag : VoiceTrackJda.REQUIRED_CACHE_FLAGS) {
            if (!flags.contains(flag)) {
                missing.add("cache flag " + flag.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("VoiceTrack needs JDA built with " + String.join(", ", missing)
                    + " (missing); see VoiceTrackJda.REQUIRED_INTENTS and REQUIRED_CACHE_FLAGS,"
                    + " or turn trackMessages/trackMemberUpdates off");
        }
    }

    private void onSessionEvent(GenericEvent event) {
        if (event instanceof ReadyEvent && settings.registerCommands()) {
            registerIfReady();
        }
    }

    private void registerIfReady() {
        JDA shard = gateways.commandShard();
        if (shard == null || shard.getStatus() != JDA.Status.CONNECTED) {
            return;
        }
        if (!registering.compareAndSet(false, true)) {
            return;
        }
        shard.updateCommands()
                .addCommands(CommandDefinitions.all())
                .queue(ok -> registered.complete(null), registered::completeExceptionally);
    }

    @Override
    public long eventsEnqueued() {
        return gatewayListener.enqueued();
    }

    @Override
    public long reconciliations() {
        return reconciler.completed();
    }

    @Override
    public GatewayTimings gatewayTimings() {
        return timings.snapshot();
    }

    @Override
    public CompletableFuture<Void> commandsRegistered() {
        return registered;
    }

    @Override
    public long rewardSyncs() {
        return rewards.guildSyncs();
    }

    @Override
    public AnnouncementStore announcements() {
        return settings.announcements();
    }

    @Override
    public RewardAdmin rewardAdmin() {
        return new RewardEdits(settings.tracker(), rewards);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        gateways.removeListener(gatewayListener);
        gateways.removeListener(commandListener);
        gateways.removeListener(registrationListener);
        gateways.removeListener(rewards);
        settings.tracker().removeListener(announcer);
        settings.tracker().removeListener(rewards);
        reconcileExecutor.shutdown();
        rewardsExecutor.shutdownNow(); // a guild sync in progress stops at its next role change
        timer.shutdown();
        if (ownCommandExecutor != null) {
            ownCommandExecutor.shutdown();
        }
        if (ownMaintenanceExecutor != null) {
            ownMaintenanceExecutor.shutdown(); // a backup or optimisation already running finishes
        }
        try {
            reconcileExecutor.awaitTermination(5, TimeUnit.SECONDS);
            if (ownCommandExecutor != null) {
                ownCommandExecutor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

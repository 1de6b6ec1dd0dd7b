package dev.voicetrack.jda;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.jda.internal.Gateways;
import dev.voicetrack.jda.internal.Installation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.sharding.ShardManager;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link JdaInstallation}. Every setter validates at once. Not thread safe.
 *
 * <p>Defaults: the tracker's cache ({@link VoiceTracker#cache()}; without one the cache commands answer "cache
 * is not enabled"); no warmer; the tracker's storage's own {@link StorageMaintenance} ({@link
 * VoiceTracker#storage()} when it implements it), run on one thread the installation owns, backups written by the
 * storage into {@value #DEFAULT_BACKUP_DIRECTORY}; a command the storage does not support answers naming the
 * command and the backend, as in "/backup is not supported by PostgreSQL storage."; rate limit {@value
 * #DEFAULT_RATE_LIMIT_PERMITS} runs of each command per user per {@link #DEFAULT_RATE_LIMIT_WINDOW 10 s}; the system
 * UTC clock (for rate limits and backup names); commands run on two threads owned by the installation; a command not
 * answered within {@link #DEFAULT_DEFER_AFTER 1.5 s} is deferred (Discord's limit is 3 s); a command not
 * answered within {@link #DEFAULT_COMMAND_TIMEOUT 2 minutes} is answered with an error; announcement settings
 * in memory; messages and member updates tracked; commands registered globally at install (or at READY).
 */
public final class VoiceTrackJdaBuilder {

    public static final int DEFAULT_RATE_LIMIT_PERMITS = 5;
    public static final Duration DEFAULT_RATE_LIMIT_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEFER_AFTER = Duration.ofMillis(1500);
    public static final Duration MAX_DEFER_AFTER = Duration.ofMillis(2500);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(2);
    /** Where {@code /backup} writes when it is the storage's own backup, relative to the working directory. */
    public static final String DEFAULT_BACKUP_DIRECTORY = "backups";

    private final VoiceTracker tracker;
    private @Nullable Cache<?> cache;
    private @Nullable CacheWarmer<?> warmer;
    private @Nullable StorageMaintenance maintenance;
    private @Nullable Supplier<BackupResult> backup;
    private @Nullable Executor maintenanceExecutor;
    private Path backupDirectory = Path.of(DEFAULT_BACKUP_DIRECTORY);
    private @Nullable CommandRateLimiter rateLimiter;
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor commandExecutor;
    private Duration deferAfter = DEFAULT_DEFER_AFTER;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private AnnouncementStore announcements = AnnouncementStore.inMemory();
    private boolean trackMessages = true;
    private boolean trackMemberUpdates = true;
    private boolean registerCommands = true;
    private @Nullable String dashboardUrl;

    VoiceTrackJdaBuilder(VoiceTracker tracker) {
        this.tracker = tracker;
    }

    /**
     * The cache shown and managed by {@code /cachestats}, {@code /cache-clear} and {@code /cache-info}, when it is
     * not the tracker's own (which is used by default).
     */
    public VoiceTrackJdaBuilder cache(Cache<?> cache) {
        this.cache = Objects.requireNonNull(cache, "cache must not be null");
        return this;
    }

    /** The warmer {@code /cache-warm [scope]} runs. */
    public VoiceTrackJdaBuilder warmer(CacheWarmer<?> warmer) {
        this.warmer = Objects.requireNonNull(warmer, "warmer must not be null");
        return this;
    }

    /**
     * The maintenance {@code /dbstats}, {@code /optimize} and (unless {@link #backup} replaces it) {@code /backup}
     * run, when it is not the tracker's storage's own: for example the storage under a wrapper the tracker is
     * given.
     */
    public VoiceTrackJdaBuilder storageMaintenance(StorageMaintenance maintenance) {
        this.maintenance = Objects.requireNonNull(maintenance, "storageMaintenance must not be null");
        return this;
    }

    /**
     * How {@code /backup} writes a backup, instead of the storage's own {@link dev.voicetrack.core.storage.StorageBackup#backup} into the
     * {@link #backupDirectory}: for backups with a rotation or a destination of your own. It runs on the
     * maintenance executor, may block, and reports failures as a {@link BackupResult} that is not a success.
     */
    public VoiceTrackJdaBuilder backup(Supplier<BackupResult> backup) {
        this.backup = Objects.requireNonNull(backup, "backup must not be null");
        return this;
    }

    /**
     * Runs the storage maintenance of {@code /dbstats}, {@code /backup} and {@code /optimize}, which blocks for
     * I/O (default: one thread the installation owns, so they run one at a time). The installation does not shut
     * it down.
     */
    public VoiceTrackJdaBuilder maintenanceExecutor(Executor executor) {
        this.maintenanceExecutor = Objects.requireNonNull(executor, "maintenanceExecutor must not be null");
        return this;
    }

    /** Where {@code /backup} writes when it is the storage's own (default {@value #DEFAULT_BACKUP_DIRECTORY}). */
    public VoiceTrackJdaBuilder backupDirectory(Path directory) {
        this.backupDirectory = Objects.requireNonNull(directory, "backupDirectory must not be null");
        return this;
    }

    /** Replaces the default per-user rate limit. */
    public VoiceTrackJdaBuilder rateLimiter(CommandRateLimiter rateLimiter) {
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter must not be null");
        return this;
    }

    /** The clock of the default rate limiter and of the default backups' file names. */
    public VoiceTrackJdaBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return this;
    }

    /**
     * Runs the commands' storage work; must not run tasks on the calling thread. The installation does not shut
     * it down.
     */
    public VoiceTrackJdaBuilder commandExecutor(Executor executor) {
        this.commandExecutor = Objects.requireNonNull(executor, "commandExecutor must not be null");
        return this;
    }

    /** @throws IllegalArgumentException if negative or above 2.5 s (Discord drops answers after 3 s) */
    public VoiceTrackJdaBuilder deferAfter(Duration deferAfter) {
        Objects.requireNonNull(deferAfter, "deferAfter must not be null");
        if (deferAfter.isNegative() || deferAfter.compareTo(MAX_DEFER_AFTER) > 0) {
            throw new IllegalArgumentException(
                    "deferAfter must be in 0..2500 ms, was " + deferAfter.toMillis() + " ms");
        }
        this.deferAfter = deferAfter;
        return this;
    }

    /** @throws IllegalArgumentException if not positive */
    public VoiceTrackJdaBuilder commandTimeout(Duration commandTimeout) {
        Objects.requireNonNull(commandTimeout, "commandTimeout must not be null");
        if (commandTimeout.isZero() || commandTimeout.isNegative()) {
            throw new IllegalArgumentException("commandTimeout must be > 0, was " + commandTimeout);
        }
        this.commandTimeout = commandTimeout;
        return this;
    }

    /** Where the level-up announcement settings are kept (default: in memory). */
    public VoiceTrackJdaBuilder announcements(AnnouncementStore store) {
        this.announcements = Objects.requireNonNull(store, "announcements must not be null");
        return this;
    }

    /** Whether messages are counted (needs {@code GUILD_MESSAGES}); default true. */
    public VoiceTrackJdaBuilder trackMessages(boolean trackMessages) {
        this.trackMessages = trackMessages;
        return this;
    }

    /** Whether role and boost changes are followed (needs {@code GUILD_MEMBERS}); default true. */
    public VoiceTrackJdaBuilder trackMemberUpdates(boolean trackMemberUpdates) {
        this.trackMemberUpdates = trackMemberUpdates;
        return this;
    }

    /**
     * Whether to register the slash commands globally (replacing the application's global commands); default
     * true. Turn it off to register {@link VoiceTrackJda#commandData()} together with your own commands.
     */
    public VoiceTrackJdaBuilder registerCommands(boolean registerCommands) {
        this.registerCommands = registerCommands;
        return this;
    }

    /**
     * Where the bot's web dashboard is reachable by members (for example {@code https://stats.example.org}); when
     * set, {@code /leaderboard} replies with a link to the guild's leaderboard page (the invoker's row highlighted,
     * same metric and window) and {@code /rank} with a link to the member's profile page. Default: no links.
     *
     * @throws IllegalArgumentException naming the value if it is not an absolute http(s) URL without query or
     *     fragment
     */
    public VoiceTrackJdaBuilder dashboardUrl(String baseUrl) {
        this.dashboardUrl = DashboardLinks.checkBase(baseUrl);
        return this;
    }

    /**
     * Installs on one JDA instance.
     *
     * @throws IllegalStateException naming each missing intent or cache flag
     */
    public JdaInstallation install(JDA jda) {
        return Installation.install(Gateways.of(Objects.requireNonNull(jda, "jda must not be null")), settings());
    }

    /**
     * Installs on every shard of a shard manager.
     *
     * @throws IllegalStateException naming each missing intent or cache flag
     */
    public JdaInstallation install(ShardManager shardManager) {
        return Installation.install(
                Gateways.of(Objects.requireNonNull(shardManager, "shardManager must not be null")), settings());
    }

    private Installation.Settings settings() {
        CommandRateLimiter limiter = rateLimiter != null
                ? rateLimiter
                : CommandRateLimiter.perUser(DEFAULT_RATE_LIMIT_PERMITS, DEFAULT_RATE_LIMIT_WINDOW, clock);
        return new Installation.Settings(
                tracker,
                cache,
                warmer,
                maintenance,
                backup,
                maintenanceExecutor,
                backupDirectory,
                clock,
                limiter,
                commandExecutor,
                deferAfter,
                commandTimeout,
                announcements,
                trackMessages,
                trackMemberUpdates,
                registerCommands,
                dashboardUrl == null ? null : new DashboardLinks(dashboardUrl));
    }
}

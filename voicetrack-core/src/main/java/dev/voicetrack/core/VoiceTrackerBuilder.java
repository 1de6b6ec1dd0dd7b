package dev.voicetrack.core;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.core.internal.StrategyRegistry;
import dev.voicetrack.core.internal.TrackerEngine;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link VoiceTracker}. Every setter validates at once. Not thread safe.
 *
 * <p>Defaults: {@code checkInterval} 5 s (the original's 5000 ms); no cache; the system UTC clock;
 * ticks every {@code checkInterval} on a daemon thread ({@code voicetrack-ticks}) the tracker starts in
 * {@link VoiceTracker#start()} and stops in {@link VoiceTracker#close()} (give a {@link #scheduler} to
 * run them elsewhere, or {@link #manualTicks()} to tick only through {@link VoiceTracker#tickNow()});
 * listeners on a daemon thread owned by the tracker; {@code defaultConfig} {@link
 * GuildConfig#defaults()}; an empty {@link VoiceView}; {@code cacheTtl} 5 minutes; {@code
 * strategyTimeout} 5 s; {@code maxBufferedIncrements} 1,000,000; {@code openSessionWriteInterval} 1
 * minute; {@code refreshAhead} 1 minute; {@code guildSnapshotMaxMembers} 10,000.
 *
 * <h2>Who closes what</h2>
 *
 * The tracker owns what it is handed unless told otherwise: {@link VoiceTracker#close()} runs the last
 * tick, then closes the cache ({@link #ownsCache}, default true) and then the storage ({@link
 * #ownsStorage}, default true). Turn ownership off for a storage or cache that outlives the tracker
 * (shared by two trackers, or used after the tracker is closed); you then close it yourself, after the
 * tracker. Executors given to the builder ({@link #scheduler}, {@link #listenerExecutor}) are never
 * shut down by the tracker; the threads it creates itself always are.
 */
public final class VoiceTrackerBuilder {

    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(5000);
    public static final Duration MIN_CHECK_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_STRATEGY_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_BUFFERED_INCREMENTS = 1_000_000;
    public static final Duration DEFAULT_OPEN_SESSION_WRITE_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(1);
    public static final int DEFAULT_GUILD_SNAPSHOT_MAX_MEMBERS = 10_000;

    private @Nullable Storage storage;
    private @Nullable Cache<Object> cache;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable Executor listenerExecutor;
    private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
    private GuildConfig defaultConfig = GuildConfig.defaults();
    private VoiceView view = VoiceView.EMPTY;
    private GuildOwnership ownership = GuildOwnership.ALL;
    private RandomGenerator random = new SplittableRandom();
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private int guildSnapshotMaxMembers = DEFAULT_GUILD_SNAPSHOT_MAX_MEMBERS;
    private Duration strategyTimeout = DEFAULT_STRATEGY_TIMEOUT;
    private int maxBufferedIncrements = DEFAULT_MAX_BUFFERED_INCREMENTS;
    private Duration openSessionWriteInterval = DEFAULT_OPEN_SESSION_WRITE_INTERVAL;
    private boolean manualTicks;
    private boolean ownsStorage = true;
    private boolean ownsCache = true;
    private final StrategyRegistry strategies = new StrategyRegistry();

    VoiceTrackerBuilder() {}

    /** Where data is kept (required). Closed by {@link VoiceTracker#close()} unless {@link #ownsStorage ownsStorage(false)}. */
    public VoiceTrackerBuilder storage(Storage storage) {
        this.storage = Checks.notNull(storage, "storage");
        return this;
    }

    /**
     * The cache for queries; values stored are deeply immutable records. Closed by {@link VoiceTracker#close()}
     * unless {@link #ownsCache ownsCache(false)}.
     */
    public VoiceTrackerBuilder cache(Cache<Object> cache) {
        this.cache = Checks.notNull(cache, "cache");
        return this;
    }

    /** The clock all measured time comes from. */
    public VoiceTrackerBuilder clock(Clock clock) {
        this.clock = Checks.notNull(clock, "clock");
        return this;
    }

    /** The source of tick durations in {@link TickReport} (default {@code System::nanoTime}). */
    public VoiceTrackerBuilder nanoTime(LongSupplier nanoTime) {
        this.nanoTime = Checks.notNull(nanoTime, "nanoTime");
        return this;
    }

    /**
     * Runs the ticks every {@code checkInterval} instead of the tracker's own tick thread; the tracker does not
     * shut it down.
     */
    public VoiceTrackerBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = Checks.notNull(scheduler, "scheduler");
        this.manualTicks = false;
        return this;
    }

    /**
     * No automatic ticks: time is accrued only when {@link VoiceTracker#tickNow()} is called (by tests with a
     * manual clock, or by an application that drives ticks itself). Replaces a {@link #scheduler} given before.
     */
    public VoiceTrackerBuilder manualTicks() {
        this.manualTicks = true;
        this.scheduler = null;
        return this;
    }

    /**
     * Whether {@link VoiceTracker#close()} closes the storage after its last tick (default true). Pass false for
     * a storage that outlives the tracker; close it yourself after the tracker.
     */
    public VoiceTrackerBuilder ownsStorage(boolean owns) {
        this.ownsStorage = owns;
        return this;
    }

    /**
     * Whether {@link VoiceTracker#close()} closes the cache (default true). Pass false for a cache that outlives
     * the tracker or is shared with other code; close it yourself after the tracker.
     */
    public VoiceTrackerBuilder ownsCache(boolean owns) {
        this.ownsCache = owns;
        return this;
    }

    /** Delivers events to listeners; must not run tasks on the calling thread. Not shut down by the tracker. */
    public VoiceTrackerBuilder listenerExecutor(Executor executor) {
        this.listenerExecutor = Checks.notNull(executor, "listenerExecutor");
        return this;
    }

    /** @throws IllegalArgumentException if below 100 ms */
    public VoiceTrackerBuilder checkInterval(Duration interval) {
        Checks.notNull(interval, "checkInterval");
        if (interval.compareTo(MIN_CHECK_INTERVAL) < 0) {
            throw new IllegalArgumentException("checkInterval must be >= 100 ms, was " + interval.toMillis() + " ms");
        }
        this.checkInterval = interval;
        return this;
    }

    /** The configuration of guilds that have none stored; its runtime filters apply to every guild without its own. */
    public VoiceTrackerBuilder defaultConfig(GuildConfig config) {
        this.defaultConfig = Checks.notNull(config, "defaultConfig");
        return this;
    }

    public VoiceTrackerBuilder view(VoiceView view) {
        this.view = Checks.notNull(view, "view");
        return this;
    }

    /**
     * The guilds this tracker ticks (default {@link GuildOwnership#ALL}): for a bot whose guilds are
     * split between processes on one storage; see {@link GuildOwnership}.
     */
    public VoiceTrackerBuilder ownership(GuildOwnership ownership) {
        this.ownership = Checks.notNull(ownership, "ownership");
        return this;
    }

    /** The random generator of the {@code random} XP strategy. */
    public VoiceTrackerBuilder random(RandomGenerator random) {
        this.random = Checks.notNull(random, "random");
        return this;
    }

    /** @throws IllegalArgumentException if not positive */
    public VoiceTrackerBuilder cacheTtl(Duration ttl) {
        Checks.notNull(ttl, "cacheTtl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must be > 0, was " + ttl);
        }
        this.cacheTtl = ttl;
        return this;
    }

    /**
     * Refresh-ahead of the cache: a tick drops the cached answers of the guilds it wrote to, then (after releasing
     * the tracker lock) loads again the leaderboard pages, ranks and activity that were read within {@code
     * readWithin}, at most 64 per guild, so that their next readers are served from the cache with the new totals.
     * Each such key costs one storage read per tick while it stays read; {@link Duration#ZERO} turns it off (every
     * read after a tick then loads from storage). No effect without a cache. Default 1 minute.
     *
     * @throws IllegalArgumentException if negative
     */
    public VoiceTrackerBuilder refreshAhead(Duration readWithin) {
        Checks.notNull(readWithin, "refreshAhead");
        if (readWithin.isNegative()) {
            throw new IllegalArgumentException("refreshAhead must be >= 0, was " + readWithin);
        }
        this.refreshAhead = readWithin;
        return this;
    }

    /**
     * Guild snapshots, part of refresh-ahead: a guild read at least 3 times within {@code refreshAhead} that has at
     * most {@code maxMembers} members is held in memory whole (every member's stats, the all-time totals ranked by
     * every metric, and the boards of the windows read lately), so that {@link VoiceTracker#getUser}, {@link
     * VoiceTracker#getRank} and {@link VoiceTracker#getLeaderboard} of any member or page are answered without a
     * storage round trip. Answers stay exactly as fresh as cached ones: a snapshot is valid only while a marker
     * entry carrying the guild's cache tags sits in the cache, so a tick, an admin write or another process's write
     * (over the two-tier cache's pub/sub) ends it; it is rebuilt from storage after the next tick (one read of the
     * guild's members and one per window read lately, per guild per tick). Reads served from a snapshot count as
     * cache hits. Memory: roughly the stats of each member (a few hundred bytes with a channel or two) plus 70 bytes
     * per member per board, for the guilds being read only. No effect without a cache or with a zero {@code
     * refreshAhead}; with a Redis-only cache every check of the marker is a round trip, so turn it off there. 0
     * turns it off. Default 10,000.
     *
     * @throws IllegalArgumentException if negative
     */
    public VoiceTrackerBuilder guildSnapshotMaxMembers(int maxMembers) {
        if (maxMembers < 0) {
            throw new IllegalArgumentException("guildSnapshotMaxMembers must be >= 0, was " + maxMembers);
        }
        this.guildSnapshotMaxMembers = maxMembers;
        return this;
    }

    /** @throws IllegalArgumentException if not positive */
    public VoiceTrackerBuilder strategyTimeout(Duration timeout) {
        Checks.notNull(timeout, "strategyTimeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("strategyTimeout must be > 0, was " + timeout);
        }
        this.strategyTimeout = timeout;
        return this;
    }

    /** @throws IllegalArgumentException if below 1 */
    public VoiceTrackerBuilder maxBufferedIncrements(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxBufferedIncrements must be >= 1, was " + max);
        }
        this.maxBufferedIncrements = max;
        return this;
    }

    /**
     * How often the stored row of a session still open is brought up to date. Member totals are written
     * by every tick whatever this is; a session's row is written when it opens, when it closes, at
     * {@link VoiceTracker#close()}, and in between once per this interval (the rows of a guild spread
     * over it, so no tick writes them all at once). After a crash, reconciliation closes a session
     * that was left open where its row was last written, so its row may miss up to this much of the
     * session's time and XP; the member's totals miss at most one tick. {@link Duration#ZERO} writes
     * every open row on every tick.
     *
     * @throws IllegalArgumentException if negative or longer than a day
     */
    public VoiceTrackerBuilder openSessionWriteInterval(Duration interval) {
        Checks.notNull(interval, "openSessionWriteInterval");
        if (interval.isNegative() || interval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("openSessionWriteInterval must be between 0 and 1 day, was " + interval);
        }
        this.openSessionWriteInterval = interval;
        return this;
    }

    /** @throws IllegalArgumentException if the name is blank or already registered (built-ins included) */
    public VoiceTrackerBuilder registerXpStrategy(String name, XpStrategy strategy) {
        strategies.registerXp(name, Checks.notNull(strategy, "strategy"));
        return this;
    }

    /** @throws IllegalArgumentException if the name is blank or already registered (built-ins included) */
    public VoiceTrackerBuilder registerAsyncXpStrategy(String name, AsyncXpStrategy strategy) {
        strategies.registerAsyncXp(name, Checks.notNull(strategy, "strategy"));
        return this;
    }

    /** @throws IllegalArgumentException if the name is blank or already registered (built-ins included) */
    public VoiceTrackerBuilder registerVoiceTimeStrategy(String name, VoiceTimeStrategy strategy) {
        strategies.registerVoiceTime(name, Checks.notNull(strategy, "strategy"));
        return this;
    }

    /** @throws IllegalArgumentException if the name is blank or already registered (built-ins included) */
    public VoiceTrackerBuilder registerLevelMultiplierStrategy(String name, LevelMultiplierStrategy strategy) {
        strategies.registerLevelMultiplier(name, Checks.notNull(strategy, "strategy"));
        return this;
    }

    /**
     * Builds the tracker (not started).
     *
     * @throws IllegalStateException if no storage was given
     * @throws IllegalArgumentException if {@code defaultConfig} names an unknown strategy
     */
    public VoiceTracker build() {
        if (storage == null) {
            throw new IllegalStateException("storage is required, was not set");
        }
        strategies.validate(defaultConfig);
        return new TrackerEngine(new TrackerEngine.Settings(
                Objects.requireNonNull(storage),
                cache,
                clock,
                nanoTime,
                scheduler,
                listenerExecutor,
                checkInterval,
                defaultConfig,
                view,
                ownership,
                random,
                cacheTtl,
                refreshAhead,
                guildSnapshotMaxMembers,
                strategyTimeout,
                maxBufferedIncrements,
                openSessionWriteInterval,
                strategies.copy(random),
                manualTicks,
                ownsStorage,
                ownsCache));
    }
}

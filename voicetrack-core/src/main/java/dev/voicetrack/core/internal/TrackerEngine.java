package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.GuildOwnership;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The tracker: the {@link VoiceTracker} the builder returns, composed of one part per responsibility.
 *
 * <h2>Parts</h2>
 *
 * <ul>
 *   <li>{@link VoiceLedger}: who is in which channel since when, sessions, measured time;
 *   <li>{@link PendingWrites}: increments, closed session rows and events not written yet;
 *   <li>{@link TickWriter}: one tick, from accounting to the storage write and its events;
 *   <li>{@link TickLoop}: when ticks run (schedule, on demand, at close), never two at once;
 *   <li>{@link Reconciler}: the ledger against who is actually in voice (start-up, resync);
 *   <li>{@link AdminOperations}: XP, level, reset, delete, metadata and config changes;
 *   <li>{@link CachedQueries}: the read side, through the cache, or from {@link GuildSnapshots} for guilds being
 *       read;
 *   <li>{@link Guilds}, {@link TrackingRules}, {@link LevelUps}, {@link CacheTags}: what they share.
 * </ul>
 *
 * <h2>Confinement</h2>
 *
 * Gateway threads only append stamped events to a lock-free queue. All tracking state (guilds,
 * channels, members in voice, open sessions, the increments not yet written) is touched only under
 * one lock, held by a tick, by reconciliation, by an admin operation or by a config change. Queries
 * take no lock (they read storage and the cache, and guild configs from a concurrent map).
 *
 * <h2>Durability</h2>
 *
 * A tick hands everything pending to storage as one batch; on failure it stays and merges with the
 * next tick's. A crash loses at most one tick of the members' totals, no closed session, and at most
 * {@code openSessionWriteInterval} of an open session's own row. Admin operations write at once and
 * drop the pending increments they would be undone by.
 */
public final class TrackerEngine implements VoiceTracker {

    /** Everything the builder collected. */
    public record Settings(
            Storage storage,
            @Nullable Cache<Object> cache,
            Clock clock,
            LongSupplier nanoTime,
            @Nullable ScheduledExecutorService scheduler,
            @Nullable Executor listenerExecutor,
            Duration checkInterval,
            GuildConfig defaultConfig,
            VoiceView view,
            GuildOwnership ownership,
            RandomGenerator random,
            Duration cacheTtl,
            Duration refreshAhead,
            int guildSnapshotMaxMembers,
            Duration strategyTimeout,
            int maxBufferedIncrements,
            Duration openSessionWriteInterval,
            StrategyRegistry strategies,
            boolean manualTicks,
            boolean ownsStorage,
            boolean ownsCache) {}

    private final Settings s;
    private final Storage storage;
    private final @Nullable Cache<Object> cache;
    private final Dispatcher dispatcher;
    private final @Nullable ExecutorService ownListenerExecutor;
    private final ReentrantLock lock = new ReentrantLock();

    private final Guilds guilds;
    private final VoiceLedger ledger;
    private final Reconciler reconciler;
    private final TickLoop ticks;
    private final AdminOperations admin;
    private final CachedQueries queries;

    private volatile boolean started;
    private volatile boolean closed;

    public TrackerEngine(Settings settings) {
        this.s = settings;
        this.storage = settings.storage();
        this.cache = settings.cache();
        if (settings.listenerExecutor() != null) {
            this.ownListenerExecutor = null;
            this.dispatcher = new Dispatcher(settings.listenerExecutor());
        } else {
            this.ownListenerExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "voicetrack-listeners");
                t.setDaemon(true);
                return t;
            });
            this.dispatcher = new Dispatcher(ownListenerExecutor);
        }
        this.guilds = new Guilds(storage, settings.defaultConfig(), settings.strategies(), dispatcher, lock);
        var pending = new PendingWrites();
        var rules = new TrackingRules(dispatcher);
        var hot = new HotEntries(settings.clock(), dispatcher, settings.refreshAhead());
        var tags = new CacheTags(cache, dispatcher, hot);
        var levelUps = new LevelUps(storage, guilds, dispatcher);
        this.ledger = new VoiceLedger(settings.clock(), guilds, pending, rules, dispatcher, settings.ownership());
        this.reconciler = new Reconciler(storage, settings.view(), settings.ownership(), guilds, ledger, pending);
        var writer = new TickWriter(settings, guilds, ledger, pending, rules, levelUps, tags, dispatcher);
        var snapshots = new GuildSnapshots(
                storage,
                cache,
                settings.clock(),
                guilds,
                dispatcher,
                settings.refreshAhead(),
                settings.guildSnapshotMaxMembers(),
                settings.cacheTtl());
        this.ticks = new TickLoop(lock, writer, dispatcher, settings.checkInterval(), settings.nanoTime(), () -> {
            snapshots.refresh();
            hot.refresh(snapshots::holds);
        });
        this.admin = new AdminOperations(
                lock, storage, settings.strategies(), guilds, ledger, pending, levelUps, tags, dispatcher);
        this.queries = new CachedQueries(storage, cache, settings.clock(), guilds, settings.cacheTtl(), hot, snapshots);
    }

    // ---- lifecycle ----

    @Override
    public void start() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("tracker is closed");
            }
            if (started) {
                throw new IllegalStateException("tracker is already started");
            }
            storage.init();
            for (long gid : storage.guildIds()) {
                guilds.get(gid);
            }
            reconciler.reconcile(ledger.now());
            started = true;
        } finally {
            lock.unlock();
        }
        ticks.start(s.scheduler(), s.manualTicks());
    }

    @Override
    public void accept(GatewayEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        if (closed) {
            throw new IllegalStateException("tracker is closed");
        }
        ledger.enqueue(event);
    }

    @Override
    public TickReport tickNow() {
        return ticks.tickNow();
    }

    @Override
    public void reconcile() {
        lock.lock();
        try {
            reconciler.reconcile(ledger.now());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        ticks.stop();
        if (started) {
            try {
                ticks.finalTick();
            } catch (RuntimeException e) {
                dispatcher.error("final tick at close failed", e);
            }
        }
        closed = true;
        Cache<Object> c = cache;
        if (c != null && s.ownsCache()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                dispatcher.error("closing the cache failed", e);
            }
        }
        if (ownListenerExecutor != null) {
            dispatcher.flush();
            ownListenerExecutor.shutdown();
        }
        if (s.ownsStorage()) {
            storage.close();
        }
    }

    @Override
    public Storage storage() {
        return storage;
    }

    @Override
    public Optional<Cache<Object>> cache() {
        return Optional.ofNullable(cache);
    }

    // ---- config ----

    @Override
    public GuildConfig config(long guildId) {
        return guilds.config(guildId);
    }

    @Override
    public void updateConfig(long guildId, GuildConfig config) {
        admin.updateConfig(guildId, config);
    }

    @Override
    public double levelMultiplier(long guildId) {
        return guilds.levelMultiplier(guildId);
    }

    // ---- admin operations ----

    @Override
    public MemberTotals addXp(long guildId, long userId, long xp) {
        return admin.addXp(guildId, userId, xp);
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp) {
        return admin.setXp(guildId, userId, xp);
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        return admin.setLevel(guildId, userId, level);
    }

    @Override
    public boolean resetUser(long guildId, long userId) {
        return admin.resetUser(guildId, userId);
    }

    @Override
    public boolean deleteUser(long guildId, long userId) {
        return admin.deleteUser(guildId, userId);
    }

    @Override
    public void deleteGuild(long guildId) {
        admin.deleteGuild(guildId);
    }

    @Override
    public void editMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        admin.editMetadata(guildId, userId, set, remove);
    }

    // ---- queries ----

    @Override
    public Optional<MemberStats> getUser(long guildId, long userId) {
        return queries.member(guildId, userId);
    }

    @Override
    public LeaderboardPage getLeaderboard(long guildId, Metric metric, Window window, int limit, int offset) {
        return queries.leaderboard(guildId, metric, window, limit, offset);
    }

    @Override
    public OptionalInt getRank(long guildId, long userId, Metric metric, Window window) {
        return queries.rank(guildId, userId, metric, window);
    }

    @Override
    public UserActivity getUserStats(long guildId, long userId, int days) {
        return queries.activity(guildId, userId, days);
    }

    @Override
    public HourlyActivity getHourlyActivity(long guildId, int days) {
        return queries.hourly(guildId, days);
    }

    @Override
    public List<VoiceSession> getSessions(long guildId, long userId, int limit) {
        return queries.sessions(guildId, userId, limit);
    }

    // ---- listeners ----

    @Override
    public void addListener(TrackerListener listener) {
        dispatcher.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public void removeListener(TrackerListener listener) {
        dispatcher.remove(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public void flushEvents() {
        dispatcher.flush();
    }
}

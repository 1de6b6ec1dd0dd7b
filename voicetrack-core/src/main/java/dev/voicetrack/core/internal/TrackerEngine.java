package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.core.AsyncXpStrategy;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.LevelMultiplierStrategy;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTimeStrategy;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.XpStrategy;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The tracker engine.
 *
 * <h2>Design</h2>
 *
 * <p><b>Confinement.</b> Gateway threads only append stamped events to a lock-free queue. All
 * tracking state (guilds, channels, members in voice, open sessions, the increments not yet written)
 * is touched only under {@code lock}, held by a tick, by an admin operation or by a config change.
 * Ticks therefore never overlap; a scheduled tick that cannot take the lock at once is skipped and
 * reported rather than queued. Scheduled ticks start every check interval whatever their duration
 * (each schedules the next one an interval after its own start); one that overruns is reported and
 * the next starts an interval after it ended.
 *
 * <p><b>Measured time.</b> A tick first applies the queued events in order, each at the instant it
 * was accepted. Before anything changes a channel (a join, leave, move, mute or role change), every
 * member of that channel is accounted up to that instant under the state that held until then, so
 * filters and anti-AFK rules (which depend on who else is in the channel) apply to exactly the time
 * they were true. With the {@code elapsed} strategy those accounted segments are the voice time,
 * split at midnight in the guild's zone; with per-check strategies (the original's {@code fixed} and
 * {@code scaled}) the credit is given at the check to members tracked at that instant.
 *
 * <p><b>Writes.</b> A member in voice keeps one accumulator ({@link Increments}) for its current
 * channel and day, reused tick after tick: the steady-state tick allocates no map key and does no
 * map lookup per member. Increments for anything else (messages, a channel or day the member has
 * left, members who left) go to {@code pending}, keyed by member, channel and day. Session rows that
 * changed state (closed, or closed by reconciliation) wait in {@code pendingSessions}, keyed by id.
 * The row of an open session is written by the first tick after it opens and then once per {@code
 * openSessionWriteInterval}, each at its own phase within that interval, so that the rows of 100,000
 * members in voice are not all rewritten by every tick; the final tick at close writes them all. A
 * crash loses at most one tick of the members' totals, no session, and at most that interval of an
 * open session's own row (reconciliation closes a session at the {@code lastAccrual} of its stored
 * row). A tick hands all of it to storage as one batch. On
 * success it is cleared; on failure it stays (so it merges with the next tick's) and the failure is
 * reported; if it grows beyond the bound it is dropped loudly. Level-ups are computed
 * from the totals storage returns, then cache tags of the touched guilds are invalidated once each,
 * then events are delivered on the listener executor.
 *
 * <p><b>Admin operations</b> take the same lock, write to storage directly, and drop any not yet
 * written increments of the member they reset, set or delete, so a later write cannot undo them.
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
            RandomGenerator random,
            Duration cacheTtl,
            Duration strategyTimeout,
            int maxBufferedIncrements,
            Duration openSessionWriteInterval,
            StrategyRegistry strategies,
            boolean manualTicks,
            boolean ownsStorage,
            boolean ownsCache) {}

    private record Stamped(GatewayEvent event, Instant at) {}

    private record DeltaKey(long guildId, long userId, long channelId, LocalDate day) {}

    private record UserKey(long guildId, long userId) {}

    private final Settings s;
    private final Storage storage;
    private final @Nullable Cache<Object> cache;
    private final Clock clock;
    private final StrategyRegistry strategies;
    private final Dispatcher dispatcher;
    private final @Nullable ExecutorService ownListenerExecutor;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Stamped> queue = new ConcurrentLinkedQueue<>();

    // ---- confined to lock ----
    private final Map<Long, GuildState> guilds = new HashMap<>();
    /** Guild configs readable without the lock, so queries never wait for a tick. */
    private final java.util.concurrent.ConcurrentHashMap<Long, GuildConfig> configView =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<DeltaKey, Increments> pending = new HashMap<>();
    private final Map<String, VoiceSession> pendingSessions = new LinkedHashMap<>();
    private final List<Consumer<TrackerListener>> pendingEvents = new ArrayList<>();
    /**
     * The generation of the members' own accumulators: one whose {@link Increments#generation} differs
     * is empty. A successful write bumps it, which empties every member's accumulator in O(1) instead
     * of a pass over every member in voice.
     */
    private long generation = 1;
    /** Deltas written by the last tick, to size the next tick's lists without regrowing them. */
    private int lastBatchSize = 16;

    private Instant lastTickAt = Instant.EPOCH;
    /** Members whose open session row is in the batch being built (their next-due times roll back if it fails). */
    private final List<MemberState> rowOwners = new ArrayList<>();

    private final long openRowIntervalMs;
    /** Set for the final tick at close: every open row is written, due or not. */
    private boolean writeAllOpenRows;

    private volatile boolean started;
    private volatile boolean closed;
    /** Guards {@code scheduled} and {@code stopping}, so that close() cancels the last scheduled tick. */
    private final Object scheduling = new Object();

    private boolean stopping;
    private @Nullable ScheduledFuture<?> scheduled;
    /** The tick thread started by {@link #start()} when no scheduler was given and ticks are not manual. */
    private @Nullable ScheduledExecutorService ownScheduler;

    public TrackerEngine(Settings settings) {
        this.s = settings;
        this.storage = settings.storage();
        this.cache = settings.cache();
        this.clock = settings.clock();
        this.openRowIntervalMs = settings.openSessionWriteInterval().toMillis();
        this.strategies = settings.strategies();
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
    }

    // =====================================================================================
    // lifecycle
    // =====================================================================================

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
                guild(gid);
            }
            reconcileLocked(now());
            started = true;
        } finally {
            lock.unlock();
        }
        ScheduledExecutorService scheduler = s.scheduler();
        if (scheduler == null && !s.manualTicks()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "voicetrack-ticks");
                t.setDaemon(true);
                return t;
            });
            synchronized (scheduling) {
                ownScheduler = scheduler;
            }
        }
        if (scheduler != null) {
            scheduleTick(scheduler, s.checkInterval().toNanos());
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

    @Override
    public void close() {
        if (closed) {
            return;
        }
        ScheduledFuture<?> f;
        ScheduledExecutorService own;
        synchronized (scheduling) {
            stopping = true;
            f = scheduled;
            own = ownScheduler;
        }
        if (f != null) {
            f.cancel(false);
        }
        if (own != null) {
            own.shutdown();
            awaitQuietly(own);
        }
        if (started) {
            try {
                lock.lock();
                try {
                    writeAllOpenRows = true;
                    runTick();
                } finally {
                    writeAllOpenRows = false;
                    lock.unlock();
                }
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

    /** Waits for a tick already running on the own tick thread, so the last tick runs after it. */
    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Instant now() {
        Instant t = clock.instant();
        return t.isBefore(lastTickAt) ? lastTickAt : t;
    }

    @Override
    public void accept(GatewayEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        if (closed) {
            throw new IllegalStateException("tracker is closed");
        }
        queue.add(new Stamped(event, clock.instant()));
    }

    // =====================================================================================
    // ticks
    // =====================================================================================

    /** Schedules the next tick {@code delayNanos} from now, unless the tracker is closing. */
    private void scheduleTick(ScheduledExecutorService scheduler, long delayNanos) {
        synchronized (scheduling) {
            if (stopping) {
                return;
            }
            try {
                scheduled = scheduler.schedule(() -> scheduledTick(scheduler), delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                dispatcher.error("the scheduler refused the next tick: ticks have stopped", e);
            }
        }
    }

    /**
     * A tick on the scheduler, which then schedules the next one: the wait is the interval minus the
     * tick's own duration, so ticks start every interval however long each takes; after a tick that
     * overran (reported by {@link #runTick}) the wait is a whole interval, so ticks never run back to
     * back.
     */
    private void scheduledTick(ScheduledExecutorService scheduler) {
        long interval = s.checkInterval().toNanos();
        long start = s.nanoTime().getAsLong();
        long wait = interval;
        try {
            if (!lock.tryLock()) {
                dispatcher.emit(l -> l.error("tick skipped: the previous tick is still running", null));
                return;
            }
            try {
                runTick();
            } catch (RuntimeException | Error e) {
                dispatcher.error("tick failed", e);
            } finally {
                lock.unlock();
            }
            long took = s.nanoTime().getAsLong() - start;
            wait = took < interval ? interval - took : interval;
        } finally {
            scheduleTick(scheduler, wait);
        }
    }

    @Override
    public TickReport tickNow() {
        lock.lock();
        try {
            return runTick();
        } finally {
            lock.unlock();
        }
    }

    private record AsyncXp(MemberState member, ChannelState channel, LocalDate day, CompletableFuture<Long> xp) {}

    private TickReport runTick() {
        long t0 = s.nanoTime().getAsLong();
        rowOwners.clear();
        Instant now = now();
        int applied = drain(now);
        int guildCount = 0;
        int inVoice = 0;
        int trackedCount = 0;
        List<AsyncXp> asyncs = List.of();
        // Each member's delta and open session row are collected as soon as its accounting is done,
        // while it is in cache (members of guilds with an async XP strategy wait for their XP).
        var deltas = new ArrayList<MemberDelta>(lastBatchSize + 16);
        var rows = new ArrayList<VoiceSession>(lastBatchSize + 16);
        List<MemberState> deferred = List.of();
        Set<Long> touched = new HashSet<>();
        for (GuildState g : guilds.values()) {
            if (g.members.isEmpty()) {
                continue;
            }
            guildCount++;
            touched.add(g.guildId);
            GuildConfig cfg = g.config;
            boolean elapsed = Strategies.VOICE_TIME_ELAPSED.equals(cfg.voiceTimeStrategy());
            VoiceTimeStrategy vts = elapsed ? null : strategies.voiceTimeOrNull(cfg.voiceTimeStrategy());
            XpStrategy xs = strategies.xp(cfg.xpStrategy());
            AsyncXpStrategy axs = xs == null ? strategies.asyncXp(cfg.xpStrategy()) : null;
            if (cfg.enableLeveling() && xs == null && axs == null) {
                dispatcher.emit(l -> l.error(
                        "guild " + g.guildId + ": xpStrategy '" + cfg.xpStrategy() + "' is not registered; no XP given",
                        null));
            }
            if (cfg.enableVoiceTime() && !elapsed && vts == null) {
                dispatcher.emit(l -> l.error(
                        "guild " + g.guildId + ": voiceTimeStrategy '" + cfg.voiceTimeStrategy()
                                + "' is not registered; no voice time given",
                        null));
            }
            LocalDate day = g.dayOf(now);
            for (ChannelState c : g.channels.values()) {
                // Nothing changes a channel during the tick, so the filters are evaluated once per
                // member: the same answer serves the accounting up to now and the per-check credit.
                for (MemberState m : c.members) {
                    inVoice++;
                    boolean tracked = tracked(m);
                    accrue(m, now, tracked && cfg.enableVoiceTime());
                    if (tracked) {
                        trackedCount++;
                        if (cfg.enableVoiceTime() && vts != null) {
                            long v = safe(() -> vts.voiceTimeMs(m, m.measuredMs), m, "voiceTimeStrategy");
                            if (v > 0) {
                                acc(m, day, now).voiceMs += v;
                            }
                        }
                        if (cfg.enableLeveling() && xpAllowed(m)) {
                            if (xs != null) {
                                long x = safe(() -> xs.xp(m), m, "xpStrategy");
                                if (x > 0) {
                                    acc(m, day, now).xp += x;
                                    m.sessionXp += x;
                                }
                            } else if (axs != null) {
                                if (asyncs.isEmpty()) {
                                    asyncs = new ArrayList<>();
                                }
                                asyncs.add(new AsyncXp(m, c, day, startAsync(axs, m)));
                            }
                        }
                    }
                    m.measuredMs = 0;
                    if (axs == null) {
                        collect(m, now, deltas, rows);
                    } else {
                        if (deferred.isEmpty()) {
                            deferred = new ArrayList<>();
                        }
                        deferred.add(m);
                    }
                }
            }
        }
        if (!asyncs.isEmpty()) {
            resolveAsync(asyncs, now);
        }
        for (MemberState m : deferred) {
            collect(m, now, deltas, rows);
        }
        lastTickAt = now;
        long computeNanos = s.nanoTime().getAsLong() - t0;
        WriteOutcome out = write(deltas, rows, touched);
        long totalNanos = s.nanoTime().getAsLong() - t0;
        boolean overran = totalNanos > s.checkInterval().toNanos();
        if (overran) {
            Duration took = Duration.ofNanos(totalNanos);
            dispatcher.emit(l -> l.error(
                    "tick overran: took " + took.toMillis() + " ms, check interval is "
                            + s.checkInterval().toMillis() + " ms",
                    null));
        }
        return new TickReport(
                now,
                guildCount,
                inVoice,
                trackedCount,
                applied,
                out.written,
                out.ok,
                out.buffered,
                Duration.ofNanos(computeNanos),
                Duration.ofNanos(totalNanos),
                overran);
    }

    private CompletableFuture<Long> startAsync(AsyncXpStrategy axs, MemberState m) {
        try {
            return Objects.requireNonNull(axs.xp(m), "async xp strategy returned null")
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void resolveAsync(List<AsyncXp> asyncs, Instant now) {
        long deadline = s.nanoTime().getAsLong() + s.strategyTimeout().toNanos();
        for (AsyncXp a : asyncs) {
            long x;
            try {
                long wait = Math.max(0, deadline - s.nanoTime().getAsLong());
                Long v = a.xp.get(wait, TimeUnit.NANOSECONDS);
                x = v == null ? 0 : v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x = 0;
            } catch (Exception e) {
                long uid = a.member.userId;
                dispatcher.error("async xpStrategy failed or timed out for user " + uid, e);
                x = 0;
            }
            if (x < 0) {
                long bad = x;
                dispatcher.emit(l -> l.error("xpStrategy returned " + bad + " (< 0); counted as 0", null));
                x = 0;
            }
            if (x > 0) {
                acc(a.member, a.day, now).xp += x;
                a.member.sessionXp += x;
            }
        }
    }

    @FunctionalInterface
    private interface LongCall {
        long call();
    }

    private long safe(LongCall call, MemberState m, String what) {
        try {
            long v = call.call();
            if (v < 0) {
                dispatcher.emit(
                        l -> l.error(what + " returned " + v + " (< 0) for user " + m.userId + "; counted as 0", null));
                return 0;
            }
            return v;
        } catch (RuntimeException e) {
            dispatcher.error(what + " threw for user " + m.userId + " in guild " + m.guild.guildId, e);
            return 0;
        }
    }

    private record WriteOutcome(boolean ok, int written, int buffered) {}

    /**
     * Adds a member's increments (if any) to a batch, and its open session row as of {@code now} if that
     * is due (see {@link #nextRowDue}).
     */
    private void collect(MemberState m, Instant now, List<MemberDelta> deltas, List<VoiceSession> rows) {
        Increments a = m.pending;
        if (holds(a)) {
            deltas.add(delta(m.guild.guildId, m.userId, a.channelId, Objects.requireNonNull(a.day), a));
        }
        long nowMs = now.toEpochMilli();
        if (writeAllOpenRows || nowMs >= m.rowDueMs) {
            rows.add(openRow(m, now));
            rowOwners.add(m);
            m.rowDueMs = nextRowDue(m, nowMs);
        }
    }

    /**
     * When a member's open row is next due after being written at {@code nowMs}: one interval later,
     * except after the session's first write, which sets the phase: a fraction of the interval fixed by
     * the session id, so that members who joined together (say, all of them at a restart) are spread
     * evenly over the following ticks.
     */
    private long nextRowDue(MemberState m, long nowMs) {
        if (openRowIntervalMs == 0) {
            return nowMs;
        }
        if (m.rowDueMs != Long.MIN_VALUE) {
            return nowMs + openRowIntervalMs;
        }
        long phase = Math.floorMod(m.sessionId.hashCode() * 0x9E3779B97F4A7C15L, openRowIntervalMs);
        return nowMs + 1 + phase;
    }

    /**
     * Writes the members' increments and open rows the tick collected, plus the map of other
     * increments and the closed session rows, as one batch.
     */
    private WriteOutcome write(List<MemberDelta> deltas, List<VoiceSession> rows, Set<Long> touched) {
        for (var e : pending.entrySet()) {
            DeltaKey k = e.getKey();
            deltas.add(delta(k.guildId, k.userId, k.channelId, k.day, e.getValue()));
            touched.add(k.guildId);
        }
        for (VoiceSession vs : pendingSessions.values()) {
            rows.add(vs);
            touched.add(vs.guildId());
        }
        if (deltas.isEmpty() && rows.isEmpty()) {
            flushPendingEvents(List.of(), List.of(), Set.of());
            return new WriteOutcome(true, 0, 0);
        }
        lastBatchSize = Math.max(deltas.size(), rows.size());
        Batch batch = new Batch(deltas, rows);
        List<MemberTotals> totals;
        try {
            totals = storage.apply(batch);
        } catch (RuntimeException e) {
            dispatcher.error(
                    "storage write failed; " + deltas.size() + " increments and " + pendingSessions.size()
                            + " closed session rows kept for the next tick",
                    e);
            for (MemberState m : rowOwners) {
                m.rowDueMs = Long.MIN_VALUE; // not written: due again at the next tick
            }
            rowOwners.clear();
            if (deltas.size() > s.maxBufferedIncrements()) {
                int lost = deltas.size();
                clearAllIncrements();
                dispatcher.emit(l -> l.error(
                        "buffered increments exceeded maxBufferedIncrements (" + s.maxBufferedIncrements() + "): "
                                + lost + " increments DROPPED",
                        null));
                return new WriteOutcome(false, 0, 0);
            }
            return new WriteOutcome(false, 0, deltas.size());
        }
        clearAllIncrements();
        pendingSessions.clear();
        rowOwners.clear();
        List<LevelChange> levelUps = raiseLevels(totals);
        for (long g : touched) {
            invalidate("guild:" + g);
        }
        flushPendingEvents(deltas, totals, touched);
        deliverLevelUps(levelUps);
        return new WriteOutcome(true, deltas.size(), 0);
    }

    private static MemberDelta delta(long guildId, long userId, long channelId, LocalDate day, Increments a) {
        return new MemberDelta(
                guildId,
                userId,
                channelId,
                day,
                a.voiceMs,
                a.xp,
                a.messages,
                a.sessions,
                Objects.requireNonNull(a.lastSeen));
    }

    /** Drops every increment not yet written: the map, and every member's accumulator at once. */
    private void clearAllIncrements() {
        pending.clear();
        generation++;
    }

    /** Drops the increments not yet written of one guild. */
    private void clearIncrements(long guildId) {
        pending.keySet().removeIf(k -> k.guildId == guildId);
        GuildState g = guilds.get(guildId);
        if (g != null) {
            for (MemberState m : g.members.values()) {
                m.pending.clear();
            }
        }
    }

    /** Whether a member's accumulator holds increments of the current generation. */
    private boolean holds(Increments a) {
        return a.generation == generation && !a.isEmpty();
    }

    private List<LevelChange> raiseLevels(List<MemberTotals> totals) {
        if (totals.isEmpty()) {
            return List.of();
        }
        var raises = new ArrayList<LevelRaise>();
        Map<Long, Double> multipliers = new HashMap<>();
        long lastGuild = 0;
        Double m = null;
        for (MemberTotals t : totals) {
            if (t.guildId() != lastGuild) { // totals come grouped by guild: one map lookup per guild
                lastGuild = t.guildId();
                m = multipliers.get(lastGuild);
                if (m == null && !multipliers.containsKey(lastGuild)) {
                    m = multiplierOrNull(lastGuild);
                    multipliers.put(lastGuild, m);
                }
            }
            if (m == null) {
                continue;
            }
            int level = LevelCalculator.level(t.xp(), m);
            if (level > t.level()) {
                raises.add(new LevelRaise(t.guildId(), t.userId(), level));
            }
        }
        if (raises.isEmpty()) {
            return List.of();
        }
        try {
            return storage.raiseLevels(raises);
        } catch (RuntimeException e) {
            dispatcher.error(
                    "storage failed to raise " + raises.size() + " levels; they are raised at the next XP gain", e);
            return List.of();
        }
    }

    private void deliverLevelUps(List<LevelChange> changes) {
        if (changes.isEmpty() || !dispatcher.hasListeners()) {
            return;
        }
        var events = new ArrayList<Consumer<TrackerListener>>(changes.size());
        for (LevelChange c : changes) {
            var e = new TrackerListener.LevelUp(c.guildId(), c.userId(), c.oldLevel(), c.newLevel(), c.xp());
            events.add(l -> l.levelUp(e));
        }
        dispatcher.emit(events);
    }

    private void flushPendingEvents(List<MemberDelta> deltas, List<MemberTotals> totals, Set<Long> touched) {
        if (!dispatcher.hasListeners()) {
            pendingEvents.clear();
            return;
        }
        var events = new ArrayList<Consumer<TrackerListener>>(pendingEvents);
        pendingEvents.clear();
        if (!deltas.isEmpty()) {
            Map<UserKey, long[]> sums = new LinkedHashMap<>();
            for (MemberDelta d : deltas) {
                long[] v = sums.computeIfAbsent(new UserKey(d.guildId(), d.userId()), k -> new long[2]);
                v[0] += d.xp();
                v[1] += d.voiceMs();
            }
            Map<UserKey, MemberTotals> byUser = new HashMap<>();
            for (MemberTotals t : totals) {
                byUser.put(new UserKey(t.guildId(), t.userId()), t);
            }
            for (var e : sums.entrySet()) {
                UserKey k = e.getKey();
                MemberTotals t = byUser.get(k);
                long xp = e.getValue()[0];
                long voice = e.getValue()[1];
                if (xp > 0) {
                    var ev = new TrackerListener.XpGained(k.guildId, k.userId, xp, t == null ? xp : t.xp());
                    events.add(l -> l.xpGained(ev));
                }
                if (voice > 0) {
                    var ev = new TrackerListener.VoiceTimeGained(
                            k.guildId, k.userId, voice, t == null ? voice : t.voiceTimeMs());
                    events.add(l -> l.voiceTimeGained(ev));
                }
            }
        }
        dispatcher.emit(events);
    }

    /** The map entry of increments for a member, channel and day (members not in voice, or older keys). */
    private Increments acc(long guildId, long userId, long channelId, LocalDate day, Instant at) {
        Increments a = pending.computeIfAbsent(new DeltaKey(guildId, userId, channelId, day), k -> new Increments());
        a.touch(at);
        return a;
    }

    /**
     * The increments of a member in voice for its current channel and the given day: its own
     * accumulator, after moving what it held for another channel or day to the map.
     */
    private Increments acc(MemberState m, LocalDate day, Instant at) {
        Increments a = m.pending;
        if (a.generation != generation) {
            a.clear();
            a.generation = generation;
        }
        long channelId = m.channel.channelId;
        if (!a.isEmpty() && (a.channelId != channelId || !day.equals(a.day))) {
            spill(m);
        }
        if (a.isEmpty()) {
            a.channelId = channelId;
            a.day = day;
        }
        a.touch(at);
        return a;
    }

    /** Moves a member's own accumulator to the map (before it changes key or the member goes). */
    private void spill(MemberState m) {
        Increments a = m.pending;
        if (holds(a)) {
            Instant at = Objects.requireNonNull(a.lastSeen);
            a.addTo(acc(m.guild.guildId, m.userId, a.channelId, Objects.requireNonNull(a.day), at));
            a.clear();
        }
    }

    // =====================================================================================
    // accounting
    // =====================================================================================

    /** Accounts a member's time up to {@code t} under its current state. */
    private void accrue(MemberState m, Instant t) {
        if (t.toEpochMilli() <= m.accountedUntil.toEpochMilli()) {
            return;
        }
        accrue(m, t, m.guild.config.enableVoiceTime() && tracked(m));
    }

    /**
     * Accounts a member's time up to {@code t}; {@code countsVoice}: voice time is enabled and the
     * member is tracked under its current state.
     */
    private void accrue(MemberState m, Instant t, boolean countsVoice) {
        long from = m.accountedUntil.toEpochMilli();
        long to = t.toEpochMilli();
        if (to <= from) {
            return;
        }
        long dt = to - from;
        if (m.flags.muted()) {
            m.sessionMutedMs += dt;
        }
        if (m.flags.deafened()) {
            m.sessionDeafenedMs += dt;
        }
        GuildState g = m.guild;
        if (countsVoice) {
            if (Strategies.VOICE_TIME_ELAPSED.equals(g.config.voiceTimeStrategy())) {
                Instant segStart = m.accountedUntil;
                while (segStart.isBefore(t)) {
                    Instant boundary = g.nextDayStart(segStart);
                    Instant segEnd = boundary.isBefore(t) ? boundary : t;
                    LocalDate day = g.dayOf(segStart);
                    long ms = segEnd.toEpochMilli() - segStart.toEpochMilli();
                    if (ms > 0) {
                        acc(m, day, segEnd).voiceMs += ms;
                    }
                    segStart = segEnd;
                }
            } else {
                m.measuredMs += dt;
            }
        }
        m.accountedUntil = t;
    }

    private void accrueChannel(ChannelState c, Instant t) {
        for (MemberState m : c.members) {
            accrue(m, t);
        }
    }

    /** Filters and anti-AFK rules: whether a member's time and XP count now. */
    private boolean tracked(MemberState m) {
        GuildConfig cfg = m.guild.config;
        if (!cfg.trackBots() && m.info.bot()) {
            return false;
        }
        if (!cfg.exemptPermissions().isEmpty()) {
            for (String p : m.info.permissions()) {
                if (cfg.exemptPermissions().contains(p)) {
                    return false;
                }
            }
        }
        if (!cfg.trackMuted() && m.flags.muted()) {
            return false;
        }
        if (!cfg.trackDeafened() && m.flags.deafened()) {
            return false;
        }
        long ch = m.channel.channelId;
        // isEmpty first: contains(long) boxes the id, once per member per tick otherwise
        if (!cfg.excludedChannelIds().isEmpty() && cfg.excludedChannelIds().contains(ch)) {
            return false;
        }
        if (!cfg.trackAllChannels() && !cfg.channelIds().contains(ch)) {
            return false;
        }
        if (cfg.minUsersToTrack() > 0 || cfg.maxUsersToTrack() > 0) {
            int company = m.channel.company();
            if (cfg.minUsersToTrack() > 0 && company < cfg.minUsersToTrack()) {
                return false;
            }
            if (cfg.maxUsersToTrack() > 0 && company > cfg.maxUsersToTrack()) {
                return false;
            }
        }
        if (!cfg.hasDefaultFilters()) {
            try {
                if (!cfg.memberFilter().test(m)) {
                    return false;
                }
                if (!cfg.channelFilter().test(m.guild.guildId, ch, m.channel.members.size())) {
                    return false;
                }
            } catch (RuntimeException e) {
                dispatcher.error("member or channel filter threw for user " + m.userId, e);
                return false;
            }
        }
        return true;
    }

    private static boolean xpAllowed(MemberState m) {
        GuildConfig cfg = m.guild.config;
        if (!cfg.noXpChannelIds().isEmpty() && cfg.noXpChannelIds().contains(m.channel.channelId)) {
            return false;
        }
        if (!cfg.noXpRoleIds().isEmpty()) {
            for (Long r : m.info.roleIds()) {
                if (cfg.noXpRoleIds().contains(r)) {
                    return false;
                }
            }
        }
        return true;
    }

    // =====================================================================================
    // events
    // =====================================================================================

    private int drain(Instant now) {
        int n = 0;
        Stamped st;
        while ((st = queue.poll()) != null) {
            Instant at = st.at;
            if (at.isBefore(lastTickAt)) {
                at = lastTickAt;
            }
            if (at.isAfter(now)) {
                at = now;
            }
            try {
                apply(st.event, at);
            } catch (RuntimeException e) {
                dispatcher.error("applying " + st.event + " failed", e);
            }
            n++;
        }
        return n;
    }

    private void apply(GatewayEvent event, Instant t) {
        GuildState g = guild(event.guildId());
        if (event instanceof GatewayEvent.VoiceJoined e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                m.info = e.member();
                m.flags = e.flags();
                move(m, e.channelId(), t);
            } else {
                join(g, e.userId(), e.channelId(), e.member(), e.flags(), t);
            }
        } else if (event instanceof GatewayEvent.VoiceLeft e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                leave(m, t);
            }
        } else if (event instanceof GatewayEvent.VoiceMoved e) {
            MemberState m = g.members.get(e.userId());
            if (m == null) {
                join(g, e.userId(), e.channelId(), MemberInfo.PLAIN, VoiceFlags.NONE, t);
            } else {
                move(m, e.channelId(), t);
            }
        } else if (event instanceof GatewayEvent.VoiceFlagsChanged e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                accrueChannel(m.channel, t);
                m.flags = e.flags();
                m.channel.company = -1;
            }
        } else if (event instanceof GatewayEvent.MemberUpdated e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                accrueChannel(m.channel, t);
                m.info = e.member();
                m.channel.company = -1;
            }
        } else if (event instanceof GatewayEvent.MessageSent e) {
            message(g, e, t);
        }
    }

    private void join(GuildState g, long userId, long channelId, MemberInfo info, VoiceFlags flags, Instant t) {
        ChannelState c = g.channels.computeIfAbsent(channelId, ChannelState::new);
        accrueChannel(c, t);
        MemberState m = new MemberState(g, userId, c, info, flags, t);
        c.members.add(m);
        c.company = -1;
        g.members.put(userId, m);
        startSession(m, t);
    }

    private void leave(MemberState m, Instant t) {
        GuildState g = m.guild;
        ChannelState c = m.channel;
        accrueChannel(c, t);
        endSession(m, t);
        spill(m);
        c.members.remove(m);
        c.company = -1;
        if (c.members.isEmpty()) {
            g.channels.remove(c.channelId);
        }
        g.members.remove(m.userId);
    }

    private void move(MemberState m, long channelId, Instant t) {
        if (m.channel.channelId == channelId) {
            return;
        }
        GuildState g = m.guild;
        ChannelState to = g.channels.computeIfAbsent(channelId, ChannelState::new);
        accrueChannel(m.channel, t);
        accrueChannel(to, t);
        endSession(m, t);
        ChannelState from = m.channel;
        from.members.remove(m);
        from.company = -1;
        if (from.members.isEmpty()) {
            g.channels.remove(from.channelId);
        }
        m.channel = to;
        to.members.add(m);
        to.company = -1;
        startSession(m, t);
    }

    private void startSession(MemberState m, Instant t) {
        m.sessionId = UUID.randomUUID().toString();
        m.sessionStart = t;
        m.sessionXp = 0;
        m.sessionMutedMs = 0;
        m.sessionDeafenedMs = 0;
        m.rowDueMs = Long.MIN_VALUE;
        m.measuredMs = 0;
        m.accountedUntil = t;
        acc(m, m.guild.dayOf(t), t).sessions += 1;
        // the open row is written by the next tick, with every member in voice
        VoiceSession row = openRow(m, t);
        pendingEvents.add(l -> l.sessionStart(row));
    }

    private void endSession(MemberState m, Instant t) {
        Instant end = t.isBefore(m.sessionStart) ? m.sessionStart : t;
        VoiceSession row = new VoiceSession(
                m.sessionId,
                m.guild.guildId,
                m.userId,
                m.channel.channelId,
                m.sessionStart,
                end,
                end,
                end.toEpochMilli() - m.sessionStart.toEpochMilli(),
                m.sessionXp,
                m.sessionMutedMs,
                m.sessionDeafenedMs);
        pendingSessions.put(row.id(), row);
        pendingEvents.add(l -> l.sessionEnd(row));
    }

    private static VoiceSession openRow(MemberState m, Instant at) {
        Instant last = at.isBefore(m.sessionStart) ? m.sessionStart : at;
        return new VoiceSession(
                m.sessionId,
                m.guild.guildId,
                m.userId,
                m.channel.channelId,
                m.sessionStart,
                null,
                last,
                last.toEpochMilli() - m.sessionStart.toEpochMilli(),
                m.sessionXp,
                m.sessionMutedMs,
                m.sessionDeafenedMs);
    }

    private void message(GuildState g, GatewayEvent.MessageSent e, Instant t) {
        GuildConfig cfg = g.config;
        if (!cfg.trackBots() && e.member().bot()) {
            return;
        }
        Increments a = acc(g.guildId, e.userId(), e.channelId(), g.dayOf(t), t);
        a.messages += 1;
        if (!cfg.enableLeveling()
                || cfg.messageXp() == 0
                || cfg.noXpChannelIds().contains(e.channelId())) {
            return;
        }
        for (Long r : e.member().roleIds()) {
            if (cfg.noXpRoleIds().contains(r)) {
                return;
            }
        }
        Instant last = g.lastMessageXp.get(e.userId());
        if (last == null || !t.isBefore(last.plus(cfg.messageXpCooldown()))) {
            a.xp += cfg.messageXp();
            g.lastMessageXp.put(e.userId(), t);
        }
    }

    // =====================================================================================
    // reconciliation
    // =====================================================================================

    @Override
    public void reconcile() {
        lock.lock();
        try {
            reconcileLocked(now());
        } finally {
            lock.unlock();
        }
    }

    private void reconcileLocked(Instant now) {
        drain(now);
        Map<UserKey, VoiceMember> inVoice = new HashMap<>();
        for (VoiceMember vm : s.view().voiceMembers()) {
            inVoice.put(new UserKey(vm.guildId(), vm.userId()), vm);
        }
        // members we follow that are no longer in voice, or elsewhere
        for (GuildState g : List.copyOf(guilds.values())) {
            for (MemberState m : List.copyOf(g.members.values())) {
                VoiceMember vm = inVoice.get(new UserKey(g.guildId, m.userId));
                if (vm == null) {
                    leave(m, now);
                } else if (vm.channelId() != m.channel.channelId) {
                    move(m, vm.channelId(), now);
                }
            }
        }
        // persisted open sessions not followed (after a restart)
        Set<String> live = new HashSet<>();
        for (GuildState g : guilds.values()) {
            for (MemberState m : g.members.values()) {
                live.add(m.sessionId);
            }
        }
        for (VoiceSession open : storage.openSessions()) {
            if (live.contains(open.id())) {
                continue;
            }
            VoiceMember vm = inVoice.get(new UserKey(open.guildId(), open.userId()));
            GuildState g = guild(open.guildId());
            if (vm != null && vm.channelId() == open.channelId() && !g.members.containsKey(open.userId())) {
                // still there: resume the session; the time while we were down is unknown and not credited
                ChannelState c = g.channels.computeIfAbsent(vm.channelId(), ChannelState::new);
                accrueChannel(c, now);
                MemberState m = new MemberState(g, vm.userId(), c, vm.member(), vm.flags(), now);
                m.sessionId = open.id();
                m.sessionStart = open.start();
                m.sessionXp = open.xpEarned();
                m.sessionMutedMs = open.mutedMs();
                m.sessionDeafenedMs = open.deafenedMs();
                c.members.add(m);
                c.company = -1;
                g.members.put(vm.userId(), m);
                live.add(open.id());
            } else {
                // gone (or elsewhere): close it where it was last accounted
                Instant end = open.lastAccrual();
                VoiceSession closedRow = new VoiceSession(
                        open.id(),
                        open.guildId(),
                        open.userId(),
                        open.channelId(),
                        open.start(),
                        end,
                        end,
                        Math.max(0, end.toEpochMilli() - open.start().toEpochMilli()),
                        open.xpEarned(),
                        open.mutedMs(),
                        open.deafenedMs());
                pendingSessions.put(closedRow.id(), closedRow);
                pendingEvents.add(l -> l.sessionEnd(closedRow));
            }
        }
        // members in voice we do not follow yet
        for (VoiceMember vm : inVoice.values()) {
            GuildState g = guild(vm.guildId());
            if (!g.members.containsKey(vm.userId())) {
                join(g, vm.userId(), vm.channelId(), vm.member(), vm.flags(), now);
            }
        }
    }

    // =====================================================================================
    // guilds and config
    // =====================================================================================

    private GuildState guild(long guildId) {
        GuildState g = guilds.get(guildId);
        if (g == null) {
            g = new GuildState(guildId, loadConfig(guildId));
            guilds.put(guildId, g);
            configView.put(guildId, g.config);
        }
        return g;
    }

    private GuildConfig loadConfig(long guildId) {
        GuildConfig stored;
        try {
            stored = storage.guildConfig(guildId).orElse(null);
        } catch (RuntimeException e) {
            dispatcher.error("loading the config of guild " + guildId + " failed; using defaultConfig", e);
            stored = null;
        }
        return stored == null ? s.defaultConfig() : withRuntimeFilters(stored);
    }

    private GuildConfig withRuntimeFilters(GuildConfig c) {
        GuildConfig d = s.defaultConfig();
        if (c.hasDefaultFilters() && !d.hasDefaultFilters()) {
            return c.toBuilder()
                    .memberFilter(d.memberFilter())
                    .channelFilter(d.channelFilter())
                    .build();
        }
        return c;
    }

    @Override
    public GuildConfig config(long guildId) {
        GuildConfig known = configView.get(guildId);
        if (known != null) {
            return known;
        }
        lock.lock();
        try {
            return guild(guildId).config;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void updateConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        strategies.validate(config);
        GuildConfig effective = withRuntimeFilters(config);
        lock.lock();
        try {
            storage.saveGuildConfig(guildId, config);
            GuildState g = guild(guildId);
            Instant now = now();
            drain(now);
            for (ChannelState c : g.channels.values()) {
                accrueChannel(c, now);
            }
            g.configChanged(effective);
            configView.put(guildId, effective);
        } finally {
            lock.unlock();
        }
        invalidate("guild:" + guildId);
        dispatcher.emit(l -> l.configUpdated(guildId, effective));
    }

    @Override
    public double levelMultiplier(long guildId) {
        Double m = multiplierOrNull(guildId);
        if (m == null) {
            throw new IllegalStateException("guild " + guildId + " has no valid level multiplier strategy");
        }
        return m;
    }

    private @Nullable Double multiplierOrNull(long guildId) {
        GuildConfig cfg = config(guildId);
        LevelMultiplierStrategy st = strategies.levelMultiplierOrNull(cfg.levelMultiplierStrategy());
        if (st == null) {
            dispatcher.emit(l -> l.error(
                    "guild " + guildId + ": levelMultiplierStrategy '" + cfg.levelMultiplierStrategy()
                            + "' is not registered",
                    null));
            return null;
        }
        double m;
        try {
            m = st.multiplier(guildId, cfg);
        } catch (RuntimeException e) {
            dispatcher.error("levelMultiplierStrategy threw for guild " + guildId, e);
            return null;
        }
        if (!(m > 0) || Double.isInfinite(m)) {
            dispatcher.emit(l -> l.error("levelMultiplierStrategy returned " + m + " for guild " + guildId, null));
            return null;
        }
        return m;
    }

    // =====================================================================================
    // admin operations
    // =====================================================================================

    private static void checkIds(long guildId, long userId) {
        if (guildId <= 0) {
            throw new IllegalArgumentException("guildId must be a snowflake id > 0, was " + guildId);
        }
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be a snowflake id > 0, was " + userId);
        }
    }

    @Override
    public MemberTotals addXp(long guildId, long userId, long xp) {
        checkIds(guildId, userId);
        if (xp < 0) {
            throw new IllegalArgumentException("xp must be >= 0, was " + xp);
        }
        lock.lock();
        try {
            Instant now = now();
            LocalDate day = guild(guildId).dayOf(now);
            List<MemberTotals> totals = storage.apply(
                    new Batch(List.of(new MemberDelta(guildId, userId, 0, day, 0, xp, 0, 0, now)), List.of()));
            List<LevelChange> ups = raiseLevels(totals);
            MemberTotals t = totals.get(0);
            invalidateUser(guildId, userId);
            if (xp > 0) {
                var ev = new TrackerListener.XpGained(guildId, userId, xp, t.xp());
                dispatcher.emit(l -> l.xpGained(ev));
            }
            deliverLevelUps(ups);
            return ups.isEmpty()
                    ? t
                    : new MemberTotals(guildId, userId, t.xp(), ups.get(0).newLevel(), t.voiceTimeMs());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp) {
        checkIds(guildId, userId);
        if (xp < 0) {
            throw new IllegalArgumentException("xp must be >= 0, was " + xp);
        }
        lock.lock();
        try {
            int level = LevelCalculator.level(xp, levelMultiplier(guildId));
            dropPendingXp(guildId, userId);
            MemberTotals t = storage.setXp(guildId, userId, xp, level);
            invalidateUser(guildId, userId);
            return t;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        checkIds(guildId, userId);
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        lock.lock();
        try {
            MemberTotals t = storage.setLevel(guildId, userId, level);
            invalidateUser(guildId, userId);
            return t;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean resetUser(long guildId, long userId) {
        checkIds(guildId, userId);
        lock.lock();
        try {
            Instant now = now();
            drain(now);
            forgetUser(guildId, userId, now);
            boolean existed = storage.resetMember(guildId, userId);
            restartSessionIfInVoice(guildId, userId, now);
            invalidateUser(guildId, userId);
            return existed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean deleteUser(long guildId, long userId) {
        checkIds(guildId, userId);
        boolean existed;
        lock.lock();
        try {
            Instant now = now();
            drain(now);
            forgetUser(guildId, userId, now);
            guild(guildId).lastMessageXp.remove(userId);
            existed = storage.deleteMember(guildId, userId);
            restartSessionIfInVoice(guildId, userId, now);
        } finally {
            lock.unlock();
        }
        invalidateUser(guildId, userId);
        dispatcher.emit(l -> l.userDeleted(guildId, userId));
        return existed;
    }

    @Override
    public void deleteGuild(long guildId) {
        if (guildId <= 0) {
            throw new IllegalArgumentException("guildId must be a snowflake id > 0, was " + guildId);
        }
        lock.lock();
        try {
            Instant now = now();
            drain(now);
            GuildState g = guild(guildId);
            for (MemberState m : g.members.values()) {
                accrue(m, now);
            }
            clearIncrements(guildId);
            pendingSessions.values().removeIf(v -> v.guildId() == guildId);
            storage.deleteGuild(guildId);
            g.lastMessageXp.clear();
            g.configChanged(s.defaultConfig());
            configView.put(guildId, s.defaultConfig());
            for (MemberState m : List.copyOf(g.members.values())) {
                startSession(m, now);
            }
        } finally {
            lock.unlock();
        }
        invalidate("guild:" + guildId);
    }

    @Override
    public void editMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        checkIds(guildId, userId);
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        storage.updateMetadata(guildId, userId, set, remove);
        invalidateUser(guildId, userId);
    }

    /** Accounts the member up to now, then drops everything of it not yet written. */
    private void forgetUser(long guildId, long userId, Instant now) {
        MemberState m = guild(guildId).members.get(userId);
        if (m != null) {
            accrueChannel(m.channel, now);
            m.pending.clear();
        }
        pending.keySet().removeIf(k -> k.guildId == guildId && k.userId == userId);
        pendingSessions.values().removeIf(v -> v.guildId() == guildId && v.userId() == userId);
    }

    private void dropPendingXp(long guildId, long userId) {
        MemberState m = guild(guildId).members.get(userId);
        if (m != null) {
            m.pending.xp = 0;
        }
        for (var e : pending.entrySet()) {
            if (e.getKey().guildId == guildId && e.getKey().userId == userId) {
                e.getValue().xp = 0;
            }
        }
    }

    private void restartSessionIfInVoice(long guildId, long userId, Instant now) {
        MemberState m = guild(guildId).members.get(userId);
        if (m != null) {
            startSession(m, now);
        }
    }

    // =====================================================================================
    // queries
    // =====================================================================================

    private void invalidate(String tag) {
        Cache<Object> c = cache;
        if (c == null) {
            return;
        }
        try {
            c.invalidateByTag(tag);
        } catch (RuntimeException e) {
            dispatcher.error("cache invalidation of tag " + tag + " failed", e);
        }
    }

    private void invalidateUser(long guildId, long userId) {
        invalidate(userTag(guildId, userId));
        invalidate(lbTag(guildId));
    }

    private static String guildTag(long guildId) {
        return CacheKeys.key("guild", guildId);
    }

    private static String userTag(long guildId, long userId) {
        return CacheKeys.key("user", guildId, userId);
    }

    private static String lbTag(long guildId) {
        return CacheKeys.key("lb", guildId);
    }

    private WriteOptions options(String... tags) {
        return WriteOptions.ttl(s.cacheTtl()).withTags(tags);
    }

    @Override
    public Optional<MemberStats> getUser(long guildId, long userId) {
        checkIds(guildId, userId);
        Cache<Object> c = cache;
        if (c == null) {
            return storage.member(guildId, userId);
        }
        return c.rememberOptional(
                        CacheKeys.key("user", guildId, userId),
                        options(guildTag(guildId), userTag(guildId, userId)),
                        () -> storage.member(guildId, userId).map(Object.class::cast))
                .map(MemberStats.class::cast);
    }

    private @Nullable DayRange range(long guildId, Window window) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), config(guildId).timeZone());
        LocalDate first = window.firstDay(today);
        return first == null ? null : new DayRange(first, today);
    }

    private static String windowKey(Window window, @Nullable DayRange range) {
        return range == null ? window.key() : window.key() + "@" + range.from();
    }

    @Override
    public LeaderboardPage getLeaderboard(long guildId, Metric metric, Window window, int limit, int offset) {
        Objects.requireNonNull(metric, "metric must not be null");
        Objects.requireNonNull(window, "window must not be null");
        if (guildId <= 0) {
            throw new IllegalArgumentException("guildId must be a snowflake id > 0, was " + guildId);
        }
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be in 1..1000, was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
            throw new IllegalArgumentException("window must be all time for metric level, was " + window.key());
        }
        DayRange range = range(guildId, window);
        Loader0<LeaderboardPage> load = () -> new LeaderboardPage(
                guildId, metric, window, offset, limit, storage.leaderboard(guildId, metric, range, limit, offset));
        Cache<Object> c = cache;
        if (c == null) {
            return load.get();
        }
        String key = CacheKeys.key("lb", guildId, metric.key(), windowKey(window, range), offset, limit);
        return (LeaderboardPage) c.remember(key, options(guildTag(guildId), lbTag(guildId)), load::get);
    }

    @FunctionalInterface
    private interface Loader0<T> {
        T get();
    }

    /** A cached rank; {@code rank} 0 means "not ranked". */
    private record CachedRank(int rank) {}

    @Override
    public OptionalInt getRank(long guildId, long userId, Metric metric, Window window) {
        checkIds(guildId, userId);
        Objects.requireNonNull(metric, "metric must not be null");
        Objects.requireNonNull(window, "window must not be null");
        if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
            throw new IllegalArgumentException("window must be all time for metric level, was " + window.key());
        }
        DayRange range = range(guildId, window);
        Loader0<CachedRank> load = () ->
                new CachedRank(storage.rank(guildId, userId, metric, range).orElse(0));
        Cache<Object> c = cache;
        CachedRank r;
        if (c == null) {
            r = load.get();
        } else {
            String key = CacheKeys.key("rank", guildId, metric.key(), windowKey(window, range), userId);
            r = (CachedRank)
                    c.remember(key, options(guildTag(guildId), lbTag(guildId), userTag(guildId, userId)), load::get);
        }
        return r.rank == 0 ? OptionalInt.empty() : OptionalInt.of(r.rank);
    }

    @Override
    public UserActivity getUserStats(long guildId, long userId, int days) {
        checkIds(guildId, userId);
        Window w = Window.lastDays(days);
        DayRange range = Objects.requireNonNull(range(guildId, w));
        Loader0<UserActivity> load = () -> activity(guildId, userId, range);
        Cache<Object> c = cache;
        if (c == null) {
            return load.get();
        }
        String key = CacheKeys.key("stats", guildId, userId, windowKey(w, range));
        return (UserActivity) c.remember(key, options(guildTag(guildId), userTag(guildId, userId)), load::get);
    }

    private UserActivity activity(long guildId, long userId, DayRange range) {
        List<ActivityRow> rows = storage.activity(guildId, userId, range);
        var days = new TreeMap<LocalDate, long[]>();
        var channels = new TreeMap<Long, long[]>();
        long voice = 0, xp = 0, msgs = 0;
        for (ActivityRow r : rows) {
            long[] d = days.computeIfAbsent(r.day(), k -> new long[3]);
            d[0] += r.voiceMs();
            d[1] += r.xp();
            d[2] += r.messages();
            if (r.channelId() != 0) {
                long[] ch = channels.computeIfAbsent(r.channelId(), k -> new long[3]);
                ch[0] += r.voiceMs();
                ch[1] += r.xp();
                ch[2] += r.messages();
            }
            voice += r.voiceMs();
            xp += r.xp();
            msgs += r.messages();
        }
        var dayList = new ArrayList<UserActivity.Day>(days.size());
        days.forEach((d, v) -> dayList.add(new UserActivity.Day(d, v[0], v[1], v[2])));
        var chMap = new HashMap<Long, UserActivity.Totals>();
        channels.forEach((id, v) -> chMap.put(id, new UserActivity.Totals(id, v[0], v[1], v[2])));
        return new UserActivity(guildId, userId, range.from(), range.to(), voice, xp, msgs, dayList, chMap);
    }

    @Override
    public List<VoiceSession> getSessions(long guildId, long userId, int limit) {
        checkIds(guildId, userId);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return storage.sessions(guildId, userId, limit);
    }

    // =====================================================================================
    // listeners
    // =====================================================================================

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

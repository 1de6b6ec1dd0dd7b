package dev.voicetrack.bot.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bot's storage: the real one, with every call timed ({@code voicetrack_storage_seconds{op,
 * outcome}}, with histogram buckets ({@code _bucket}, 100 µs to 30 s) so that Prometheus can compute
 * percentiles), bounded in time, and its outcome reported to a {@link StorageHealth}.
 *
 * <h2>Bounded calls</h2>
 *
 * A caller never waits more than the timeout ({@code STORAGE_TIMEOUT}) for an answer: calls run on
 * this class's own threads (reads on a small pool, writes on one writer thread, so writes keep their
 * order) and the caller waits for the result with that bound. A call still queued when its caller
 * gives up is never started ("nothing was written"); one already running goes on in the background
 * and its caller is told it may still complete. When the threads are all stuck on a hung server and
 * the queue is full, new calls fail at once. While the last verdict of the {@link StorageHealth} is a
 * failure, reads fail at once without being attempted; the health probe (and the tick's writes, which
 * are always attempted) find the storage back. The exceptions: {@link #init}, {@link #openSessions}
 * (start-up), {@link #exportGuild}, {@link #importGuild} (bulk admin work) wait as long as the storage
 * takes, and {@link #close} is direct.
 *
 * <h2>A tick's write that does not answer in time</h2>
 *
 * The tracker keeps a failed batch's increments and sends them again, added to the next tick's, in
 * its next batch. That is exact when the failed write wrote nothing, but a write that timed out may
 * still commit later. So a tick's {@link #apply} (marked by {@link #onTickPath}) that did not answer
 * is remembered as <em>in doubt</em>, and the next tick's write first waits (bounded) for its outcome;
 * while it is unknown, no other tick write starts, and the tracker keeps buffering. If it failed,
 * nothing changes; if it committed, its increments are <em>carried</em>: the tracker still holds
 * them and will send them again, so they are subtracted, key by key (guild, user, channel, day), from
 * the batches it sends until one of them is written. A key whose increments in a batch are smaller
 * than what is carried for it was dropped by the tracker meanwhile (a reset, or the buffer bound) and
 * is written as sent. Session rows are upserts by id and need no such care. So a timed-out batch is
 * retried without being counted twice, and nothing is lost. Writes outside a tick (an admin's
 * {@code /xp add}) are not carried by the tracker and are not remembered: their callers see an error
 * that says the write may still complete.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
final class TimedStorage implements Storage {

    /** The histogram buckets' range: in-memory reads take microseconds, a slow write seconds. */
    static final Duration MIN_EXPECTED = Duration.ofNanos(100_000);

    static final Duration MAX_EXPECTED = Duration.ofSeconds(30);

    private static final int READERS = 4;
    private static final int QUEUE_CAPACITY = 64;
    private static final ThreadLocal<Boolean> TICK = ThreadLocal.withInitial(() -> false);

    private final Storage delegate;
    private final MeterRegistry registry;
    private final String backend;
    private final Duration timeout;
    private final StorageHealth health;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor readers;
    private final ThreadPoolExecutor writer;
    private final ThreadPoolExecutor prober;

    private final Object tickWrites = new Object();
    private @Nullable InDoubt inDoubt; // guarded by tickWrites
    private final Carried carried = new Carried(); // guarded by tickWrites

    private volatile @Nullable Call<List<Long>> probing;
    private volatile long probeStartedNanos;

    /** A tick's write whose outcome was not known when its caller stopped waiting. */
    private record InDoubt(Batch batch, Call<List<MemberTotals>> call) {}

    /**
     * @param timeout how long a caller waits for one call
     * @param health where outcomes go
     */
    TimedStorage(Storage delegate, MeterRegistry registry, String backend, Duration timeout, StorageHealth health) {
        this.delegate = delegate;
        this.registry = registry;
        this.backend = backend;
        this.timeout = timeout;
        this.health = health;
        this.readers = pool("voicetrack-storage-read", READERS);
        this.writer = pool("voicetrack-storage-write", 1);
        this.prober = pool("voicetrack-storage-probe", 1);
    }

    private static ThreadPoolExecutor pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** Runs {@code work} (a tick, or the tracker's last tick) with its writes treated as the tick's. */
    <T> T onTickPath(Supplier<T> work) {
        boolean outer = !TICK.get();
        TICK.set(true);
        try {
            return work.get();
        } finally {
            if (outer) {
                TICK.remove();
            }
        }
    }

    /** The bound on one call. */
    Duration timeout() {
        return timeout;
    }

    /**
     * Checks the storage with one cheap read ({@code guildIds}) on its own thread, waiting at most the
     * timeout, and reports the verdict to the health. A probe still unanswered from before is not
     * doubled: its age is the verdict.
     */
    void probe() {
        Call<List<Long>> running = probing;
        if (running != null && !running.result.isDone()) {
            long waited = System.nanoTime() - probeStartedNanos;
            if (waited > timeout.toNanos()) {
                health.failed("no answer to the health probe for " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            }
            return;
        }
        long start = System.nanoTime();
        Call<List<Long>> call = new Call<>("probe", delegate::guildIds);
        probing = call;
        probeStartedNanos = start;
        try {
            prober.execute(call);
        } catch (RejectedExecutionException e) {
            return; // closing
        }
        try {
            call.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            health.probed(Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            health.failed("storage did not answer the health probe within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            health.failed("health probe failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** One storage call run on a pool; abandoned by its caller before it starts, it never runs. */
    private final class Call<T> implements Runnable {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int ABANDONED = 2;

        final String op;
        final Supplier<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(QUEUED);

        Call(String op, Supplier<T> work) {
            this.op = op;
            this.work = work;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return;
            }
            try {
                result.complete(timed(op, work));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        /** Whether the call was stopped before it started (then it never runs). */
        boolean abandon() {
            return state.compareAndSet(QUEUED, ABANDONED);
        }
    }

    private <T> T timed(String op, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            health.ok();
            return result;
        } catch (StorageException e) {
            health.failed(op + ": " + e.getMessage());
            throw e;
        } finally {
            record(op, outcome, System.nanoTime() - start);
        }
    }

    private void record(String op, String outcome, long nanos) {
        String key = op + '|' + outcome;
        timers.computeIfAbsent(key, k -> Timer.builder("voicetrack.storage")
                        .description("Storage call latency")
                        .tag("op", op)
                        .tag("outcome", outcome)
                        .tag("backend", backend)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(MIN_EXPECTED)
                        .maximumExpectedValue(MAX_EXPECTED)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private <T> Call<T> submit(String op, ThreadPoolExecutor pool, Supplier<T> work) {
        Call<T> call = new Call<>(op, work);
        try {
            pool.execute(call);
        } catch (RejectedExecutionException e) {
            String message = pool.isShutdown()
                    ? "storage is closed"
                    : "storage is not answering: " + op + " refused, "
                            + pool.getQueue().size() + " calls are already waiting";
            health.failed(message);
            throw new StorageException(message);
        }
        return call;
    }

    private <T> T read(String op, Supplier<T> work) {
        StorageHealth.State h = health.state();
        if (!h.up()) {
            // Known down: a query fails at once instead of waiting out the timeout once more. The
            // probe and the tick's writes keep asking, and the first answer lets queries through again.
            throw new StorageException("storage is unavailable, " + op + " not attempted: "
                    + h.lastError().orElse("no answer"));
        }
        return await(submit(op, readers, work), false);
    }

    private <T> T write(String op, Supplier<T> work) {
        return await(submit(op, writer, work), true);
    }

    private void writeVoid(String op, Runnable work) {
        write(op, () -> {
            work.run();
            return null;
        });
    }

    private <T> T await(Call<T> call, boolean write) {
        try {
            return call.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timedOut(call, call.abandon() ? " Nothing was written." : write ? " It may still complete." : "");
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(call.op + " was interrupted", e);
        }
    }

    private StorageException timedOut(Call<?> call, String outcome) {
        String message = "storage did not answer " + call.op + " within " + timeout.toMillis()
                + " ms (STORAGE_TIMEOUT)." + outcome;
        health.failed(message);
        record(call.op, "timeout", timeout.toNanos());
        return new StorageException(message);
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new StorageException(String.valueOf(cause), cause);
    }

    // ---------------------------------------------------------------- a tick's write

    @Override
    public List<MemberTotals> apply(Batch batch) {
        if (!TICK.get()) {
            return write("apply", () -> delegate.apply(batch));
        }
        synchronized (tickWrites) {
            InDoubt doubt = inDoubt;
            if (doubt != null) {
                try {
                    doubt.call().result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    carried.add(doubt.batch());
                } catch (TimeoutException e) {
                    throw timedOut(
                            doubt.call(),
                            " An earlier write of increments has not answered yet; nothing was written, the"
                                    + " increments stay buffered.");
                } catch (ExecutionException e) {
                    // it failed: nothing of it was written, and the tracker sends it again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("apply was interrupted", e);
                }
                inDoubt = null;
            }
            Batch toWrite = carried.subtractFrom(batch);
            Call<List<MemberTotals>> call = submit("apply", writer, () -> delegate.apply(toWrite));
            try {
                List<MemberTotals> totals = call.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                carried.clear(); // the tracker drops what it buffered: nothing is carried any more
                return totals;
            } catch (TimeoutException e) {
                if (call.abandon()) {
                    throw timedOut(call, " Nothing was written; the increments stay buffered.");
                }
                inDoubt = new InDoubt(toWrite, call);
                throw timedOut(call, " Its outcome is awaited before the next write, so nothing is counted twice.");
            } catch (ExecutionException e) {
                throw unwrap(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("apply was interrupted", e);
            }
        }
    }

    /**
     * Increments written to storage that the tracker still holds (their write timed out, then
     * committed), per (guild, user, channel, day): voice ms, xp, messages, sessions.
     */
    private static final class Carried {
        private record Key(long guildId, long userId, long channelId, LocalDate day) {}

        private final Map<Key, long[]> written = new HashMap<>();

        void clear() {
            written.clear();
        }

        void add(Batch batch) {
            sums(batch).forEach((k, v) -> {
                long[] sum = written.computeIfAbsent(k, x -> new long[4]);
                for (int f = 0; f < 4; f++) {
                    sum[f] += v[f];
                }
            });
        }

        private static Key key(MemberDelta d) {
            return new Key(d.guildId(), d.userId(), d.channelId(), d.day());
        }

        private static Map<Key, long[]> sums(Batch batch) {
            Map<Key, long[]> out = new HashMap<>();
            for (MemberDelta d : batch.deltas()) {
                long[] sum = out.computeIfAbsent(key(d), k -> new long[4]);
                sum[0] += d.voiceMs();
                sum[1] += d.xp();
                sum[2] += d.messages();
                sum[3] += d.sessions();
            }
            return out;
        }

        /**
         * {@code batch} without what is carried. A key the batch holds less of than is carried, or
         * lacks (a tick's batch holds every increment the tracker buffers), was dropped by the tracker
         * and is forgotten here. What is carried stays carried until {@link #clear}: should this batch
         * fail too, the tracker sends it all again.
         */
        Batch subtractFrom(Batch batch) {
            if (written.isEmpty()) {
                return batch;
            }
            Map<Key, long[]> sent = sums(batch);
            written.entrySet().removeIf(e -> {
                long[] s = sent.get(e.getKey());
                return s == null || !covers(s, e.getValue());
            });
            if (written.isEmpty()) {
                return batch;
            }
            Map<Key, long[]> left = new HashMap<>();
            written.forEach((k, v) -> left.put(k, v.clone()));
            List<MemberDelta> out = new ArrayList<>(batch.deltas().size());
            for (MemberDelta d : batch.deltas()) {
                long[] l = left.get(key(d));
                if (l == null) {
                    out.add(d);
                    continue;
                }
                // Several deltas may share a key: what is carried is taken from them in turn.
                long voice = Math.min(d.voiceMs(), l[0]);
                long xp = Math.min(d.xp(), l[1]);
                long messages = Math.min(d.messages(), l[2]);
                long sessions = Math.min(d.sessions(), l[3]);
                l[0] -= voice;
                l[1] -= xp;
                l[2] -= messages;
                l[3] -= sessions;
                out.add(new MemberDelta(
                        d.guildId(),
                        d.userId(),
                        d.channelId(),
                        d.day(),
                        d.voiceMs() - voice,
                        d.xp() - xp,
                        d.messages() - messages,
                        d.sessions() - sessions,
                        d.lastSeen()));
            }
            return new Batch(out, batch.sessions());
        }

        private static boolean covers(long[] sent, long[] carried) {
            for (int i = 0; i < 4; i++) {
                if (sent[i] < carried[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    // ---------------------------------------------------------------- the rest

    @Override
    public void init() {
        timed("init", () -> {
            delegate.init();
            return null;
        });
    }

    @Override
    public int schemaVersion() {
        return delegate.schemaVersion();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return read("guildConfig", () -> delegate.guildConfig(guildId));
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        writeVoid("saveGuildConfig", () -> delegate.saveGuildConfig(guildId, config));
    }

    @Override
    public List<Long> guildIds() {
        return read("guildIds", delegate::guildIds);
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        return write("raiseLevels", () -> delegate.raiseLevels(raises));
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return read("member", () -> delegate.member(guildId, userId));
    }

    /** The members are collected on the storage's reader thread and handed to {@code action} on the caller's. */
    @Override
    public void forEachMember(long guildId, Consumer<? super MemberStats> action) {
        List<MemberStats> members = read("forEachMember", () -> {
            var out = new ArrayList<MemberStats>();
            delegate.forEachMember(guildId, out::add);
            return out;
        });
        members.forEach(action);
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return read("leaderboard", () -> delegate.leaderboard(guildId, metric, range, limit, offset));
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return read("rank", () -> delegate.rank(guildId, userId, metric, range));
    }

    @Override
    public long memberCount(long guildId) {
        return read("memberCount", () -> delegate.memberCount(guildId));
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        return read("activity", () -> delegate.activity(guildId, userId, range));
    }

    @Override
    public HourlyActivity hourlyActivity(long guildId, DayRange range) {
        return read("hourlyActivity", () -> delegate.hourlyActivity(guildId, range));
    }

    @Override
    public List<VoiceSession> openSessions() {
        return timed("openSessions", delegate::openSessions);
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return read("sessions", () -> delegate.sessions(guildId, userId, limit));
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        return write("setXp", () -> delegate.setXp(guildId, userId, xp, level));
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        return write("setLevel", () -> delegate.setLevel(guildId, userId, level));
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        return write("resetMember", () -> delegate.resetMember(guildId, userId));
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return write("deleteMember", () -> delegate.deleteMember(guildId, userId));
    }

    @Override
    public void deleteGuild(long guildId) {
        writeVoid("deleteGuild", () -> delegate.deleteGuild(guildId));
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        writeVoid("updateMetadata", () -> delegate.updateMetadata(guildId, userId, set, remove));
    }

    @Override
    public GuildSnapshot exportGuild(long guildId) {
        return timed("exportGuild", () -> delegate.exportGuild(guildId));
    }

    @Override
    public void importGuild(GuildSnapshot snapshot) {
        timed("importGuild", () -> {
            delegate.importGuild(snapshot);
            return null;
        });
    }

    /** Stops this class's threads (calls still running on them are left to finish) and closes the storage. */
    @Override
    public void close() {
        readers.shutdownNow();
        writer.shutdownNow();
        prober.shutdownNow();
        delegate.close();
    }
}

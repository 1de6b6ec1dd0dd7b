package dev.voicetrack.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a cache ahead of demand from named tasks: at start-up ({@link #warmNow()}), on request
 * ({@link #warm(String)}, the original's {@code /cache-warm [scope]}) and periodically ({@link
 * #start}, every {@link #DEFAULT_PERIOD 6 hours} by default, as the original refreshed its reference
 * data).
 *
 * <p>Each task returns the entries of its scope, which are stored with {@link Cache#warm}. A task
 * that throws is reported in the {@link WarmReport} and never stops the others. Durations are
 * measured with the injected {@link Ticker} (by default the cache's).
 *
 * <p>Thread safe. Runs are not serialised: a manual run may overlap a scheduled one, which is
 * harmless because each only writes fresh entries.
 *
 * <pre>{@code
 * CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
 *         .task("config", () -> loadGuildConfigs())
 *         .task("reference", () -> loadReferenceData())
 *         .build();
 * warmer.warmNow();                       // at start-up
 * warmer.start(scheduler);                // then every 6 hours
 * }</pre>
 *
 * @param <V> the cache's value type
 */
public final class CacheWarmer<V> implements AutoCloseable {

    /** How often {@link #start(ScheduledExecutorService)} warms: 6 hours, as in the original. */
    public static final Duration DEFAULT_PERIOD = Duration.ofHours(6);

    /** The scope that selects every task. */
    public static final String ALL = "all";

    private static final Logger LOG = LoggerFactory.getLogger(CacheWarmer.class);

    private final Cache<V> cache;
    private final Map<String, WarmTask<V>> tasks;
    private final Ticker ticker;
    private final @Nullable Consumer<? super WarmReport> listener;
    private final AtomicReference<@Nullable WarmReport> lastReport = new AtomicReference<>();
    private final Object scheduleLock = new Object();
    private @Nullable ScheduledFuture<?> scheduled;
    private boolean closed;

    private CacheWarmer(Builder<V> b) {
        this.cache = b.cache;
        this.tasks = Collections.unmodifiableMap(new LinkedHashMap<>(b.tasks));
        this.ticker = b.ticker != null ? b.ticker : b.cache.config().ticker();
        this.listener = b.listener;
    }

    /** A builder of a warmer over {@code cache}. */
    public static <V> Builder<V> builder(Cache<V> cache) {
        return new Builder<>(Objects.requireNonNull(cache, "cache must not be null"));
    }

    /** The scopes of the tasks, in the order they were added (without {@value #ALL}). */
    public Set<String> scopes() {
        return tasks.keySet();
    }

    /** Runs every task, in order; see {@link #warm(String)}. */
    public WarmReport warmNow() {
        return run(tasks.keySet());
    }

    /**
     * Runs the task of {@code scope}, or every task when the scope is {@value #ALL}, on the calling
     * thread, and stores what each returns. Never throws because a task failed: failures are in the
     * report.
     *
     * @throws IllegalArgumentException naming the scope and the known scopes, if there is no such
     *     task
     */
    public WarmReport warm(String scope) {
        Objects.requireNonNull(scope, "scope must not be null");
        if (ALL.equals(scope)) {
            return warmNow();
        }
        if (!tasks.containsKey(scope)) {
            var known = new ArrayList<String>();
            known.add(ALL);
            known.addAll(tasks.keySet());
            throw new IllegalArgumentException("scope must be one of " + known + ", was '" + scope + "'");
        }
        return run(List.of(scope));
    }

    /** The report of the most recent run that finished, manual or scheduled. */
    public Optional<WarmReport> lastReport() {
        return Optional.ofNullable(lastReport.get());
    }

    /**
     * Warms every {@link #DEFAULT_PERIOD}, starting one period from now; see {@link
     * #start(ScheduledExecutorService, Duration)}.
     */
    public void start(ScheduledExecutorService executor) {
        start(executor, DEFAULT_PERIOD);
    }

    /**
     * Runs every task on {@code executor} every {@code period}, the first time one period from now
     * (call {@link #warmNow()} at start-up for the first warm). Runs never overlap each other: the
     * next starts one period after the previous finished. The executor stays the caller's; {@link
     * #close()} cancels the schedule but does not shut it down.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException if the warmer was already started or was closed
     */
    public void start(ScheduledExecutorService executor, Duration period) {
        Objects.requireNonNull(executor, "executor must not be null");
        Objects.requireNonNull(period, "period must not be null");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("period must be > 0, was " + period);
        }
        long nanos = saturatedNanos(period);
        synchronized (scheduleLock) {
            if (closed) {
                throw new IllegalStateException("the warmer was closed");
            }
            if (scheduled != null) {
                throw new IllegalStateException("the warmer was already started");
            }
            scheduled = executor.scheduleWithFixedDelay(this::runScheduled, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Cancels the schedule, if any, without interrupting a run in progress. Manual runs still work.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (scheduleLock) {
            closed = true;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    private void runScheduled() {
        // An exception escaping here would silently cancel every later run.
        try {
            warmNow();
        } catch (RuntimeException e) {
            LOG.error("scheduled cache warming of '{}' failed", cache.name(), e);
        }
    }

    private WarmReport run(Collection<String> scopes) {
        var results = new ArrayList<WarmReport.TaskResult>(scopes.size());
        for (String scope : scopes) {
            results.add(runTask(scope, tasks.get(scope)));
        }
        WarmReport report = new WarmReport(results);
        lastReport.set(report);
        if (listener != null) {
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                LOG.warn("cache warm report listener failed", e);
            }
        }
        return report;
    }

    private WarmReport.TaskResult runTask(String scope, WarmTask<V> task) {
        long start = ticker.read();
        try {
            Collection<CacheEntry<V>> entries = task.load();
            if (entries == null) {
                throw new NullPointerException("warm task '" + scope + "' returned null instead of a collection");
            }
            int stored = cache.warm(entries);
            return new WarmReport.TaskResult(scope, stored, Optional.empty(), elapsedSince(start));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            LOG.warn("warming scope '{}' of cache '{}' failed: {}", scope, cache.name(), why, e);
            return new WarmReport.TaskResult(scope, 0, Optional.of(why), elapsedSince(start));
        }
    }

    private Duration elapsedSince(long start) {
        return Duration.ofNanos(Math.max(0, ticker.read() - start));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Builds a {@link CacheWarmer}; each method validates its argument at once. Not thread safe.
     *
     * @param <V> the cache's value type
     */
    public static final class Builder<V> {
        private final Cache<V> cache;
        private final Map<String, WarmTask<V>> tasks = new LinkedHashMap<>();
        private @Nullable Ticker ticker;
        private @Nullable Consumer<? super WarmReport> listener;

        private Builder(Cache<V> cache) {
            this.cache = cache;
        }

        /**
         * Adds the task of a scope (for example {@code "config"} or {@code "reference"}).
         *
         * @throws IllegalArgumentException if the scope is blank, is {@value #ALL}, or already has a
         *     task
         */
        public Builder<V> task(String scope, WarmTask<V> task) {
            Objects.requireNonNull(scope, "scope must not be null");
            Objects.requireNonNull(task, "task must not be null");
            if (scope.isBlank()) {
                throw new IllegalArgumentException("scope must not be blank, was '" + scope + "'");
            }
            if (ALL.equals(scope)) {
                throw new IllegalArgumentException("scope must not be the reserved '" + ALL + "', was '" + scope + "'");
            }
            if (tasks.containsKey(scope)) {
                throw new IllegalArgumentException("scope must be unique, was '" + scope + "' twice");
            }
            tasks.put(scope, task);
            return this;
        }

        /** The time source for task durations; by default the cache's ticker. */
        public Builder<V> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
            return this;
        }

        /**
         * Called with the report of every run, manual or scheduled, on the thread that ran it (for
         * logging or metrics). An exception it throws is logged and otherwise ignored.
         */
        public Builder<V> onReport(Consumer<? super WarmReport> listener) {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        public CacheWarmer<V> build() {
            return new CacheWarmer<>(this);
        }
    }
}

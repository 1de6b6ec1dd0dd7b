package dev.voicetrack.bench.storage;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceTrackerBuilder;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Storage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Issue 21's read mix: how many of the reads a bot answers reach storage while ticks run. 100 guilds x 1,000
 * members in voice on SQLite or PostgreSQL (the {@link LoadStore} setup of {@link TrackerLoadRun}), the real clock
 * and scheduler, ticks every 5 s, the bot's default in-process cache (10,000 entries, 5 minute TTL), and reader
 * threads issuing, across the guilds, a few reads per guild per second, as {@code /leaderboard}, {@code /rank} and
 * {@code /stats} do:
 *
 * <ul>
 *   <li>40% leaderboard pages of 11 rows (a page of 10 and one to tell whether there is a next): metric XP 50%,
 *       voice time 25%, messages 15%, level 10%; window all time 55%, this week 20%, this month 15%, last 7 days
 *       10% (level is all time only); page Zipf-distributed over 1..5.
 *   <li>30% ranks: XP 70%, voice time 30%; all time 80%, this week 20%.
 *   <li>30% member stats ({@code getUser}).
 * </ul>
 *
 * Ranks and member stats ask about a member drawn from a Zipf distribution (exponent 1) over the 1,000 members in
 * id order, which is also their rank order here (every member accrues the same, ties go to the lower id): the top
 * member gets 13% of them, the top 64 about 63%.
 *
 * <p>A read "reached storage" when the storage was called on the reader's own thread during it (the store is
 * wrapped in a counting proxy); a reader that waited for another thread's load of the same key counts as served
 * from memory, and shows in the latency. Latency is the time of the one tracker call. Each configuration runs a
 * warm-up of {@code warm-up} seconds (readers on, nothing recorded) after the first two ticks, then measures for
 * {@code seconds}. "before" is {@code refreshAhead(Duration.ZERO)} (neither refresh-ahead nor guild snapshots),
 * "refresh" refresh-ahead without guild snapshots ({@code guildSnapshotMaxMembers(0)}), "after" the defaults
 * (refresh-ahead and guild snapshots). A guild snapshot's reads (the guild's members, windowed boards) count as
 * storage reads like any other: on a reader's thread as that read reaching storage, on the tick's thread in the
 * tick thread's figures.
 *
 * <p>Run from the repository root ({@code voicetrack-bench/run-read-mix.sh} builds the jar first):
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.ReadMixLoadRun sqlite both
 * }</pre>
 *
 * <p>Arguments: backend ({@code sqlite}, {@code postgres} or {@code both}), mode ({@code before}, {@code refresh},
 * {@code after}, {@code both} for before and after, or {@code all}), then optionally measured seconds, warm-up seconds, reads per guild per second, guilds, members per
 * guild, check interval in seconds, the cache's maximum entries (defaults 75 15 3 100 1000 5 10000, the last the
 * bot's {@code CACHE_MAX_ENTRIES}).
 */
public final class ReadMixLoadRun {
    private static final int READER_THREADS = 4;
    private static final int PAGES = 5;
    private static final int PAGE_ROWS = 11;
    private static final long HOT_FOR_NANOS = VoiceTrackerBuilder.DEFAULT_REFRESH_AHEAD.toNanos();
    private static final Set<String> STORAGE_READS =
            Set.of("member", "leaderboard", "rank", "activity", "forEachMember", "memberCount");

    /** What the tracker does for its readers. */
    private enum Mode {
        /** Neither refresh-ahead nor guild snapshots. */
        BEFORE,
        /** Refresh-ahead without guild snapshots. */
        REFRESH,
        /** The defaults: refresh-ahead and guild snapshots. */
        AFTER
    }

    private enum Kind {
        LEADERBOARD,
        RANK,
        MEMBER
    }

    private ReadMixLoadRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2
                || !List.of("sqlite", "postgres", "both").contains(args[0])
                || !List.of("before", "refresh", "after", "both", "all").contains(args[1])) {
            System.err.println("usage: ReadMixLoadRun sqlite|postgres|both before|refresh|after|both|all"
                    + " [seconds warm-up-seconds reads-per-guild-per-second guilds members interval-seconds"
                    + " cache-entries]");
            System.exit(2);
        }
        var p = new Params(
                arg(args, 2, 75),
                arg(args, 3, 15),
                arg(args, 4, 3),
                arg(args, 5, 100),
                arg(args, 6, 1000),
                Duration.ofSeconds(arg(args, 7, 5)),
                arg(args, 8, (int) CacheConfig.DEFAULT_MAXIMUM_ENTRIES));
        List<String> backends = args[0].equals("both") ? LoadStore.BACKENDS : List.of(args[0]);
        List<Mode> modes =
                switch (args[1]) {
                    case "before" -> List.of(Mode.BEFORE);
                    case "refresh" -> List.of(Mode.REFRESH);
                    case "after" -> List.of(Mode.AFTER);
                    case "both" -> List.of(Mode.BEFORE, Mode.AFTER);
                    default -> List.of(Mode.values());
                };
        var summary = new ArrayList<String>();
        for (String backend : backends) {
            for (Mode r : modes) {
                try (LoadStore load = LoadStore.open(backend)) {
                    summary.add(run(load, r, p));
                }
            }
        }
        System.out.println();
        System.out.println("summary (all reads)");
        summary.forEach(System.out::println);
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    private record Params(
            int seconds,
            int warmUpSeconds,
            int readsPerGuildPerSecond,
            int guilds,
            int members,
            Duration interval,
            int cacheEntries) {}

    /** One configuration; returns its summary line. */
    private static String run(LoadStore load, Mode mode, Params p) throws Exception {
        String name = load.backend + " " + mode.name().toLowerCase(Locale.ROOT);
        var counting = new CountingStorage(load.store);
        Cache<Object> cache = InProcessCache.create(CacheConfig.builder()
                .name("voicetrack")
                .maximumEntries(p.cacheEntries)
                .defaultTtl(VoiceTrackerBuilder.DEFAULT_CACHE_TTL)
                .build());
        var ticks = new AtomicInteger();
        var overruns = new AtomicInteger();
        var errors = new AtomicInteger();
        var tickMillis = new LongAdder();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voicetrack-tick");
            t.setDaemon(true);
            return t;
        });
        load.store.init();
        try (VoiceTracker tracker = VoiceTracker.builder()
                .storage(counting.proxy())
                .ownsStorage(false)
                .cache(cache)
                .scheduler(scheduler)
                .checkInterval(p.interval)
                .refreshAhead(mode == Mode.BEFORE ? Duration.ZERO : VoiceTrackerBuilder.DEFAULT_REFRESH_AHEAD)
                .guildSnapshotMaxMembers(
                        mode == Mode.AFTER ? VoiceTrackerBuilder.DEFAULT_GUILD_SNAPSHOT_MAX_MEMBERS : 0)
                .build()) {
            tracker.addListener(new TrackerListener() {
                @Override
                public void tickCompleted(TickReport report) {
                    ticks.incrementAndGet();
                    tickMillis.add(report.totalTime().toMillis());
                    if (report.overran()) {
                        overruns.incrementAndGet();
                    }
                }

                @Override
                public void error(String context, @Nullable Throwable error) {
                    if (context.startsWith("tick overran") || context.startsWith("tick skipped")) {
                        overruns.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                        System.out.println("tracker error: " + context + (error == null ? "" : ": " + error));
                    }
                }
            });
            tracker.start();
            LoadStore.joinAll(tracker, p.guilds, p.members);
            System.out.printf(
                    Locale.ROOT,
                    "%n%s: %d guilds x %d members in voice, ticks every %d s, %d reads per guild per second,"
                            + " cache of %d entries, %d s warm-up then %d s measured%n",
                    name,
                    p.guilds,
                    p.members,
                    p.interval.toSeconds(),
                    p.readsPerGuildPerSecond,
                    p.cacheEntries,
                    p.warmUpSeconds,
                    p.seconds);
            long deadline = System.nanoTime() + p.interval.toNanos() * 3 + TimeUnit.MINUTES.toNanos(3);
            while (ticks.get() < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the first two ticks did not complete within 3 minutes");
                }
                Thread.sleep(50);
            }
            var readers = new Readers(tracker, counting, p);
            readers.start();
            Thread.sleep(p.warmUpSeconds * 1000L);
            int ticks0 = ticks.get();
            int overruns0 = overruns.get();
            long tickMillis0 = tickMillis.sum();
            long refreshReads0 = counting.otherThreads.sum();
            long refreshNanos0 = counting.otherThreadNanos.sum();
            CacheStats stats0 = cache.stats();
            readers.measure(true);
            long t0 = System.nanoTime();
            Thread.sleep(p.seconds * 1000L);
            readers.measure(false);
            long wall = System.nanoTime() - t0;
            int measuredTicks = ticks.get() - ticks0;
            long refreshReads = counting.otherThreads.sum() - refreshReads0;
            long refreshMillis = (counting.otherThreadNanos.sum() - refreshNanos0) / 1_000_000;
            CacheStats stats1 = cache.stats();
            readers.stop();
            System.out.printf(
                    Locale.ROOT,
                    "%d ticks while measured (mean %.0f ms each), %d overran or skipped; other tracker errors %d;"
                            + " load average %s%n",
                    measuredTicks,
                    measuredTicks == 0 ? 0.0 : (double) (tickMillis.sum() - tickMillis0) / measuredTicks,
                    overruns.get() - overruns0,
                    errors.get(),
                    loadAverage());
            long hits = stats1.hits() - stats0.hits();
            long misses = stats1.misses() - stats0.misses();
            System.out.printf(
                    Locale.ROOT,
                    "storage reads by the tick thread (refresh-ahead, snapshots) %d taking %d ms (%.0f ms per tick);"
                            + " cache hit rate over the window %.1f%% (%d hits, %d misses); %d entries at the end, %d"
                            + " size evictions in all%n",
                    refreshReads,
                    refreshMillis,
                    measuredTicks == 0 ? 0.0 : (double) refreshMillis / measuredTicks,
                    hits + misses == 0 ? 0.0 : 100.0 * hits / (hits + misses),
                    hits,
                    misses,
                    stats1.size(),
                    stats1.sizeEvictions());
            return readers.report(name, wall);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /**
     * The store with its read methods counted: per thread, so that a reader can tell whether its own read reached
     * storage, and in all on threads that are not readers (the tick thread's refresh-ahead).
     */
    private static final class CountingStorage {
        private final Storage store;
        private final ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> new long[1]);
        private final ThreadLocal<Boolean> reader = ThreadLocal.withInitial(() -> false);
        final LongAdder otherThreads = new LongAdder();
        final LongAdder otherThreadNanos = new LongAdder();

        CountingStorage(Storage store) {
            this.store = store;
        }

        Storage proxy() {
            return (Storage) Proxy.newProxyInstance(
                    Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                        boolean other = false;
                        if (STORAGE_READS.contains(method.getName())) {
                            if (reader.get()) {
                                mine.get()[0]++;
                            } else {
                                otherThreads.increment();
                                other = true;
                            }
                        }
                        long t0 = System.nanoTime();
                        try {
                            return method.invoke(store, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            if (other) {
                                otherThreadNanos.add(System.nanoTime() - t0);
                            }
                        }
                    });
        }

        /** Storage reads on this thread so far; marks it as a reader. */
        long onThisThread() {
            reader.set(true);
            return mine.get()[0];
        }
    }

    /** Draws 1..n with probability proportional to 1 / rank. */
    private static final class Zipf {
        private final double[] cumulative;

        Zipf(int n) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / (i + 1);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cumulative[i] /= sum;
            }
        }

        int next(SplittableRandom random) {
            int i = Arrays.binarySearch(cumulative, random.nextDouble());
            return (i >= 0 ? i : -i - 1) + 1;
        }
    }

    /** What one reader thread recorded while measuring; read by the main thread once the readers stopped. */
    private static final class Recorder {
        /** label -> {reads, reads that reached storage} */
        final Map<String, long[]> counts = new TreeMap<>();

        final Map<Kind, long[]> nanos = new EnumMap<>(Kind.class);
        final Map<Kind, Integer> sizes = new EnumMap<>(Kind.class);
        long coldReads;
        long storageColdReads;

        void add(Kind kind, String label, boolean storage, boolean cold, long took) {
            count(kind.name().toLowerCase(Locale.ROOT) + " " + label, storage);
            if (cold) {
                coldReads++;
                if (storage) {
                    storageColdReads++;
                }
            }
            long[] a = nanos.computeIfAbsent(kind, k -> new long[1 << 14]);
            int n = sizes.getOrDefault(kind, 0);
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
                nanos.put(kind, a);
            }
            a[n] = took;
            sizes.put(kind, n + 1);
        }

        private void count(String label, boolean storage) {
            long[] c = counts.computeIfAbsent(label, k -> new long[2]);
            c[0]++;
            if (storage) {
                c[1]++;
            }
        }
    }

    private static final class Readers {
        private final VoiceTracker tracker;
        private final CountingStorage counting;
        private final Params p;
        private final Zipf members;
        private final Zipf pages = new Zipf(PAGES);
        private final List<Thread> threads = new ArrayList<>();
        private final List<Recorder> recorders = new ArrayList<>();
        /** Each read's question (what the cache key names, the day aside) -> when it was last asked, in nanos. */
        private final Map<String, Long> lastAsked = new ConcurrentHashMap<>();

        private volatile boolean measuring;
        private volatile boolean stopping;
        private final CountDownLatch stopped = new CountDownLatch(READER_THREADS);
        private final AtomicInteger failed = new AtomicInteger();

        Readers(VoiceTracker tracker, CountingStorage counting, Params p) {
            this.tracker = tracker;
            this.counting = counting;
            this.p = p;
            this.members = new Zipf(p.members);
        }

        void start() {
            long periodNanos = 1_000_000_000L * READER_THREADS / ((long) p.readsPerGuildPerSecond * p.guilds);
            for (int i = 0; i < READER_THREADS; i++) {
                var rec = new Recorder();
                recorders.add(rec);
                var random = new SplittableRandom(21L * 1_000 + i);
                Thread t = new Thread(() -> loop(rec, random, periodNanos), "reader-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void measure(boolean on) {
            measuring = on;
        }

        void stop() throws InterruptedException {
            stopping = true;
            if (!stopped.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("reader threads did not stop within a minute");
            }
        }

        /** Open loop: read i is due at start + i x period, whatever the previous ones took. */
        private void loop(Recorder rec, SplittableRandom random, long periodNanos) {
            try {
                long next = System.nanoTime();
                while (!stopping) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    next += periodNanos;
                    try {
                        read(rec, random);
                    } catch (RuntimeException e) {
                        if (failed.getAndIncrement() == 0) {
                            System.out.println("first failed read: " + e);
                        }
                    }
                }
            } finally {
                stopped.countDown();
            }
        }

        private void read(Recorder rec, SplittableRandom random) {
            int guild = 1 + random.nextInt(p.guilds);
            double k = random.nextDouble();
            Kind kind;
            String label;
            String key;
            long before = counting.onThisThread();
            long t0;
            long took;
            if (k < 0.4) {
                Metric metric = pick(
                        random,
                        new Metric[] {Metric.XP, Metric.VOICE_TIME, Metric.MESSAGES, Metric.LEVEL},
                        0.5,
                        0.25,
                        0.15);
                Window window = metric == Metric.LEVEL
                        ? Window.allTime()
                        : pick(
                                random,
                                new Window[] {
                                    Window.allTime(), Window.thisWeek(), Window.thisMonth(), Window.lastDays(7)
                                },
                                0.55,
                                0.2,
                                0.15);
                int page = pages.next(random);
                t0 = System.nanoTime();
                tracker.getLeaderboard(guild, metric, window, PAGE_ROWS, (page - 1) * (PAGE_ROWS - 1));
                took = System.nanoTime() - t0;
                kind = Kind.LEADERBOARD;
                label = window.key() + " page " + page;
                key = "lb:" + guild + ":" + metric.key() + ":" + window.key() + ":" + page;
            } else if (k < 0.7) {
                Metric metric = random.nextDouble() < 0.7 ? Metric.XP : Metric.VOICE_TIME;
                Window window = random.nextDouble() < 0.8 ? Window.allTime() : Window.thisWeek();
                int member = members.next(random);
                t0 = System.nanoTime();
                tracker.getRank(guild, LoadStore.userId(guild, member), metric, window);
                took = System.nanoTime() - t0;
                kind = Kind.RANK;
                label = window.key() + " member " + bucket(member);
                key = "rank:" + guild + ":" + metric.key() + ":" + window.key() + ":" + member;
            } else {
                int member = members.next(random);
                t0 = System.nanoTime();
                tracker.getUser(guild, LoadStore.userId(guild, member));
                took = System.nanoTime() - t0;
                kind = Kind.MEMBER;
                label = bucket(member);
                key = "user:" + guild + ":" + member;
            }
            boolean storage = counting.onThisThread() != before;
            Long previous = lastAsked.put(key, t0);
            boolean cold = previous == null || t0 - previous > HOT_FOR_NANOS;
            if (measuring) {
                rec.add(kind, label, storage, cold, took);
            }
        }

        private static String bucket(int member) {
            return member <= 10 ? "top 10" : member <= 64 ? "11-64" : "65+";
        }

        private static <T> T pick(SplittableRandom random, T[] values, double... shares) {
            double x = random.nextDouble();
            for (int i = 0; i < shares.length; i++) {
                x -= shares[i];
                if (x < 0) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        }

        /** Prints what the readers recorded and returns the summary line of all reads. */
        String report(String name, long wallNanos) {
            var counts = new TreeMap<String, long[]>();
            var byKind = new EnumMap<Kind, long[]>(Kind.class);
            long cold = 0;
            long storageCold = 0;
            for (Recorder r : recorders) {
                r.counts.forEach((label, c) -> {
                    long[] sum = counts.computeIfAbsent(label, k -> new long[2]);
                    sum[0] += c[0];
                    sum[1] += c[1];
                });
                r.nanos.forEach((kind, a) -> {
                    long[] all = byKind.getOrDefault(kind, new long[0]);
                    int n = r.sizes.get(kind);
                    long[] merged = Arrays.copyOf(all, all.length + n);
                    System.arraycopy(a, 0, merged, all.length, n);
                    byKind.put(kind, merged);
                });
                cold += r.coldReads;
                storageCold += r.storageColdReads;
            }
            long[] all = byKind.values().stream().flatMapToLong(Arrays::stream).toArray();
            long reads = all.length;
            long storage = counts.values().stream().mapToLong(c -> c[1]).sum();
            System.out.printf(
                    Locale.ROOT,
                    "%d reads in %.1f s (%.0f/s); %d reached storage. Cold reads (the same question not asked in the"
                            + " minute before, so refresh-ahead cannot have it): %d (%.1f%% of reads), %d of them reached"
                            + " storage; warm reads that reached storage: %d; failed reads (not counted): %d%n",
                    reads,
                    wallNanos / 1e9,
                    reads / (wallNanos / 1e9),
                    storage,
                    cold,
                    100.0 * cold / Math.max(1, reads),
                    storageCold,
                    storage - storageCold,
                    failed.get());
            String summary = line(name + " all", reads, storage, all);
            System.out.println(summary);
            for (var e : byKind.entrySet()) {
                String kind = e.getKey().name().toLowerCase(Locale.ROOT);
                long kindStorage = counts.entrySet().stream()
                        .filter(c -> c.getKey().startsWith(kind + " "))
                        .mapToLong(c -> c.getValue()[1])
                        .sum();
                System.out.println(line(name + " " + kind, e.getValue().length, kindStorage, e.getValue()));
            }
            System.out.println("reads that reached storage, by what was read:");
            counts.forEach((label, c) -> System.out.printf(
                    Locale.ROOT,
                    "  %-40s %7d reads, %6d reached storage (%5.1f%%)%n",
                    label,
                    c[0],
                    c[1],
                    100.0 * c[1] / c[0]));
            return summary;
        }

        private static String line(String name, long reads, long storage, long[] nanos) {
            Arrays.sort(nanos);
            return String.format(
                    Locale.ROOT,
                    "%-26s reads %7d  from memory %5.1f%%  p50 %8.3f ms  p99 %8.3f ms  max %8.1f ms",
                    name,
                    reads,
                    reads == 0 ? 0.0 : 100.0 * (reads - storage) / reads,
                    quantile(nanos, 0.50) / 1e6,
                    quantile(nanos, 0.99) / 1e6,
                    nanos.length == 0 ? 0.0 : nanos[nanos.length - 1] / 1e6);
        }

        /** The smallest recorded value with at least {@code q} of the values at or below it. */
        private static long quantile(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, i)];
        }
    }
}

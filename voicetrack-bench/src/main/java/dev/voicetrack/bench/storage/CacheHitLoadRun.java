package dev.voicetrack.bench.storage;

import dev.voicetrack.bench.core.ManualClock;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many tracker reads reach storage under a realistic read mix, and how long reads take: 100
 * guilds x 1,000 members in voice (10 channels of 100 per guild) on SQLite or PostgreSQL, with the
 * in-process cache, ticks every 5 s of simulated time (a manual clock moved by the run, ticks run on
 * demand), and between two ticks, per guild, the reads of 5 s at 3 reads per second (1,500 reads per
 * tick over the 100 guilds, guilds picked at random):
 *
 * <ul>
 *   <li>50% {@code /leaderboard}: a metric (XP, voice time, messages, level) and a window (all time,
 *       this week, this month, last 7 days; level only all time) at random, page {@code k} (10
 *       entries) with probability proportional to {@code 1/(k+1)^2} over 10 pages;
 *   <li>30% {@code /rank}: a member drawn with Zipf skew (exponent 1) towards the top of the
 *       leaderboard, metric and window at random;
 *   <li>20% {@code /stats}: half the member's totals, half the member's last 7 days, same skew.
 * </ul>
 *
 * <p>After 3 warm-up ticks (the first creates every member and session row), it measures {@code
 * ticks} more and prints the share of reads that reached storage (counted on the storage itself, for
 * reads made by the reading phase only), the p50/p99/max read latency, the cache hit rate the cache
 * reports, and the ticks' times. Reads and ticks alternate on one thread, so read latencies do not
 * include waiting for a tick.
 *
 * <p>Run, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench -am
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.CacheHitLoadRun sqlite
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.CacheHitLoadRun postgres
 * }</pre>
 *
 * <p>Optional further arguments: guilds, members per guild, measured ticks, reads per guild per
 * second (defaults 100 1000 6 3).
 */
public final class CacheHitLoadRun {
    private static final int WARM_UP_TICKS = 3;
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final int PAGES = 10;
    private static final int PAGE_SIZE = 10;
    private static final Set<String> READS = Set.of("member", "leaderboard", "rank", "activity");
    private static final Metric[] METRICS = {Metric.XP, Metric.VOICE_TIME, Metric.MESSAGES, Metric.LEVEL};
    private static final Window[] WINDOWS = {Window.allTime(), Window.thisWeek(), Window.thisMonth(), Window.lastDays(7)
    };

    private CacheHitLoadRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !List.of("sqlite", "postgres").contains(args[0])) {
            System.err.println("usage: CacheHitLoadRun sqlite|postgres [guilds members ticks reads-per-guild-per-s]");
            System.exit(2);
        }
        String backend = args[0];
        int guilds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int members = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int ticks = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int readsPerSecond = args.length > 4 ? Integer.parseInt(args[4]) : 3;

        try (LoadRunBackend b = LoadRunBackend.open(backend)) {
            new Run(backend, b.store, guilds, members, ticks, readsPerSecond).run();
        }
    }

    private static final class Run {
        final String backend;
        final JdbcStorage store;
        final int guilds;
        final int members;
        final int ticks;
        final int readsPerTick;
        final ManualClock clock = new ManualClock(Instant.parse("2026-03-11T12:00:00Z"));
        final AtomicLong storageReads = new AtomicLong();
        final AtomicLong tickReads = new AtomicLong();
        final AtomicLong tickReadNanos = new AtomicLong();
        final AtomicLong writeNanos = new AtomicLong();
        final SplittableRandom random = new SplittableRandom(0x5EED_21L);
        final double[] memberCdf;
        final double[] pageCdf;
        volatile boolean reading;

        Run(String backend, JdbcStorage store, int guilds, int members, int ticks, int readsPerSecond) {
            this.backend = backend;
            this.store = store;
            this.guilds = guilds;
            this.members = members;
            this.ticks = ticks;
            this.readsPerTick = (int) (guilds * readsPerSecond * INTERVAL.toSeconds());
            this.memberCdf = cdf(members, 1.0);
            this.pageCdf = cdf(PAGES, 2.0);
        }

        void run() {
            store.init();
            Cache<Object> cache = InProcessCache.create(CacheConfig.defaults());
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(countingReads(store))
                    .cache(cache)
                    .clock(clock)
                    .manualTicks()
                    .checkInterval(INTERVAL)
                    .build()) {
                tracker.start();
                for (int g = 1; g <= guilds; g++) {
                    for (int u = 1; u <= members; u++) {
                        long channel = 10_000L * g + 1 + (u - 1) / 100;
                        tracker.accept(new GatewayEvent.VoiceJoined(
                                g, userId(g, u), channel, MemberInfo.PLAIN, VoiceFlags.NONE));
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s: %d guilds x %d members in voice, a tick every %d s simulated, %d reads between ticks;"
                                + " %d warm-up ticks, then %d measured%n",
                        backend,
                        guilds,
                        members,
                        INTERVAL.toSeconds(),
                        readsPerTick,
                        WARM_UP_TICKS,
                        ticks);
                for (int i = 0; i < WARM_UP_TICKS; i++) {
                    tick(tracker);
                    reads(tracker, new long[readsPerTick]);
                }
                long storage0 = storageReads.get();
                long tickReads0 = tickReads.get();
                long tickReadNanos0 = tickReadNanos.get();
                long writeNanos0 = writeNanos.get();
                var stats0 = cache.stats();
                long[] latencies = new long[readsPerTick * ticks];
                long[] tickNanos = new long[ticks];
                for (int i = 0; i < ticks; i++) {
                    TickReport r = tick(tracker);
                    tickNanos[i] = r.totalTime().toNanos();
                    long[] phase = new long[readsPerTick];
                    reads(tracker, phase);
                    System.arraycopy(phase, 0, latencies, i * readsPerTick, readsPerTick);
                }
                var stats1 = cache.stats();
                long hits = stats1.hits() - stats0.hits();
                long misses = stats1.misses() - stats0.misses();
                report(latencies, storageReads.get() - storage0, hits, misses, tickNanos, stats1.size());
                System.out.printf(
                        Locale.ROOT,
                        "per measured tick: storage write %.0f ms; %d storage queries by the tick (cache reloads)"
                                + " taking %.0f ms%n",
                        (writeNanos.get() - writeNanos0) / 1e6 / ticks,
                        (tickReads.get() - tickReads0) / ticks,
                        (tickReadNanos.get() - tickReadNanos0) / 1e6 / ticks);
            }
        }

        TickReport tick(VoiceTracker tracker) {
            clock.advance(INTERVAL);
            return tracker.tickNow();
        }

        void reads(VoiceTracker tracker, long[] latencies) {
            reading = true;
            try {
                for (int i = 0; i < latencies.length; i++) {
                    long g = 1 + random.nextInt(guilds);
                    long t0 = System.nanoTime();
                    read(tracker, g);
                    latencies[i] = System.nanoTime() - t0;
                }
            } finally {
                reading = false;
            }
        }

        void read(VoiceTracker tracker, long g) {
            double kind = random.nextDouble();
            Metric metric = METRICS[random.nextInt(METRICS.length)];
            Window window = metric == Metric.LEVEL ? Window.allTime() : WINDOWS[random.nextInt(WINDOWS.length)];
            if (kind < 0.5) {
                int page = pick(pageCdf);
                tracker.getLeaderboard(g, metric, window, PAGE_SIZE, page * PAGE_SIZE);
            } else if (kind < 0.8) {
                tracker.getRank(g, userId(g, 1 + pick(memberCdf)), metric, window);
            } else if (kind < 0.9) {
                tracker.getUser(g, userId(g, 1 + pick(memberCdf)));
            } else {
                tracker.getUserStats(g, userId(g, 1 + pick(memberCdf)), 7);
            }
        }

        int pick(double[] cdf) {
            int i = Arrays.binarySearch(cdf, random.nextDouble() * cdf[cdf.length - 1]);
            return i >= 0 ? i : -i - 1;
        }

        void report(long[] latencies, long reachedStorage, long hits, long misses, long[] tickNanos, long entries) {
            Arrays.sort(latencies);
            int n = latencies.length;
            System.out.printf(
                    Locale.ROOT,
                    "measured reads: %d; reached storage: %d (%.1f%%), served from memory: %.1f%%%n",
                    n,
                    reachedStorage,
                    100.0 * reachedStorage / n,
                    100.0 - 100.0 * reachedStorage / n);
            System.out.printf(
                    Locale.ROOT,
                    "read latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    latencies[n / 2] / 1e6,
                    latencies[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6,
                    latencies[n - 1] / 1e6);
            System.out.printf(
                    Locale.ROOT,
                    "cache: hit rate %.1f%% (%d hits, %d misses), %d entries at the end%n",
                    hits + misses == 0 ? 0.0 : 100.0 * hits / (hits + misses),
                    hits,
                    misses,
                    entries);
            long[] sorted = tickNanos.clone();
            Arrays.sort(sorted);
            System.out.printf(
                    Locale.ROOT,
                    "tick time (accounting, write and cache upkeep): median %.0f ms, max %.0f ms%n",
                    sorted[sorted.length / 2] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }

        /**
         * The store, counting the query calls made while the run is reading, and timing the writes and
         * the queries made by ticks (the reloads of hot cache entries).
         */
        Storage countingReads(JdbcStorage target) {
            return (Storage) Proxy.newProxyInstance(
                    Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                        boolean query = READS.contains(method.getName());
                        if (reading && query) {
                            storageReads.incrementAndGet();
                        }
                        long t0 = System.nanoTime();
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            long took = System.nanoTime() - t0;
                            if (method.getName().equals("apply")) {
                                writeNanos.addAndGet(took);
                            } else if (query && !reading) {
                                tickReads.incrementAndGet();
                                tickReadNanos.addAndGet(took);
                            }
                        }
                    });
        }

        static long userId(long g, long u) {
            return 1_000_000L * g + u;
        }

        /** Cumulative weights {@code 1/(k+1)^s} for {@code k = 0..n-1}. */
        static double[] cdf(int n, double s) {
            double[] cdf = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1.0 / Math.pow(k + 1, s);
                cdf[k] = sum;
            }
            return cdf;
        }
    }
}

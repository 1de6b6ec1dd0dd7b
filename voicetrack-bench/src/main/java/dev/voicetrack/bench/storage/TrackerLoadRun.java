package dev.voicetrack.bench.storage;

import com.sun.management.OperatingSystemMXBean;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The tracker as a bot runs it, on SQLite or PostgreSQL: 100 guilds x 1,000 members in voice (100,000
 * members, 10 channels of 100 per guild), the default guild config, the real clock and scheduler with
 * a 10 s check interval. After two warm-up ticks (the first creates every member and session row) it
 * measures {@code ticks} more and prints each tick's storage write time, whether any tick overran,
 * and the CPU used over the measured window as a share of one core: this JVM's, and on PostgreSQL
 * also that of the server processes serving this database (read from {@code /proc}, so only when the
 * server runs on this machine). The goal of issue 5: the 10 s interval is kept using under 30% of one
 * core.
 *
 * <p>PostgreSQL runs in a throwaway database on the server named by {@code PGHOST}/{@code PGPORT} if
 * one answers, else on one the testkit starts; SQLite in a temporary directory.
 *
 * <p>Run, from the repository root, after {@code ./mvnw -B -q -ntp -DskipTests install}:
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.TrackerLoadRun sqlite
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.TrackerLoadRun postgres
 * }</pre>
 *
 * <p>Optional further arguments: guilds, members per guild, check interval in seconds, measured ticks
 * (defaults 100 1000 10 6), and stored members per guild (default: the members in voice). With more
 * stored members than members in voice, the store is first loaded with them (through {@code apply},
 * 50,000 at a time; the members in voice are among them), and after the warm-up ticks one all-time
 * rank query per guild and metric builds the guild's rank indexes (guilds of at least 20,000 members
 * get them), which the measured ticks then keep up to date.
 *
 * <p>Half an interval after the last measured write the run asks for a full GC and prints the heap in
 * use after it: the live set at rest, between two ticks. The memory goals of issue 21 (the live set
 * during a tick's write is read with {@code jcmd <pid> GC.class_histogram} while it runs):
 *
 * <pre>{@code
 * java -Xmx64m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.TrackerLoadRun sqlite 100 1000 10 3
 * java -Xmx256m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.TrackerLoadRun sqlite 10 10000 10 3 100000
 * }</pre>
 */
public final class TrackerLoadRun {
    private static final int WARM_UP_TICKS = 2;
    private static final int LOAD_CHUNK = 50_000;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private record Write(long startNanos, long nanos, int deltas, int sessions) {}

    private TrackerLoadRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !List.of("sqlite", "postgres").contains(args[0])) {
            System.err.println(
                    "usage: TrackerLoadRun sqlite|postgres [guilds members interval-seconds ticks stored-members]");
            System.exit(2);
        }
        String backend = args[0];
        int guilds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int members = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Duration interval = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 10);
        int ticks = args.length > 4 ? Integer.parseInt(args[4]) : 6;
        int stored = args.length > 5 ? Integer.parseInt(args[5]) : members;
        if (stored < members) {
            throw new IllegalArgumentException(
                    "stored members per guild must be >= members in voice (" + members + "), was " + stored);
        }

        try (LoadStore load = LoadStore.open(backend)) {
            run(backend, load.store, load.db, guilds, members, stored, interval, ticks);
        }
    }

    private static void run(
            String backend,
            JdbcStorage store,
            PostgresServer.@Nullable Database db,
            int guilds,
            int members,
            int stored,
            Duration interval,
            int ticks)
            throws Exception {
        store.init();
        if (stored > members) {
            load(store, guilds, stored);
        }
        var writes = new LinkedBlockingQueue<Write>();
        Storage timed = timedApply(store, writes);
        var overruns = new AtomicInteger();
        var errors = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voicetrack-tick");
            t.setDaemon(true);
            return t;
        });
        try (VoiceTracker tracker = VoiceTracker.builder()
                .storage(timed)
                .scheduler(scheduler)
                .checkInterval(interval)
                .build()) {
            tracker.addListener(new TrackerListener() {
                @Override
                public void error(String context, @Nullable Throwable error) {
                    if (context.startsWith("tick overran") || context.startsWith("tick skipped")) {
                        overruns.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    System.out.println("tracker error: " + context + (error == null ? "" : ": " + error));
                }
            });
            tracker.start();
            LoadStore.joinAll(tracker, guilds, members);
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d guilds x %d members in voice, check interval %d s; %d warm-up ticks, then %d measured%n",
                    backend,
                    guilds,
                    members,
                    interval.toSeconds(),
                    WARM_UP_TICKS,
                    ticks);
            long waitMs = interval.toMillis() * 3 + 120_000;
            for (int i = 0; i < WARM_UP_TICKS; i++) {
                Write w = next(writes, waitMs);
                System.out.printf(Locale.ROOT, "warm-up tick %d: write %.0f ms%n", i + 1, w.nanos / 1e6);
            }
            if (stored > members) {
                buildRankIndexes(store, guilds);
            }
            int overrunsBefore = overruns.get();
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<Long, Long> server0 = db == null ? Map.of() : serverCpu(db);
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            var measured = new ArrayList<Write>();
            for (int i = 0; i < ticks; i++) {
                measured.add(next(writes, waitMs));
            }
            // From the end of the last warm-up write to the end of the last measured one: whole periods.
            long cpu1 = os.getProcessCpuTime();
            long wall1 = System.nanoTime();
            Map<Long, Long> server1 = db == null ? Map.of() : serverCpu(db);
            report(measured, interval, cpu1 - cpu0, wall1 - wall0, server0, server1, db != null);
            System.out.printf(
                    Locale.ROOT,
                    "overruns or skipped ticks while measured: %d; other tracker errors: %d%n",
                    overruns.get() - overrunsBefore,
                    errors.get());
            // Half an interval after the last measured write, the next tick has not begun (if the interval
            // is kept): a full GC then leaves the live set at rest, the tracker's state without a batch.
            Thread.sleep(interval.toMillis() / 2);
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long max = Runtime.getRuntime().maxMemory();
            System.out.printf(
                    Locale.ROOT,
                    "heap in use after a full GC half an interval after the last write: %.1f MB (max heap %.0f MB)%n",
                    used / 1048576.0,
                    max / 1048576.0);
        } finally {
            scheduler.shutdownNow();
        }
    }

    /**
     * Stores {@code stored} members in each guild, user ids as the members in voice get them, with
     * distinct XP, voice time and message counts (so that ranks are not all ties).
     */
    private static void load(JdbcStorage store, int guilds, int stored) {
        long t0 = System.nanoTime();
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        Instant seen = Instant.now();
        for (int g = 1; g <= guilds; g++) {
            var chunk = new ArrayList<MemberDelta>(LOAD_CHUNK);
            for (int u = 1; u <= stored; u++) {
                long user = 1_000_000L * g + u;
                long xp = (u * 7_919L) % 1_000_003;
                chunk.add(new MemberDelta(g, user, 0, day, xp * 60, xp, u % 500, 0, seen));
                if (chunk.size() == LOAD_CHUNK || u == stored) {
                    store.apply(new Batch(chunk, List.of()));
                    chunk.clear();
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "loaded %d guilds x %d stored members in %.1f s%n",
                guilds,
                stored,
                (System.nanoTime() - t0) / 1e9);
    }

    /** One all-time rank query per guild and metric: each builds that guild's index of the metric. */
    private static void buildRankIndexes(JdbcStorage store, int guilds) {
        long t0 = System.nanoTime();
        for (int g = 1; g <= guilds; g++) {
            for (Metric metric : Metric.values()) {
                if (store.rank(g, 1_000_000L * g + 1, metric, null).isEmpty()) {
                    throw new IllegalStateException("guild " + g + ": no " + metric + " rank for its first member");
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "all-time rank indexes of %d guilds x %d metrics built in %.1f s%n",
                guilds,
                Metric.values().length,
                (System.nanoTime() - t0) / 1e9);
    }

    private static void report(
            List<Write> measured,
            Duration interval,
            long cpuNanos,
            long wallNanos,
            Map<Long, Long> server0,
            Map<Long, Long> server1,
            boolean postgres) {
        for (int i = 0; i < measured.size(); i++) {
            Write w = measured.get(i);
            String gap = i == 0
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            ", %.2f s after the previous",
                            (w.startNanos - measured.get(i - 1).startNanos) / 1e9);
            System.out.printf(
                    Locale.ROOT,
                    "tick %d: write of %d increments and %d session rows %.0f ms%s%n",
                    i + 1,
                    w.deltas,
                    w.sessions,
                    w.nanos / 1e6,
                    gap);
        }
        double jvm = 100.0 * cpuNanos / wallNanos;
        System.out.printf(
                Locale.ROOT,
                "window %.1f s: this JVM used %.1f%% of one core (CPU %.2f s)%n",
                wallNanos / 1e9,
                jvm,
                cpuNanos / 1e9);
        if (postgres) {
            if (server1.isEmpty()) {
                System.out.println("server CPU: not readable (server not on this machine)");
                return;
            }
            long ticks = 0;
            for (var e : server1.entrySet()) {
                ticks += e.getValue() - server0.getOrDefault(e.getKey(), 0L);
            }
            double serverSeconds = (double) ticks / CLOCK_TICKS_PER_SECOND;
            double server = 100.0 * serverSeconds * 1e9 / wallNanos;
            System.out.printf(
                    Locale.ROOT,
                    "PostgreSQL processes serving this database used %.1f%% of one core (CPU %.2f s); together %.1f%%%n",
                    server,
                    serverSeconds,
                    jvm + server);
        }
    }

    private static Write next(LinkedBlockingQueue<Write> writes, long waitMs) throws InterruptedException {
        Write w = writes.poll(waitMs, TimeUnit.MILLISECONDS);
        if (w == null) {
            throw new IllegalStateException("no tick wrote within " + waitMs + " ms");
        }
        return w;
    }

    /** The store, with each {@code apply} timed and reported to {@code writes}. */
    private static Storage timedApply(JdbcStorage store, LinkedBlockingQueue<Write> writes) {
        return (Storage) Proxy.newProxyInstance(
                Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                    long t0 = System.nanoTime();
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (method.getName().equals("apply") && args != null && args[0] instanceof Batch b) {
                            writes.add(new Write(
                                    t0,
                                    System.nanoTime() - t0,
                                    b.deltas().size(),
                                    b.sessions().size()));
                        }
                    }
                });
    }

    /** User plus system CPU, in clock ticks, of each server process with a connection to the database. */
    private static Map<Long, Long> serverCpu(PostgresServer.Database db) throws SQLException {
        var out = new HashMap<Long, Long>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long pid = rs.getLong(1);
                try {
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
                } catch (IOException e) {
                    return Map.of(); // not on this machine
                }
            }
        }
        return out;
    }
}

package dev.voicetrack.bench.redis;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.testkit.ManualClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The tick time per process when three bot processes share one Redis and the guilds grow from 1,000
 * to 30,000 (issue 23). For each guild count the run starts three JVMs (the same Java and class path,
 * {@code -Xmx1g}), each the tracker of a third of the guilds as a bot process owning a third of the
 * shards runs it: its own {@link InMemoryStorage} (the storage's share of a tick is measured elsewhere;
 * here the subject is what grows with the guilds per process, the tick itself and the cache's
 * invalidation of every guild written to), the two-tier cache on the shared Redis (in-process tier in
 * front, invalidations published to the other processes), the default check interval on a manual
 * clock, {@code members} members in voice in each guild. All three set up, then tick back to back at
 * the same time ({@code ticks} ticks after two warm-up ticks), so they share the machine as processes
 * on one host would; each reports the wall time of its ticks ({@code tickNow()}, invalidations
 * included), p50, p99 and max.
 *
 * <p>Run it from the repository root after building the benchmarks jar:
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.redis.ShardedTickRun [redisPort] [members] [ticks] [two-tier|in-process] [guild counts...]
 * }</pre>
 *
 * Defaults: port 0 (a private server; 6379 is refused), 10 members in voice per guild, 30 ticks, the
 * two-tier cache, guild counts 1000 3000 10000 30000. {@code in-process} is the baseline: the same
 * processes with the in-process cache alone (no Redis, so no invalidation leaves the process).
 */
public final class ShardedTickRun {
    private static final int PROCESSES = 3;
    private static final int WARM_UP_TICKS = 2;
    private static final Duration WAIT = Duration.ofMinutes(5);

    private ShardedTickRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 7 && args[0].equals("--process")) {
            process(
                    args[1],
                    Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]),
                    args[6].equals("two-tier"));
            return;
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int ticks = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String cacheKind = args.length > 3 ? args[3] : "two-tier";
        if (!cacheKind.equals("two-tier") && !cacheKind.equals("in-process")) {
            throw new IllegalArgumentException("cache must be two-tier or in-process, was " + cacheKind);
        }
        List<Integer> counts = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts.addAll(List.of(1_000, 3_000, 10_000, 30_000));
        }
        if (members < 1 || ticks < 5) {
            throw new IllegalArgumentException("members must be >= 1 and ticks >= 5, were " + members + ", " + ticks);
        }
        try (RedisTarget target = RedisTarget.open(port)) {
            String url = target.cacheConfig("x").urls().get(0);
            System.out.printf(
                    Locale.ROOT,
                    "%d processes, %s cache%s, %d members in voice per guild, %d ticks each (after %d warm-up)%n",
                    PROCESSES,
                    cacheKind,
                    cacheKind.equals("two-tier") ? " on one Redis" : " (no Redis: the baseline)",
                    members,
                    ticks,
                    WARM_UP_TICKS);
            for (int guilds : counts) {
                List<Process> ps = new ArrayList<>();
                List<BufferedReader> outs = new ArrayList<>();
                List<PrintStream> ins = new ArrayList<>();
                for (int p = 0; p < PROCESSES; p++) {
                    int own = guilds / PROCESSES + (p < guilds % PROCESSES ? 1 : 0);
                    Process proc = new ProcessBuilder(List.of(
                                    Path.of(System.getProperty("java.home"), "bin", "java")
                                            .toString(),
                                    "-Xmx1g",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    ShardedTickRun.class.getName(),
                                    "--process",
                                    url,
                                    Integer.toString(p),
                                    Integer.toString(own),
                                    Integer.toString(members),
                                    Integer.toString(ticks),
                                    cacheKind))
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
                    ps.add(proc);
                    outs.add(new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8)));
                    ins.add(new PrintStream(proc.getOutputStream(), true, StandardCharsets.UTF_8));
                }
                for (BufferedReader r : outs) {
                    expect(r, "ready");
                }
                ins.forEach(in -> in.println("go")); // all three tick at once, as processes of one bot do
                for (int p = 0; p < PROCESSES; p++) {
                    String result = expect(outs.get(p), "result ");
                    System.out.printf(
                            Locale.ROOT,
                            "%,6d guilds: process %d (%,d guilds, %,d members in voice): %s%n",
                            guilds,
                            p + 1,
                            guilds / PROCESSES + (p < guilds % PROCESSES ? 1 : 0),
                            (guilds / PROCESSES + (p < guilds % PROCESSES ? 1 : 0)) * members,
                            result.substring("result ".length()));
                }
                ins.forEach(PrintStream::close);
                for (Process proc : ps) {
                    if (!proc.waitFor(30, TimeUnit.SECONDS)) {
                        proc.destroyForcibly();
                    }
                }
            }
        }
    }

    private static String expect(BufferedReader r, String prefix) throws IOException {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("a process ended without '" + prefix + "'");
    }

    /** One process: {@code guilds} guilds of {@code members} members in voice, ticked on "go". */
    private static void process(String url, int index, int guilds, int members, int ticks, boolean twoTier)
            throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ManualClock clock = new ManualClock(Instant.parse("2024-03-10T12:00:00Z"));
        InMemoryStorage storage = new InMemoryStorage();
        Duration interval = dev.voicetrack.core.VoiceTrackerBuilder.DEFAULT_CHECK_INTERVAL;
        CacheConfig cc = CacheConfig.builder().name("voicetrack").build();
        try (Cache<Object> cache = twoTier
                        ? TwoTierCache.create(
                                RedisCacheConfig.builder()
                                        .url(url)
                                        .keyPrefix("vtshard:")
                                        .build(),
                                cc,
                                new NoQueries())
                        : InProcessCache.create(cc);
                VoiceTracker tracker = VoiceTracker.builder()
                        .manualTicks()
                        .storage(storage)
                        .cache(cache)
                        .ownsCache(false) // closed by this try, after the tracker's last tick
                        .clock(clock)
                        .checkInterval(interval)
                        .build()) {
            tracker.start();
            // Guild ids of this process only (distinct per process), as each process owns its shards' guilds.
            for (int g = 0; g < guilds; g++) {
                long guild = 1_000_000L * (index + 1) + g;
                for (int u = 1; u <= members; u++) {
                    tracker.accept(new GatewayEvent.VoiceJoined(
                            guild, guild * 1_000 + u, guild * 10 + 1, MemberInfo.PLAIN, VoiceFlags.NONE));
                }
            }
            for (int i = 0; i < WARM_UP_TICKS; i++) {
                tick(tracker, clock, interval, guilds * members);
            }
            System.gc();
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                return;
            }
            long[] micros = new long[ticks];
            for (int i = 0; i < ticks; i++) {
                long start = System.nanoTime();
                tick(tracker, clock, interval, guilds * members);
                micros[i] = (System.nanoTime() - start) / 1_000;
            }
            Arrays.sort(micros);
            out.printf(
                    Locale.ROOT,
                    "result tick p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    at(micros, 0.50) / 1000.0,
                    at(micros, 0.99) / 1000.0,
                    micros[ticks - 1] / 1000.0);
        }
        storage.close();
    }

    private static void tick(VoiceTracker tracker, ManualClock clock, Duration interval, int expected) {
        clock.advance(interval);
        TickReport r = tracker.tickNow();
        if (!r.written() || r.trackedMembers() != expected) {
            throw new IllegalStateException("a tick failed or missed members (expected " + expected + "): " + r);
        }
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(sorted.length * quantile) - 1];
    }

    /** The run makes no queries, so nothing is cached and nothing needs encoding; a query would be a bug here. */
    private static final class NoQueries implements ValueCodec<Object> {
        @Override
        public byte[] encode(Object value) {
            throw new UnsupportedOperationException("ShardedTickRun caches nothing, was asked to encode " + value);
        }

        @Override
        public Object decode(byte[] bytes) {
            throw new UnsupportedOperationException("ShardedTickRun caches nothing, was asked to decode");
        }
    }
}

package dev.voicetrack.bench.redis;

import dev.voicetrack.bench.cache.MemberSnapshot;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.cache.redis.internal.TwoTierCacheImpl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long a write on one two-tier instance takes to reach another process's in-process tier, as two
 * bot processes on one Redis see it (issue 3's and issue 23's target: p99 under 100 ms on loopback).
 *
 * <p>The writer (instance A) runs in a JVM of its own that this run starts (the same Java and class
 * path, {@code --writer URL}) and drives over its standard input and output; the reader (instance B) is
 * this JVM. For each of {@code writes} writes, B first holds an in-process copy of the key, then A is
 * told to write a new value, and B reads until its {@code get} returns the new value: B serves its
 * stale copy until A's invalidation arrives over pub/sub and drops it, then reads Redis. The latency
 * runs from the instant A starts the write (read in A's JVM) to the instant B first returns the new
 * value (read in this JVM), so it includes A's own write round trip. Both instants come from {@code
 * System.nanoTime()}, which HotSpot on Linux reads from the machine-wide monotonic clock; the run checks
 * at the start that A's clock reads between two readings of B's and refuses to measure otherwise.
 *
 * <p>Run it from the repository root after building the benchmarks jar:
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.redis.TwoTierInvalidationRun [redisPort] [writes]
 * }</pre>
 *
 * A port of 0 (the default) starts a private server; 6379 is refused. {@code run-redis-bench.sh} runs it
 * against its own server.
 */
public final class TwoTierInvalidationRun {
    private static final String PREFIX = "vtinv:";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TwoTierInvalidationRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--writer")) {
            writer(args[1]);
            return;
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        if (writes < 100) {
            throw new IllegalArgumentException("writes must be at least 100, was " + writes);
        }
        String[] keys = Arrays.copyOf(RedisBenchData.keys(), 10);
        MemberSnapshot[] values = RedisBenchData.values();
        try (RedisTarget target = RedisTarget.open(port);
                RedisCache<MemberSnapshot> b = TwoTierCache.create(
                        target.cacheConfig(PREFIX),
                        CacheConfig.builder().name("invalidation-run").build(),
                        RedisBenchData.CODEC);
                Writer a = Writer.start(target.cacheConfig(PREFIX).urls().get(0))) {
            await("the reader subscribed", () -> tier(b).synced());
            a.checkClock();
            long[] micros = new long[writes];
            long[] writeMicros = new long[writes];
            for (int i = 0; i < writes; i++) {
                String key = keys[i % keys.length];
                MemberSnapshot before = values[i % values.length];
                MemberSnapshot after = values[(i + 1) % values.length];
                a.ask("put " + i + " 0");
                await(
                        "B's copy of " + key,
                        () -> b.get(key).equals(Optional.of(before))
                                && tier(b).localTier().contains(key));
                a.send("put " + i + " 1");
                await("B sees the write to " + key, () -> b.get(key).equals(Optional.of(after)));
                long seen = System.nanoTime();
                String[] done = a.reply().split(" "); // "done <start nanos> <end nanos>"
                long started = Long.parseLong(done[1]);
                micros[i] = (seen - started) / 1_000;
                writeMicros[i] = (Long.parseLong(done[2]) - started) / 1_000;
            }
            Arrays.sort(micros);
            Arrays.sort(writeMicros);
            System.out.printf(
                    "two-tier invalidation across two JVMs, %,d writes: p50 %,d µs, p90 %,d µs, p99 %,d µs, max %,d µs"
                            + " (target: p99 under 100 ms: %s); the writer's put alone: p50 %,d µs, p99 %,d µs%n",
                    writes,
                    at(micros, 0.50),
                    at(micros, 0.90),
                    at(micros, 0.99),
                    micros[writes - 1],
                    at(micros, 0.99) < 100_000 ? "met" : "MISSED",
                    at(writeMicros, 0.50),
                    at(writeMicros, 0.99));
        }
    }

    /**
     * The writer's side: a two-tier instance on {@code url} that answers {@code ready} once subscribed,
     * {@code now} with its clock, and {@code put <i> <0|1>} (write the i-th key's value before or after)
     * with {@code done <start> <end>}, the nanos around the write.
     */
    private static void writer(String url) throws IOException {
        String[] keys = Arrays.copyOf(RedisBenchData.keys(), 10);
        MemberSnapshot[] values = RedisBenchData.values();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (RedisCache<MemberSnapshot> a = TwoTierCache.create(
                RedisCacheConfig.builder().url(url).keyPrefix(PREFIX).build(),
                CacheConfig.builder().name("invalidation-run").build(),
                RedisBenchData.CODEC)) {
            await("the writer subscribed", () -> tier(a).synced());
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("now")) {
                    out.println("now " + System.nanoTime());
                    continue;
                }
                String[] cmd = line.split(" ");
                int i = Integer.parseInt(cmd[1]);
                MemberSnapshot value = values[(i + Integer.parseInt(cmd[2])) % values.length];
                long start = System.nanoTime();
                a.put(keys[i % keys.length], value);
                long end = System.nanoTime();
                out.println("done " + start + " " + end);
            }
        }
    }

    /** The writer's JVM, spoken to a line at a time. */
    private static final class Writer implements AutoCloseable {
        private final Process process;
        private final PrintStream in;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        private Writer(Process process) {
            this.process = process;
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                if (line.startsWith("ready") || line.startsWith("done ") || line.startsWith("now ")) {
                                    replies.add(line);
                                }
                            }
                        } catch (IOException e) {
                            // the writer ended
                        }
                    },
                    "invalidation-writer-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Writer start(String url) throws IOException {
            Process p = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            TwoTierInvalidationRun.class.getName(),
                            "--writer",
                            url))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Writer w = new Writer(p);
            if (!w.reply().equals("ready")) {
                throw new IllegalStateException("the writer JVM did not report ready");
            }
            return w;
        }

        /** Refuses to measure when the writer's {@code nanoTime} is not this JVM's clock. */
        void checkClock() {
            long before = System.nanoTime();
            String now = ask("now");
            long after = System.nanoTime();
            long theirs = Long.parseLong(now.substring(4));
            if (theirs < before || theirs > after) {
                throw new IllegalStateException("the writer JVM's System.nanoTime() (" + theirs + ") is not between"
                        + " two readings of this JVM's (" + before + ", " + after + "): the clocks differ, so"
                        + " latencies across the JVMs cannot be measured on this platform");
            }
        }

        void send(String line) {
            in.println(line);
        }

        String ask(String line) {
            send(line);
            return reply();
        }

        String reply() {
            try {
                String r = replies.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (r == null) {
                    throw new IllegalStateException("no answer from the writer JVM within " + WAIT.toSeconds() + " s");
                }
                return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(sorted.length * quantile) - 1];
    }

    private static TwoTierCacheImpl<MemberSnapshot> tier(RedisCache<MemberSnapshot> cache) {
        return (TwoTierCacheImpl<MemberSnapshot>) cache;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}

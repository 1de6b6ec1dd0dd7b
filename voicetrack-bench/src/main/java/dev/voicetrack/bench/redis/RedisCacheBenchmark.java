package dev.voicetrack.bench.redis;

import dev.voicetrack.bench.cache.MemberSnapshot;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.RedisCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis tier against a raw Lettuce client on the same server: {@code RedisCache.get} and {@code
 * put} against Lettuce's sync {@code GET} and {@code SET}, throughput with 1 and 50 callers, and the
 * latency of one sync get (p50/p99, {@code Mode.SampleTime}) with 1 caller. {@code run-redis-bench.sh}
 * also runs {@code redis-benchmark} GET/SET at 1 and 50 connections on the same server and prints
 * the comparison; the goals of issue 3 are cache throughput at least 70% of {@code redis-benchmark}'s
 * and sync get latency at most 1.3 times raw Lettuce's.
 *
 * <h2>What is compared</h2>
 *
 * <ul>
 *   <li><b>Data.</b> Both sides hold the same {@value RedisBenchData#KEYS} keys ({@code
 *       vt:user:<guild>:<user>}, under different prefixes) with the same JSON values, the bytes the
 *       cache's {@code JacksonCodec} writes for a {@link MemberSnapshot} (a fixed {@link
 *       RedisBenchData#payloadBytes()} bytes, which the script passes to {@code redis-benchmark
 *       -d}). Callers pick keys uniformly at random, as {@code redis-benchmark -r 16384} does; every
 *       read is a hit (checked in the set-up). The cache's entries have a 1 h TTL and a bound of
 *       2 x {@value RedisBenchData#KEYS} entries, so nothing expires or is evicted.
 *   <li><b>Work per call.</b> A cache get is one {@code HMGET} (the entry is a hash; the
 *       bookkeeping script runs only on a miss, and there are none here) plus JSON decoding and the
 *       cache's stats and hot-key tracking; a raw {@code GET} returns the bytes undecoded. A cache put
 *       is JSON encoding plus one {@code EVALSHA} that replaces the entry hash, sets its TTL and
 *       updates the expiry index and entry bound; a raw {@code SET} stores bytes without a TTL. So the
 *       ratios price everything the cache adds, on the client and in the server. {@code
 *       rawGetDecodeLatency} (raw {@code GET} plus the same JSON decode) separates the two.
 *   <li><b>Connections.</b> The raw client uses one Lettuce connection. The cache uses its
 *       connector's defaults: while at most {@link
 *       dev.voicetrack.cache.redis.RedisCacheConfig#DEFAULT_DIRECT_CONNECTIONS} callers are in a get or
 *       put, each runs on a blocking connection of its own; beyond that they share one Lettuce
 *       connection. So the cache's 1 caller runs on a blocking socket, and its 50 callers (50 JMH
 *       threads, each blocked on its own sync call) on Lettuce, which multiplexes them over one
 *       connection, so commands of different callers share TCP writes and reads, as do the raw
 *       client's 50. {@code redis-benchmark -c 50 -P 1} instead runs 50 connections from one C event
 *       loop, each with exactly one command in flight. Both have 50 requests outstanding, but not over
 *       the same number of sockets, and {@code redis-benchmark} spends no time in a JVM, a codec or a
 *       scheduler: it is the ceiling of the server, not a Java client. At 1 caller all three have
 *       strictly one request in flight on one connection.
 *   <li><b>Machine.</b> The script pins redis-server to CPU 0 and each client ({@code
 *       redis-benchmark}, or this JVM with its 50 threads, Lettuce's event loop, JIT and GC) to the
 *       other CPUs, one on a 2-core machine: with one request in flight a round trip is several
 *       times cheaper when client and server happen to share a core, and unpinned runs flip between
 *       the two. Figures are only comparable within one run of the script, on an otherwise idle
 *       machine.
 * </ul>
 *
 * <p>Run it with the script, which starts a private redis-server and passes its port (from the
 * repository root, after {@code ./mvnw -B -q -ntp -f voicetrack-bench/pom.xml -DskipTests package}):
 *
 * <pre>{@code
 * voicetrack-bench/run-redis-bench.sh
 * }</pre>
 *
 * <p>or alone, on a private server started per fork by the testkit (port 0, the default) or on a
 * server of your own (never the shared one on 6379, which is refused):
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.redis.RedisCacheBenchmark' -p redisPort=PORT
 * }</pre>
 *
 * <p>The {@code *1Thread} and {@code *50Threads} methods fix their thread count with {@code
 * @Threads}; do not pass {@code -t}, which would override all of them.
 *
 * <p>Warm-up is 6 x 2 s: the set-up's single-threaded fill compiles the blocking path, and 50 callers
 * on one core then take about 10 s to bring the Lettuce path to speed (measured: 7,000 puts/s in the
 * first 2 s, over 40,000 after 12 s; with 2 x 2 s the measured iterations still climbed).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RedisCacheBenchmark {

    static final Duration TTL = Duration.ofHours(1);

    /** The Redis cache, on its own connector, filled once per trial. */
    @State(Scope.Benchmark)
    public static class VoiceTrack {
        /** The server's port; 0 starts a private server for the fork. */
        @Param("0")
        public int redisPort;

        final String[] keys = RedisBenchData.keys();
        final MemberSnapshot[] values = RedisBenchData.values();
        RedisTarget target;
        RedisCache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            RedisBenchData.payloads(values); // checks that every value has the advertised size
            target = RedisTarget.open(redisPort);
            cache = RedisCache.create(
                    target.cacheConfig("vtbench:"),
                    CacheConfig.builder()
                            .name("bench-redis")
                            .maximumEntries(2L * RedisBenchData.KEYS)
                            .defaultTtl(TTL)
                            .build(),
                    RedisBenchData.CODEC);
            if (!cache.health().healthy()) {
                throw new IllegalStateException("set-up: cache is not connected: " + cache.health());
            }
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (int i = 0; i < keys.length; i++) {
                if (!cache.get(keys[i]).equals(Optional.of(values[i]))) {
                    throw new IllegalStateException("set-up: key " + keys[i] + " is not a hit");
                }
            }
            if (!cache.health().healthy()) {
                throw new IllegalStateException("set-up: the fill ran on the fallback: " + cache.health());
            }
            cache.resetStats();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long misses = cache.stats().misses();
            boolean healthy = cache.health().healthy();
            cache.close();
            target.close();
            if (misses != 0 || !healthy) {
                throw new IllegalStateException(
                        "measured run had " + misses + " misses, healthy at the end: " + healthy);
            }
        }
    }

    /** The raw Lettuce client, its keys set once per trial. */
    @State(Scope.Benchmark)
    public static class RawLettuce {
        /** The server's port; 0 starts a private server for the fork. */
        @Param("0")
        public int redisPort;

        final String[] keys = prefixed("vtbench-raw:", RedisBenchData.keys());
        final byte[][] payloads = RedisBenchData.payloads(RedisBenchData.values());
        RedisTarget target;
        RedisTarget.RawClient raw;

        @Setup(Level.Trial)
        public void setUp() {
            target = RedisTarget.open(redisPort);
            raw = target.rawClient();
            for (int i = 0; i < keys.length; i++) {
                raw.sync.set(keys[i], payloads[i]);
            }
            for (String key : keys) {
                if (raw.sync.get(key) == null) {
                    throw new IllegalStateException("set-up: key " + key + " is not a hit");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            raw.close();
            target.close();
        }
    }

    /** Each thread's own key order. */
    @State(Scope.Thread)
    public static class Caller {
        private static final AtomicLong SEEDS = new AtomicLong(0x7EDD_15B0L);

        int[] sequence;
        int position;

        @Setup(Level.Trial)
        public void setUp() {
            sequence = RedisBenchData.uniformSequence(SEEDS.getAndIncrement());
        }

        int next() {
            return sequence[position++ & RedisBenchData.SEQUENCE_MASK];
        }
    }

    static String[] prefixed(String prefix, String[] keys) {
        String[] out = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = prefix + keys[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ throughput, 1 caller

    @Benchmark
    @Threads(1)
    public Optional<MemberSnapshot> voiceTrackGet1Thread(VoiceTrack vt, Caller caller) {
        return vt.cache.get(vt.keys[caller.next()]);
    }

    @Benchmark
    @Threads(1)
    public byte[] rawGet1Thread(RawLettuce raw, Caller caller) {
        return raw.raw.sync.get(raw.keys[caller.next()]);
    }

    @Benchmark
    @Threads(1)
    public void voiceTrackPut1Thread(VoiceTrack vt, Caller caller) {
        int i = caller.next();
        vt.cache.put(vt.keys[i], vt.values[i]);
    }

    @Benchmark
    @Threads(1)
    public String rawSet1Thread(RawLettuce raw, Caller caller) {
        int i = caller.next();
        return raw.raw.sync.set(raw.keys[i], raw.payloads[i]);
    }

    // ------------------------------------------------------------------ throughput, 50 callers

    @Benchmark
    @Threads(50)
    public Optional<MemberSnapshot> voiceTrackGet50Threads(VoiceTrack vt, Caller caller) {
        return vt.cache.get(vt.keys[caller.next()]);
    }

    @Benchmark
    @Threads(50)
    public byte[] rawGet50Threads(RawLettuce raw, Caller caller) {
        return raw.raw.sync.get(raw.keys[caller.next()]);
    }

    @Benchmark
    @Threads(50)
    public void voiceTrackPut50Threads(VoiceTrack vt, Caller caller) {
        int i = caller.next();
        vt.cache.put(vt.keys[i], vt.values[i]);
    }

    @Benchmark
    @Threads(50)
    public String rawSet50Threads(RawLettuce raw, Caller caller) {
        int i = caller.next();
        return raw.raw.sync.set(raw.keys[i], raw.payloads[i]);
    }

    // ------------------------------------------------------------------ latency, 1 caller

    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Optional<MemberSnapshot> voiceTrackGetLatency(VoiceTrack vt, Caller caller) {
        return vt.cache.get(vt.keys[caller.next()]);
    }

    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] rawGetLatency(RawLettuce raw, Caller caller) {
        return raw.raw.sync.get(raw.keys[caller.next()]);
    }

    /** Diagnostic: a raw GET plus the JSON decode the cache does, to split the cache's overhead. */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public MemberSnapshot rawGetDecodeLatency(RawLettuce raw, Caller caller) {
        return RedisBenchData.CODEC.decode(raw.raw.sync.get(raw.keys[caller.next()]));
    }
}

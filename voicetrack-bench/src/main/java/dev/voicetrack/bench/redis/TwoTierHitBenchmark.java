package dev.voicetrack.bench.redis;

import dev.voicetrack.bench.cache.MemberSnapshot;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.TwoTierCache;
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
 * Hit throughput of the two-tier cache (served by its in-process tier) against the in-process tier
 * alone, at 1 and 2 threads.
 *
 * <p>All three caches hold the same {@value RedisBenchData#KEYS} keys and {@link MemberSnapshot}
 * values, with a 1 h TTL and room for twice as many entries; threads read keys uniformly at random.
 *
 * <ul>
 *   <li>{@code twoTierGet*}: {@code TwoTierCache.get} on a hit of its in-process tier. The set-up
 *       waits until the tier is in use (the cache has received its own probe on the invalidation
 *       channel) and then checks, with the server's {@code EVALSHA} count, that reading every key
 *       runs no command in Redis: the measured reads never leave the process.
 *   <li>{@code inProcessCopyingGet*}: the in-process tier alone, configured exactly as the two-tier
 *       cache configures it ({@code InProcessCache} with {@code ValueIsolation.copying} through the
 *       codec, so each hit is a JSON encode and decode). The ratio to this one is the two-tier
 *       cache's own overhead (connection check, sync flag, Redis-side stats and hot keys).
 *   <li>{@code inProcessGet*}: the in-process cache with its default isolation, which hands out the
 *       stored record itself (it is immutable): what a single-process bot would use. The ratio to
 *       this one includes the copy the two-tier cache makes on every hit.
 * </ul>
 *
 * <p>Run it with {@code voicetrack-bench/run-redis-bench.sh}, or alone (port 0, the default, starts a
 * private redis-server per fork; never use the shared one on 6379):
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.redis.TwoTierHitBenchmark' -p redisPort=PORT
 * }</pre>
 *
 * <p>Thread counts are fixed with {@code @Threads}; do not pass {@code -t}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TwoTierHitBenchmark {

    static final Duration TTL = Duration.ofHours(1);
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

    static CacheConfig config(String name) {
        return CacheConfig.builder()
                .name(name)
                .maximumEntries(2L * RedisBenchData.KEYS)
                .defaultTtl(TTL)
                .build();
    }

    /** The two-tier cache, filled once per trial, with its in-process tier in use. */
    @State(Scope.Benchmark)
    public static class TwoTier {
        /** The server's port; 0 starts a private server for the fork. */
        @Param("0")
        public int redisPort;

        final String[] keys = RedisBenchData.keys();
        final MemberSnapshot[] values = RedisBenchData.values();
        RedisTarget target;
        RedisCache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            target = RedisTarget.open(redisPort);
            cache = TwoTierCache.create(
                    target.cacheConfig("vtbench2:"), config("bench-two-tier"), RedisBenchData.CODEC);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            try (RedisTarget.RawClient raw = target.rawClient()) {
                awaitLocalHits(raw);
            }
            cache.resetStats();
        }

        /**
         * Reads every key until a full pass runs no script in Redis: the in-process tier is in use and
         * holds every key.
         */
        private void awaitLocalHits(RedisTarget.RawClient raw) throws InterruptedException {
            long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
            while (true) {
                readAll();
                long before = raw.evalshaCalls();
                readAll();
                if (raw.evalshaCalls() == before) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "set-up: the in-process tier did not serve every hit within " + SYNC_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }

        private void readAll() {
            for (int i = 0; i < keys.length; i++) {
                if (!cache.get(keys[i]).equals(Optional.of(values[i]))) {
                    throw new IllegalStateException("set-up: key " + keys[i] + " is not a hit");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long misses = cache.stats().misses();
            cache.close();
            target.close();
            if (misses != 0) {
                throw new IllegalStateException("measured run had " + misses + " misses");
            }
        }
    }

    /** An in-process cache, with the two-tier cache's copying isolation or the default one. */
    @State(Scope.Benchmark)
    public static class InProcess {
        /** {@code copying}: as the two-tier cache's tier; {@code default}: immutable values shared. */
        @Param({"copying", "default"})
        public String isolation;

        final String[] keys = RedisBenchData.keys();
        Cache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            CacheConfig config = config("bench-in-process");
            cache = switch (isolation) {
                case "copying" -> InProcessCache.create(
                        config, ValueIsolation.<MemberSnapshot>copying(RedisBenchData.CODEC::copy));
                case "default" -> InProcessCache.create(config);
                default -> throw new IllegalArgumentException(
                        "isolation must be copying or default, was '" + isolation + "'");
            };
            MemberSnapshot[] values = RedisBenchData.values();
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (int i = 0; i < keys.length; i++) {
                if (!cache.get(keys[i]).equals(Optional.of(values[i]))) {
                    throw new IllegalStateException("set-up: key " + keys[i] + " is not a hit");
                }
            }
            cache.resetStats();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.close();
        }
    }

    /** Each thread's own key order. */
    @State(Scope.Thread)
    public static class Reader {
        private static final AtomicLong SEEDS = new AtomicLong(0x2_71E5L);

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

    @Benchmark
    @Threads(1)
    public Optional<MemberSnapshot> twoTierGet1Thread(TwoTier tt, Reader reader) {
        return tt.cache.get(tt.keys[reader.next()]);
    }

    @Benchmark
    @Threads(1)
    public Optional<MemberSnapshot> inProcessGet1Thread(InProcess local, Reader reader) {
        return local.cache.get(local.keys[reader.next()]);
    }

    @Benchmark
    @Threads(2)
    public Optional<MemberSnapshot> twoTierGet2Threads(TwoTier tt, Reader reader) {
        return tt.cache.get(tt.keys[reader.next()]);
    }

    @Benchmark
    @Threads(2)
    public Optional<MemberSnapshot> inProcessGet2Threads(InProcess local, Reader reader) {
        return local.cache.get(local.keys[reader.next()]);
    }
}

package dev.voicetrack.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
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
 * Read throughput on hits: {@code Cache.get} of the VoiceTrack in-process cache against {@code
 * getIfPresent} of a raw Caffeine cache configured alike ({@link RawCaffeine}), at 1 and 2 threads,
 * in the same JMH run. The goal is that VoiceTrack reaches at least 50% of raw Caffeine's ops/s.
 *
 * <p>Workload: both caches are filled with the same 16,384 (2^14) keys ({@code
 * vt:user:<guild>:<user>}) whose values are a small immutable record ({@link MemberSnapshot}), with a
 * 1 h TTL and room for twice as many entries, so nothing is evicted or expires during a run and every
 * read is a hit (checked in the set-up). Each thread reads keys in a pre-computed Zipf order (exponent
 * 0.99, hot keys scattered by a fixed permutation; see {@link BenchData#zipfSequence}), 2^20 indices
 * long and different per thread; the measured method only indexes that array and reads. The VoiceTrack
 * cache uses the default configuration otherwise, so stats are on and hot-key tracking runs with the
 * default 64 keys, as users get them; its methods also run with {@code hotKeyCapacity=0} (parameter
 * {@code hotKeyCapacity}) to isolate the cost of hot-key tracking. The goal applies to the default,
 * 64. Add {@code -p hotKeyCapacity=64} to run the default only.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.cache.GetHitBenchmark'
 * }</pre>
 *
 * <p>The {@code *1Thread} and {@code *2Threads} methods fix their thread count with {@code @Threads};
 * do not pass {@code -t}, which would override both. Two threads on a 2-core machine share the cores
 * with the JIT and GC threads, so the 2-thread figures are below twice the 1-thread ones.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GetHitBenchmark {

    static final Duration TTL = Duration.ofHours(1);
    static final long MAXIMUM = 2L * BenchData.KEYS;

    /**
     * The VoiceTrack cache, filled once per trial. It runs with the default hot-key tracking (64 keys)
     * and, as a diagnostic, with tracking off (0), to show what tracking costs on the read path.
     */
    @State(Scope.Benchmark)
    public static class VoiceTrackCache {
        @Param({"64", "0"})
        public int hotKeyCapacity;

        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        dev.voicetrack.cache.Cache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = InProcessCache.create(CacheConfig.builder()
                    .name("bench-get")
                    .maximumEntries(MAXIMUM)
                    .defaultTtl(TTL)
                    .hotKeyCapacity(hotKeyCapacity)
                    .build());
            MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (String key : keys) {
                if (cache.get(key).isEmpty()) {
                    throw new IllegalStateException("set-up: key " + key + " is not a hit");
                }
            }
            cache.resetStats();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.close();
        }
    }

    /** The raw Caffeine cache, filled once per trial. */
    @State(Scope.Benchmark)
    public static class CaffeineCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        Cache<String, MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = RawCaffeine.build(MAXIMUM, TTL);
            MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (String key : keys) {
                if (cache.getIfPresent(key) == null) {
                    throw new IllegalStateException("set-up: key " + key + " is not a hit");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.invalidateAll();
        }
    }

    /** Each thread's own read order. */
    @State(Scope.Thread)
    public static class Reader {
        private static final AtomicLong SEEDS = new AtomicLong(0x0123_4567_89ABL);

        int[] sequence;
        int position;

        @Setup(Level.Trial)
        public void setUp() {
            sequence = BenchData.zipfSequence(SEEDS.getAndIncrement());
        }

        int next() {
            return sequence[position++ & BenchData.SEQUENCE_MASK];
        }
    }

    @Benchmark
    @Threads(1)
    public Optional<MemberSnapshot> voiceTrackGet1Thread(VoiceTrackCache vt, Reader reader) {
        return vt.cache.get(vt.keys[reader.next()]);
    }

    @Benchmark
    @Threads(1)
    public MemberSnapshot caffeineGet1Thread(CaffeineCache raw, Reader reader) {
        return raw.cache.getIfPresent(raw.keys[reader.next()]);
    }

    @Benchmark
    @Threads(2)
    public Optional<MemberSnapshot> voiceTrackGet2Threads(VoiceTrackCache vt, Reader reader) {
        return vt.cache.get(vt.keys[reader.next()]);
    }

    @Benchmark
    @Threads(2)
    public MemberSnapshot caffeineGet2Threads(CaffeineCache raw, Reader reader) {
        return raw.cache.getIfPresent(raw.keys[reader.next()]);
    }
}

package dev.voicetrack.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cache-aside on a hit: VoiceTrack {@code remember(key, WriteOptions.ttl(1 h), loader)} against raw
 * Caffeine {@code get(key, mappingFunction)} ({@link RawCaffeine}), at 1 and 2 threads, in the same
 * JMH run.
 *
 * <p>Workload as in {@link GetHitBenchmark}: 16,384 pre-populated keys, nothing evicted or expired,
 * per-thread pre-computed Zipf read order. The write options and the loader are built once; the
 * loader and the mapping function throw if they are ever called, so a miss fails the run instead of
 * being measured as a hit.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.cache.RememberHitBenchmark'
 * }</pre>
 *
 * <p>Thread counts are fixed per method with {@code @Threads}; do not pass {@code -t}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RememberHitBenchmark {

    static final Duration TTL = Duration.ofHours(1);
    static final long MAXIMUM = 2L * BenchData.KEYS;

    /** The VoiceTrack cache, filled once per trial, with the options and loader used by every call. */
    @State(Scope.Benchmark)
    public static class VoiceTrackCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final WriteOptions options = WriteOptions.ttl(TTL);
        final Loader<MemberSnapshot> missLoader = () -> {
            throw new IllegalStateException("remember missed: the benchmark measures hits only");
        };
        dev.voicetrack.cache.Cache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = InProcessCache.create(CacheConfig.builder()
                    .name("bench-remember")
                    .maximumEntries(MAXIMUM)
                    .defaultTtl(TTL)
                    .build());
            MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i], options);
            }
            for (String key : keys) {
                cache.remember(key, options, missLoader);
            }
            cache.resetStats();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.close();
        }
    }

    /** The raw Caffeine cache, filled once per trial, with the mapping function used by every call. */
    @State(Scope.Benchmark)
    public static class CaffeineCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final Function<String, MemberSnapshot> missMapping = key -> {
            throw new IllegalStateException("get missed on " + key + ": the benchmark measures hits only");
        };
        Cache<String, MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = RawCaffeine.build(MAXIMUM, TTL);
            MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (String key : keys) {
                cache.get(key, missMapping);
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
        private static final AtomicLong SEEDS = new AtomicLong(0x0FED_CBA9_8765L);

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
    public MemberSnapshot voiceTrackRememberHit1Thread(VoiceTrackCache vt, Reader reader) {
        return vt.cache.remember(vt.keys[reader.next()], vt.options, vt.missLoader);
    }

    @Benchmark
    @Threads(1)
    public MemberSnapshot caffeineRememberHit1Thread(CaffeineCache raw, Reader reader) {
        return raw.cache.get(raw.keys[reader.next()], raw.missMapping);
    }

    @Benchmark
    @Threads(2)
    public MemberSnapshot voiceTrackRememberHit2Threads(VoiceTrackCache vt, Reader reader) {
        return vt.cache.remember(vt.keys[reader.next()], vt.options, vt.missLoader);
    }

    @Benchmark
    @Threads(2)
    public MemberSnapshot caffeineRememberHit2Threads(CaffeineCache raw, Reader reader) {
        return raw.cache.get(raw.keys[reader.next()], raw.missMapping);
    }
}

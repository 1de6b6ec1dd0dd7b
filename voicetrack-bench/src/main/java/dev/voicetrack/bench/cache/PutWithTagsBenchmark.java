package dev.voicetrack.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Write throughput: VoiceTrack {@code put(key, value, options)} with a 1 h TTL and two tags ({@code
 * guild:<guild>} and {@code user:<guild>:<user>}, as the tracker tags its entries) against raw
 * Caffeine {@code put(key, value)} ({@link RawCaffeine}), at 1 and 2 threads, in the same JMH run.
 *
 * <p>Workload: 16,384 keys spread over 16 guilds (so each guild tag covers 1,024 entries) are
 * pre-populated, and the benchmark overwrites them in a pre-computed uniform random order per thread:
 * the steady state of a cache whose entries are refreshed, with no eviction (room for twice as many
 * entries). Each VoiceTrack put therefore also replaces the entry's tags (same tags again) and passes
 * the value through the immutability check. Values and options are built before the run, so the
 * measured method allocates only what the caches allocate.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.cache.PutWithTagsBenchmark'
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
public class PutWithTagsBenchmark {

    static final Duration TTL = Duration.ofHours(1);
    static final long MAXIMUM = 2L * BenchData.KEYS;

    /** The VoiceTrack cache, filled once per trial, with each key's value and options. */
    @State(Scope.Benchmark)
    public static class VoiceTrackCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
        final WriteOptions[] options = new WriteOptions[BenchData.KEYS];
        dev.voicetrack.cache.Cache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = InProcessCache.create(CacheConfig.builder()
                    .name("bench-put")
                    .maximumEntries(MAXIMUM)
                    .defaultTtl(TTL)
                    .build());
            for (int i = 0; i < keys.length; i++) {
                options[i] = WriteOptions.ttl(TTL).withTags(BenchData.guildTag(i), BenchData.userTag(i));
                cache.put(keys[i], values[i], options[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long tagged = cache.invalidateByTag(BenchData.guildTag(0));
            long expected = BenchData.KEYS / BenchData.GUILDS;
            cache.close();
            if (tagged != expected) {
                throw new IllegalStateException(
                        "tear-down: guild tag held " + tagged + " entries, expected " + expected);
            }
        }
    }

    /** The raw Caffeine cache, filled once per trial. */
    @State(Scope.Benchmark)
    public static class CaffeineCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
        Cache<String, MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = RawCaffeine.build(MAXIMUM, TTL);
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.invalidateAll();
        }
    }

    /** Each thread's own write order. */
    @State(Scope.Thread)
    public static class Writer {
        private static final AtomicLong SEEDS = new AtomicLong(0x7A65_0001L);

        int[] sequence;
        int position;

        @Setup(Level.Trial)
        public void setUp() {
            sequence = BenchData.uniformSequence(SEEDS.getAndIncrement());
        }

        int next() {
            return sequence[position++ & BenchData.SEQUENCE_MASK];
        }
    }

    @Benchmark
    @Threads(1)
    public void voiceTrackPut1Thread(VoiceTrackCache vt, Writer writer) {
        int i = writer.next();
        vt.cache.put(vt.keys[i], vt.values[i], vt.options[i]);
    }

    @Benchmark
    @Threads(1)
    public void caffeinePut1Thread(CaffeineCache raw, Writer writer) {
        int i = writer.next();
        raw.cache.put(raw.keys[i], raw.values[i]);
    }

    @Benchmark
    @Threads(2)
    public void voiceTrackPut2Threads(VoiceTrackCache vt, Writer writer) {
        int i = writer.next();
        vt.cache.put(vt.keys[i], vt.values[i], vt.options[i]);
    }

    @Benchmark
    @Threads(2)
    public void caffeinePut2Threads(CaffeineCache raw, Writer writer) {
        int i = writer.next();
        raw.cache.put(raw.keys[i], raw.values[i]);
    }
}

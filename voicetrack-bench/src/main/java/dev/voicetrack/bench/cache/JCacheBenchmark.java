package dev.voicetrack.bench.cache;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.jcache.VoiceTrackCachingProvider;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
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
 * What the JCache layer costs: {@code get} hits and {@code put} overwrites through VoiceTrack's JCache
 * provider ({@code voicetrack-cache-jcache}) against Caffeine's JCache provider ({@code
 * caffeine-jcache}) and against the raw VoiceTrack in-process cache underneath ({@code
 * Cache.get}/{@code put}), one thread, in the same JMH run. The goal: VoiceTrack's JCache costs at
 * most 20% over the raw cache on hits (JCache ops/s at least 1/1.2 of raw ops/s).
 *
 * <p>Workload: 16,384 keys ({@code vt:user:<guild>:<user>}) with small immutable records ({@link
 * MemberSnapshot}), pre-populated, read in a pre-computed Zipf order (exponent 0.99) and overwritten
 * in a uniform random order, so every read is a hit and nothing is evicted (no bound). The JCache
 * caches have JCache's defaults (eternal entries, statistics off) except store-by-value, which is the
 * parameter {@code storeByValue}, {@code false} by default: that measures the layer itself, as both
 * providers and the raw cache (by its immutable-value rule) keep the objects. {@code -p
 * storeByValue=true,false} adds JCache's default, where each provider decides what to copy on reads
 * and writes ({@link MemberSnapshot} is {@code Serializable} for it). On a loaded machine {@link
 * JCacheHitCost} measures the same hits in thread CPU time, variants taking turns.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -am -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.cache.JCacheBenchmark' -f 1 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class JCacheBenchmark {

    static final String CAFFEINE_PROVIDER = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";

    /** A JCache cache of one provider, filled once per trial. */
    @State(Scope.Benchmark)
    public abstract static class JCacheState {
        @Param({"false"})
        public boolean storeByValue;

        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
        CachingProvider provider;
        CacheManager manager;
        Cache<String, MemberSnapshot> cache;

        abstract String providerClass();

        @Setup(Level.Trial)
        public void setUp() {
            provider = Caching.getCachingProvider(providerClass());
            manager = provider.getCacheManager();
            cache = manager.createCache(
                    "bench-jcache",
                    new MutableConfiguration<String, MemberSnapshot>()
                            .setTypes(String.class, MemberSnapshot.class)
                            .setStoreByValue(storeByValue));
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
            for (String key : keys) {
                if (cache.get(key) == null) {
                    throw new IllegalStateException("set-up: key " + key + " is not a hit");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.destroyCache("bench-jcache");
            provider.close();
        }
    }

    @State(Scope.Benchmark)
    public static class VoiceTrackJCache extends JCacheState {
        @Override
        String providerClass() {
            return VoiceTrackCachingProvider.class.getName();
        }
    }

    @State(Scope.Benchmark)
    public static class CaffeineJCache extends JCacheState {
        @Override
        String providerClass() {
            return CAFFEINE_PROVIDER;
        }
    }

    /** The raw VoiceTrack in-process cache, unbounded like the JCache ones, filled once per trial. */
    @State(Scope.Benchmark)
    public static class RawCache {
        final String[] keys = BenchData.keys(0, BenchData.KEYS);
        final MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
        dev.voicetrack.cache.Cache<MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUp() {
            cache = InProcessCache.create(CacheConfig.builder()
                    .name("bench-raw")
                    .unboundedEntries()
                    .defaultTtl(java.time.Duration.ofDays(365))
                    .build());
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], values[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            cache.close();
        }
    }

    /** Each thread's own read and write orders. */
    @State(Scope.Thread)
    public static class Order {
        private static final AtomicLong SEEDS = new AtomicLong(0x7E57_0000L);

        int[] reads;
        int[] writes;
        int readPosition;
        int writePosition;

        @Setup(Level.Trial)
        public void setUp() {
            long seed = SEEDS.getAndIncrement();
            reads = BenchData.zipfSequence(seed);
            writes = BenchData.uniformSequence(seed);
        }

        int nextRead() {
            return reads[readPosition++ & BenchData.SEQUENCE_MASK];
        }

        int nextWrite() {
            return writes[writePosition++ & BenchData.SEQUENCE_MASK];
        }
    }

    @Benchmark
    public MemberSnapshot voiceTrackJCacheGet(VoiceTrackJCache s, Order o) {
        return s.cache.get(s.keys[o.nextRead()]);
    }

    @Benchmark
    public MemberSnapshot caffeineJCacheGet(CaffeineJCache s, Order o) {
        return s.cache.get(s.keys[o.nextRead()]);
    }

    @Benchmark
    public Optional<MemberSnapshot> rawGet(RawCache s, Order o) {
        return s.cache.get(s.keys[o.nextRead()]);
    }

    @Benchmark
    public void voiceTrackJCachePut(VoiceTrackJCache s, Order o) {
        int i = o.nextWrite();
        s.cache.put(s.keys[i], s.values[i]);
    }

    @Benchmark
    public void caffeineJCachePut(CaffeineJCache s, Order o) {
        int i = o.nextWrite();
        s.cache.put(s.keys[i], s.values[i]);
    }

    @Benchmark
    public void rawPut(RawCache s, Order o) {
        int i = o.nextWrite();
        s.cache.put(s.keys[i], s.values[i]);
    }
}

package dev.voicetrack.bench.cache;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.jcache.VoiceTrackCachingProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * The cost of a JCache {@code get} hit over the raw VoiceTrack cache, measured so that a loaded
 * machine does not decide it: the variants (raw cache, VoiceTrack JCache and Caffeine's JCache, each
 * by reference and by value) take turns in short batches of the same keys in the same Zipf order, each batch
 * is timed in <em>thread CPU time</em> (time the thread was descheduled does not count), and the
 * result is the median over rounds of each variant's cost per get and of its ratio to the raw cache's
 * batch of the same round. {@link JCacheBenchmark} (JMH) measures the same workload on an idle machine.
 *
 * <p>Run from the repository root, after {@code ./mvnw -o -q -pl voicetrack-bench -am package
 * -DskipTests}:
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.cache.JCacheHitCost [rounds] [getsPerBatch]
 * }</pre>
 *
 * Defaults: 200 rounds of 100,000 gets per variant, after 40 rounds of warm-up.
 */
public final class JCacheHitCost {

    private static volatile Object sink;

    private JCacheHitCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String[] keys = BenchData.keys(0, BenchData.KEYS);
        MemberSnapshot[] values = BenchData.values(0, BenchData.KEYS);
        int[] order = BenchData.zipfSequence(0x7E57_0000L);

        var raw = InProcessCache.<MemberSnapshot>create(CacheConfig.builder()
                .name("cost-raw")
                .unboundedEntries()
                .defaultTtl(Duration.ofDays(365))
                .build());
        CachingProvider voiceTrack = Caching.getCachingProvider(VoiceTrackCachingProvider.class.getName());
        CachingProvider caffeine = Caching.getCachingProvider(JCacheBenchmark.CAFFEINE_PROVIDER);
        Cache<String, MemberSnapshot> byReference = jcache(voiceTrack.getCacheManager(), "cost-ref", false);
        Cache<String, MemberSnapshot> byValue = jcache(voiceTrack.getCacheManager(), "cost-value", true);
        Cache<String, MemberSnapshot> caffeineByReference = jcache(caffeine.getCacheManager(), "cost-caffeine", false);
        Cache<String, MemberSnapshot> caffeineByValue = jcache(caffeine.getCacheManager(), "cost-caffeine-value", true);
        for (int i = 0; i < keys.length; i++) {
            raw.put(keys[i], values[i]);
            byReference.put(keys[i], values[i]);
            byValue.put(keys[i], values[i]);
            caffeineByReference.put(keys[i], values[i]);
            caffeineByValue.put(keys[i], values[i]);
        }

        Map<String, IntFunction<Object>> variants = new LinkedHashMap<>();
        variants.put("raw VoiceTrack cache", i -> raw.get(keys[i]));
        variants.put("VoiceTrack JCache, by reference", i -> byReference.get(keys[i]));
        variants.put("VoiceTrack JCache, by value", i -> byValue.get(keys[i]));
        variants.put("Caffeine JCache, by reference", i -> caffeineByReference.get(keys[i]));
        variants.put("Caffeine JCache, by value", i -> caffeineByValue.get(keys[i]));
        List<String> names = new ArrayList<>(variants.keySet());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        double[][] nanosPerGet = new double[names.size()][rounds];
        int position = 0;
        int warmUp = 40;
        for (int round = -warmUp; round < rounds; round++) {
            for (int turn = 0; turn < names.size(); turn++) {
                // a different variant goes first in each round, so none always follows the same one
                int v = (turn + Math.floorMod(round, names.size())) % names.size();
                IntFunction<Object> get = variants.get(names.get(v));
                Object last = null;
                long start = threads.getCurrentThreadCpuTime();
                for (int n = 0; n < batch; n++) {
                    last = get.apply(order[position++ & BenchData.SEQUENCE_MASK]);
                }
                long cpu = threads.getCurrentThreadCpuTime() - start;
                sink = last;
                if (round >= 0) {
                    nanosPerGet[v][round] = (double) cpu / batch;
                }
            }
        }

        System.out.printf(Locale.ROOT, "%d rounds of %,d gets per variant (thread CPU time)%n", rounds, batch);
        System.out.printf(Locale.ROOT, "%-34s %12s %14s %22s%n", "variant", "ns/get", "x raw", "x raw (p25..p75)");
        for (int v = 0; v < names.size(); v++) {
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = nanosPerGet[v][r] / nanosPerGet[0][r];
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-34s %12.1f %14.3f %14.3f..%.3f%n",
                    names.get(v),
                    quantile(nanosPerGet[v], 0.5),
                    quantile(ratios, 0.5),
                    quantile(ratios, 0.25),
                    quantile(ratios, 0.75));
        }
        raw.close();
        voiceTrack.close();
        caffeine.close();
    }

    private static Cache<String, MemberSnapshot> jcache(CacheManager manager, String name, boolean byValue) {
        return manager.createCache(
                name,
                new MutableConfiguration<String, MemberSnapshot>()
                        .setTypes(String.class, MemberSnapshot.class)
                        .setStoreByValue(byValue));
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}

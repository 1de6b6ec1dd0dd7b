package dev.voicetrack.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Time to invalidate a tag that carries 10,000 entries: VoiceTrack {@code invalidateByTag(tag)}
 * against the floor of doing the same with raw Caffeine, {@code invalidateAll(keys)} over the 10,000
 * keys already listed (Caffeine has no tags, so the baseline is handed the key list for free).
 *
 * <p>Workload: each cache also holds 10,000 background entries under other tags (16 guild tags and
 * one user tag each), which must survive; the cache has room for 65,536 entries, so nothing is
 * evicted. Before every call a {@code @Setup(Level.Invocation)} method puts the 10,000 tagged
 * entries back (VoiceTrack: tags {@code guild:hot} and a per-entry user tag, 1 h TTL), and a {@code
 * @TearDown(Level.Invocation)} checks that exactly 10,000 were removed; JMH times only the call
 * itself.
 *
 * <p>Why per-invocation set-up in {@link Mode#AverageTime} rather than {@link Mode#SingleShotTime}:
 * one call removes 10,000 entries and takes milliseconds, so the two timestamps JMH takes around each
 * call (tens of nanoseconds) are noise, and JMH's usual warning about {@code Level.Invocation} (for
 * calls shorter than about a millisecond) does not apply. Average time then gives thousands of
 * samples of warmed-up code per run, while single-shot time gives one cold-ish sample per iteration
 * and would need hundreds of iterations for a comparable error. The set-up's own cost (10,000 puts)
 * makes each iteration hold fewer calls but is not part of the score.
 *
 * <p>Run it alone, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench
 * -DskipTests package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.cache.InvalidateByTagBenchmark'
 * }</pre>
 *
 * <p>Single-threaded by design ({@code @Threads(1)}): with more threads one thread's set-up would run
 * while another is measured on the same cache.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class InvalidateByTagBenchmark {

    static final int TAGGED = 10_000;
    static final int BACKGROUND = 10_000;
    static final String HOT_TAG = "guild:hot";
    static final Duration TTL = Duration.ofHours(1);
    static final long MAXIMUM = 1 << 16;

    /** A VoiceTrack cache whose tag {@value #HOT_TAG} is refilled with 10,000 entries before each call. */
    @State(Scope.Thread)
    public static class VoiceTrackState {
        final String[] tagged = BenchData.keys(BenchData.KEYS, TAGGED);
        final MemberSnapshot[] taggedValues = BenchData.values(BenchData.KEYS, TAGGED);
        final WriteOptions[] taggedOptions = new WriteOptions[TAGGED];
        final String[] background = BenchData.keys(0, BACKGROUND);
        dev.voicetrack.cache.Cache<MemberSnapshot> cache;
        long removed;

        @Setup(Level.Trial)
        public void setUpTrial() {
            cache = InProcessCache.create(CacheConfig.builder()
                    .name("bench-invalidate")
                    .maximumEntries(MAXIMUM)
                    .defaultTtl(TTL)
                    .build());
            MemberSnapshot[] backgroundValues = BenchData.values(0, BACKGROUND);
            for (int i = 0; i < BACKGROUND; i++) {
                cache.put(
                        background[i],
                        backgroundValues[i],
                        WriteOptions.ttl(TTL).withTags(BenchData.guildTag(i), BenchData.userTag(i)));
            }
            for (int i = 0; i < TAGGED; i++) {
                taggedOptions[i] = WriteOptions.ttl(TTL).withTags(HOT_TAG, BenchData.userTag(BenchData.KEYS + i));
            }
        }

        @Setup(Level.Invocation)
        public void refill() {
            for (int i = 0; i < TAGGED; i++) {
                cache.put(tagged[i], taggedValues[i], taggedOptions[i]);
            }
            removed = -1;
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (removed != TAGGED) {
                throw new IllegalStateException("invalidateByTag removed " + removed + ", expected " + TAGGED);
            }
        }

        @TearDown(Level.Trial)
        public void tearDownTrial() {
            for (String key : background) {
                if (!cache.contains(key)) {
                    throw new IllegalStateException("background entry " + key + " was lost");
                }
            }
            cache.close();
        }
    }

    /** A raw Caffeine cache refilled with the same 10,000 keys before each call. */
    @State(Scope.Thread)
    public static class CaffeineState {
        final String[] tagged = BenchData.keys(BenchData.KEYS, TAGGED);
        final MemberSnapshot[] taggedValues = BenchData.values(BenchData.KEYS, TAGGED);
        final List<String> taggedList = List.of(tagged);
        final String[] background = BenchData.keys(0, BACKGROUND);
        Cache<String, MemberSnapshot> cache;

        @Setup(Level.Trial)
        public void setUpTrial() {
            cache = RawCaffeine.build(MAXIMUM, TTL);
            MemberSnapshot[] backgroundValues = BenchData.values(0, BACKGROUND);
            for (int i = 0; i < BACKGROUND; i++) {
                cache.put(background[i], backgroundValues[i]);
            }
        }

        @Setup(Level.Invocation)
        public void refill() {
            for (int i = 0; i < TAGGED; i++) {
                cache.put(tagged[i], taggedValues[i]);
            }
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (cache.getIfPresent(tagged[0]) != null || cache.getIfPresent(tagged[TAGGED - 1]) != null) {
                throw new IllegalStateException("invalidateAll left tagged keys behind");
            }
        }

        @TearDown(Level.Trial)
        public void tearDownTrial() {
            for (String key : background) {
                if (cache.getIfPresent(key) == null) {
                    throw new IllegalStateException("background entry " + key + " was lost");
                }
            }
            cache.invalidateAll();
        }
    }

    @Benchmark
    public long voiceTrackInvalidate10k(VoiceTrackState state) {
        state.removed = state.cache.invalidateByTag(HOT_TAG);
        return state.removed;
    }

    @Benchmark
    public void caffeineInvalidate10k(CaffeineState state) {
        state.cache.invalidateAll(state.taggedList);
    }
}

package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.testkit.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Cache} implementation must pass: the in-process cache, the Redis cache
 * and the two-tier cache each run it by subclassing it in a few lines:
 *
 * <pre>{@code
 * class InProcessCacheContractTest extends CacheContractTest {
 *     @Override
 *     protected Cache<TestValue> newCache(CacheConfig config) {
 *         return InProcessCache.create(config);
 *     }
 *
 *     @Override
 *     protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
 *         return InProcessCache.create(config);
 *     }
 * }
 * }</pre>
 *
 * <h2>Time</h2>
 *
 * The suite owns a {@link ManualTicker} ({@link #ticker()}) and puts it in every configuration it
 * hands to the factories, so expiry is driven by {@link #advance(Duration)} and no test sleeps.
 * Boundaries are probed exactly: an entry with a TTL of 250 ms must be there after 249 ms and gone
 * after 250 ms. A backend whose expiry runs on a real clock (a Redis server) overrides {@link
 * #advance(Duration)} to move its own expiry forward by the duration (the Redis suites shorten every
 * TTL on the server) and {@link #timingSlack()} to say how far from a boundary the suite should
 * probe. Real time still passes on such a backend while a test runs, and only ever brings expiry
 * sooner: so an entry found gone before its TTL fails the test only if the time the suite passed
 * plus the real time since the write (an upper bound of what the server saw) is short of the TTL.
 * Otherwise the machine was too slow to tell, and the scenario runs again from its write, up to
 * {@link #SCENARIO_ATTEMPTS} times. "Gone at the TTL" never depends on real time.
 *
 * <h2>Concurrency</h2>
 *
 * Concurrency tests use latches, barriers and thread states, never timing. Every wait is bounded by
 * {@link #HANG_GUARD}: an implementation that deadlocks fails the test instead of hanging the build.
 * The guard is not a timing assertion; no correct implementation comes near it.
 *
 * <p>Every cache a test creates is closed after the test.
 *
 * <h2>Where the tests are</h2>
 *
 * The suite is one chain of classes split by topic, each a file: {@link CacheContractSupport} (the
 * caches under test, time and the shared helpers), {@link CacheEntryContract} (basics, names,
 * arguments, TTL), {@link CacheTagContract} (tags, patterns, value isolation), {@link
 * CacheRememberContract} (loading with single flight) and this class (statistics, bounds, warming,
 * concurrency). JUnit runs the nested test classes of the whole chain for every subclass.
 */
public abstract class CacheContractTest extends CacheRememberContract {
    /** Counters with exact numbers. */
    @Nested
    public class Stats {

        @Test
        void newCache_countersAreZero() {
            CacheStats s = cache.stats();
            assertThat(s.name()).isEqualTo(cache.name());
            assertThat(List.of(
                            s.hits(),
                            s.misses(),
                            s.sets(),
                            s.deletes(),
                            s.expirations(),
                            s.sizeEvictions(),
                            s.loadSuccesses(),
                            s.loadFailures(),
                            s.totalLoadNanos(),
                            s.size()))
                    .containsOnly(0L);
            assertThat(s.hitRate()).isEqualTo(1.0);
            assertThat(s.averageLoadTime()).isEqualTo(Duration.ZERO);
        }

        @Test
        void get_countsHitsAndMisses() {
            cache.put("a", value("A"));
            cache.get("a");
            cache.get("a");
            cache.get("b");
            CacheStats s = cache.stats();
            assertThat(s.hits()).isEqualTo(2);
            assertThat(s.misses()).isEqualTo(1);
        }

        @Test
        void getAll_countsEachKey() {
            cache.put("a", value("A"));
            cache.put("b", value("B"));
            cache.getAll(List.of("a", "b", "c", "d", "e"));
            CacheStats s = cache.stats();
            assertThat(s.hits()).isEqualTo(2);
            assertThat(s.misses()).isEqualTo(3);
        }

        @Test
        void contains_isNotARead() {
            cache.put("a", value("A"));
            cache.contains("a");
            cache.contains("b");
            CacheStats s = cache.stats();
            assertThat(s.hits()).isZero();
            assertThat(s.misses()).isZero();
        }

        @Test
        void remember_countsAMissALoadAndASet_thenAHit() {
            cache.remember("a", Duration.ofMinutes(1), () -> value("A"));
            CacheStats first = cache.stats();
            assertThat(first.misses()).isEqualTo(1);
            assertThat(first.hits()).isZero();
            assertThat(first.loadSuccesses()).isEqualTo(1);
            assertThat(first.loadFailures()).isZero();
            assertThat(first.sets()).isEqualTo(1);

            cache.remember("a", Duration.ofMinutes(1), () -> value("A"));
            CacheStats second = cache.stats();
            assertThat(second.hits()).isEqualTo(1);
            assertThat(second.misses()).isEqualTo(1);
            assertThat(second.loadSuccesses()).isEqualTo(1);
            assertThat(second.sets()).isEqualTo(1);
        }

        @Test
        void loadFailure_countsAMissAndALoadFailure_andNoSet() {
            catchThrowable(() -> cache.remember("a", Duration.ofMinutes(1), () -> {
                throw new IOException("down");
            }));
            CacheStats s = cache.stats();
            assertThat(s.misses()).isEqualTo(1);
            assertThat(s.loadFailures()).isEqualTo(1);
            assertThat(s.loadSuccesses()).isZero();
            assertThat(s.sets()).isZero();
            assertThat(s.size()).isZero();
        }

        @Test
        void loadTimes_areWhatTheTickerAdvancedDuringTheLoads() {
            cache.remember("a", Duration.ofMinutes(1), () -> {
                ticker().advanceMillis(40);
                return value("A");
            });
            catchThrowable(() -> cache.remember("b", Duration.ofMinutes(1), () -> {
                ticker().advanceMillis(20);
                throw new IOException("down");
            }));
            CacheStats s = cache.stats();
            assertThat(s.totalLoadNanos()).isEqualTo(Duration.ofMillis(60).toNanos());
            assertThat(s.averageLoadTime()).isEqualTo(Duration.ofMillis(30));
        }

        @Test
        void putAndWarm_countSets() {
            cache.put("a", value("A"));
            cache.put("a", value("A2"));
            cache.warm(List.of(CacheEntry.of("b", value("B")), CacheEntry.of("c", value("C"))));
            assertThat(cache.stats().sets()).isEqualTo(4);
        }

        @Test
        void deletes_countEntriesRemovedByDeleteTagPatternAndClear() {
            cache.put("d", value("d"));
            cache.put("t1", value("t1"), WriteOptions.tags("t"));
            cache.put("t2", value("t2"), WriteOptions.tags("t"));
            cache.put("p:1", value("p1"));
            cache.put("p:2", value("p2"));
            cache.put("p:3", value("p3"));
            cache.put("c1", value("c1"));
            cache.put("c2", value("c2"));

            cache.delete("d");
            cache.delete("missing");
            assertThat(cache.stats().deletes()).isEqualTo(1);
            cache.invalidateByTag("t");
            assertThat(cache.stats().deletes()).isEqualTo(3);
            cache.invalidateByPattern("p:*");
            assertThat(cache.stats().deletes()).isEqualTo(6);
            cache.clear();
            assertThat(cache.stats().deletes()).isEqualTo(8);
        }

        @Test
        void readingAnExpiredKey_countsAMissAndAnExpiration() {
            cache.put("a", value("A"), Duration.ofSeconds(1));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.get("a")).isEmpty();
            CacheStats s = cache.stats();
            assertThat(s.misses()).isEqualTo(1);
            assertThat(s.hits()).isZero();
            assertThat(s.expirations()).isEqualTo(1);
            assertThat(s.evictions()).isEqualTo(1);
            assertThat(s.deletes()).isZero();
            assertThat(s.size()).isZero();
        }

        @Test
        void size_isTheNumberOfEntries() {
            for (int i = 0; i < 7; i++) {
                cache.put("k" + i, value("v" + i));
            }
            cache.put("k0", value("again"));
            cache.delete("k1");
            assertThat(cache.stats().size()).isEqualTo(6);
        }

        @Test
        void hitRate_isHitsOverRequests() {
            cache.put("a", value("A"));
            cache.get("a");
            cache.get("a");
            cache.get("a");
            cache.get("b");
            CacheStats s = cache.stats();
            assertThat(s.requests()).isEqualTo(4);
            assertThat(s.hitRate()).isEqualTo(0.75);
            assertThat(s.hitRatePercent()).isEqualTo(75.0);
        }

        @Test
        void resetStats_zeroesEveryCounter_butKeepsTheEntries() {
            cache.put("a", value("A"), Duration.ofSeconds(1));
            cache.put("b", value("B"));
            cache.put("c", value("C"));
            cache.get("b");
            cache.get("x");
            cache.delete("c");
            cache.remember("d", Duration.ofMinutes(1), () -> value("D"));
            catchThrowable(() -> cache.remember("e", Duration.ofMinutes(1), () -> {
                throw new IOException("down");
            }));
            pass(justAfter(Duration.ofSeconds(1)));
            cache.get("a");

            cache.resetStats();

            CacheStats s = cache.stats();
            assertThat(List.of(
                            s.hits(),
                            s.misses(),
                            s.sets(),
                            s.deletes(),
                            s.expirations(),
                            s.sizeEvictions(),
                            s.loadSuccesses(),
                            s.loadFailures(),
                            s.totalLoadNanos()))
                    .containsOnly(0L);
            assertThat(s.size()).isEqualTo(2);
            assertThat(cache.get("b")).contains(value("B"));
        }

        @Test
        void topKeys_hottestFirst_withExactHitCounts_atMostN() {
            cache.put("a", value("A"));
            cache.put("b", value("B"));
            cache.put("c", value("C"));
            for (int i = 0; i < 5; i++) {
                cache.get("b");
            }
            for (int i = 0; i < 3; i++) {
                cache.get("c");
            }
            cache.get("a");

            assertThat(cache.topKeys(2)).containsExactly(new HotKey("b", 5), new HotKey("c", 3));
            assertThat(cache.topKeys(10)).containsExactly(new HotKey("b", 5), new HotKey("c", 3), new HotKey("a", 1));
        }

        @Test
        void topKeys_deletedKeysDropOut() {
            cache.put("a", value("A"));
            cache.put("b", value("B"));
            cache.put("c", value("C"), WriteOptions.tags("t"));
            for (int i = 0; i < 4; i++) {
                cache.get("a");
            }
            cache.get("b");
            cache.get("b");
            cache.get("c");
            cache.delete("a");
            cache.invalidateByTag("t");

            assertThat(cache.topKeys(10)).containsExactly(new HotKey("b", 2));
        }

        @Test
        void topKeys_atMostTheHotKeyCapacity() {
            Cache<TestValue> c = cache(config().hotKeyCapacity(2).build());
            for (int i = 0; i < 5; i++) {
                c.put("k" + i, value("v" + i));
                for (int r = 0; r <= i; r++) {
                    c.get("k" + i);
                }
            }
            assertThat(c.topKeys(10)).hasSizeLessThanOrEqualTo(2);
        }

        @Test
        void resetStats_zeroesHotKeyCounts() {
            cache.put("a", value("A"));
            cache.put("b", value("B"));
            for (int i = 0; i < 3; i++) {
                cache.get("a");
            }
            cache.resetStats();
            assertThat(cache.topKeys(10)).allSatisfy(h -> assertThat(h.hits()).isZero());
            cache.get("b");
            assertThat(cache.topKeys(1)).containsExactly(new HotKey("b", 1));
        }
    }

    /** Entry and byte bounds. */
    @Nested
    public class Bounds {

        @Test
        void maximumEntries_sizeStaysWithinTheBound_andEveryEvictionIsCounted() {
            Cache<TestValue> c = cache(config().maximumEntries(100).build());
            for (int i = 0; i < 1_000; i++) {
                c.put("k" + i, value("v" + i));
            }
            CacheStats s = c.stats();
            assertThat(s.size()).isLessThanOrEqualTo(100);
            assertThat(s.size() + s.sizeEvictions()).isEqualTo(1_000);
            long live = 0;
            for (int i = 0; i < 1_000; i++) {
                if (c.contains("k" + i)) {
                    live++;
                }
            }
            assertThat(live).isEqualTo(s.size());
        }

        @Test
        void maximumBytes_estimatedBytesStayWithinTheBound() {
            Cache<TestValue> c = cache(config().maximumBytes(20_000).build());
            String padding = "x".repeat(40);
            for (int i = 0; i < 1_000; i++) {
                c.put("key:" + i, TestValue.of(padding + i, i, padding, padding));
            }
            CacheStats s = c.stats();
            assertThat(s.estimatedBytes()).isBetween(1L, 20_000L);
            assertThat(s.sizeEvictions()).isPositive();
            assertThat(s.size() + s.sizeEvictions()).isEqualTo(1_000);
        }

        @Test
        void evictedEntries_areNotResurrectedByTheirTags_andTagInvalidationCountsOnlyLiveOnes() {
            Cache<TestValue> c = cache(config().maximumEntries(10).build());
            for (int i = 0; i < 50; i++) {
                c.put("k" + i, value("v" + i), WriteOptions.tags("t"));
            }
            List<String> live = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                if (c.contains("k" + i)) {
                    live.add("k" + i);
                }
            }
            assertThat(live).hasSizeLessThanOrEqualTo(10);

            assertThat(c.invalidateByTag("t")).isEqualTo(live.size());
            for (int i = 0; i < 50; i++) {
                assertThat(c.get("k" + i)).as("k%d", i).isEmpty();
            }
            assertThat(c.stats().size()).isZero();
        }
    }

    /** Warming. */
    @Nested
    public class Warm {

        @Test
        void warm_storesEveryEntry_andReturnsTheCount() {
            List<CacheEntry<TestValue>> entries = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                entries.add(CacheEntry.of("k" + i, value("v" + i)));
            }
            assertThat(cache.warm(entries)).isEqualTo(25);
            for (int i = 0; i < 25; i++) {
                assertThat(cache.get("k" + i)).contains(value("v" + i));
            }
        }

        @Test
        void warm_honoursEachEntrysTtlAndTags() {
            scenario(() -> {
                Mark start = now();
                cache.warm(List.of(
                        CacheEntry.of("short", value("S"), WriteOptions.ttl(Duration.ofSeconds(2))),
                        CacheEntry.of("tagged", value("T"), WriteOptions.tags("t"))));
                assertThat(cache.invalidateByTag("t")).isEqualTo(1);
                assertLivesExactly(cache, "short", value("S"), start, Duration.ofSeconds(2));
            });
        }

        @Test
        void warm_noEntries_returnsZero() {
            assertThat(cache.warm(List.of())).isZero();
            assertThat(cache.stats().size()).isZero();
        }
    }

    /** Many threads on the same keys, with exact totals at the end. */
    @Nested
    public class Concurrency {

        @Test
        void mixedPutGetDelete_8threadsOn64keys_keepsEveryInvariant() throws Exception {
            int threadCount = 8;
            int opsPerThread = 10_000;
            int keyCount = 64;
            Map<String, Set<TestValue>> written = new HashMap<>();
            for (int k = 0; k < keyCount; k++) {
                written.put("k" + k, ConcurrentHashMap.newKeySet());
            }
            LongAdder gets = new LongAdder();
            LongAdder hits = new LongAdder();
            LongAdder misses = new LongAdder();
            LongAdder puts = new LongAdder();
            LongAdder deleted = new LongAdder();
            CyclicBarrier start = new CyclicBarrier(threadCount);
            List<Async<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                workers.add(async("worker-" + t, () -> {
                    Random random = new Random(31L * thread + 7);
                    await(start);
                    for (int i = 0; i < opsPerThread; i++) {
                        String key = "k" + random.nextInt(keyCount);
                        int op = random.nextInt(10);
                        if (op < 4) {
                            TestValue v = new TestValue(key, thread * 1_000_000L + i, List.of());
                            written.get(key).add(v);
                            cache.put(key, v);
                            puts.increment();
                        } else if (op < 9) {
                            gets.increment();
                            Optional<TestValue> got = cache.get(key);
                            if (got.isPresent()) {
                                hits.increment();
                                if (!got.get().name().equals(key)) {
                                    throw new AssertionError("get(" + key + ") returned " + got.get());
                                }
                            } else {
                                misses.increment();
                            }
                        } else if (cache.delete(key)) {
                            deleted.increment();
                        }
                    }
                    return null;
                }));
            }
            for (Async<Void> w : workers) {
                w.get();
            }

            CacheStats s = cache.stats();
            assertThat(s.hits()).isEqualTo(hits.sum());
            assertThat(s.misses()).isEqualTo(misses.sum());
            assertThat(s.hits() + s.misses()).isEqualTo(gets.sum());
            assertThat(s.sets()).isEqualTo(puts.sum());
            assertThat(s.deletes()).isEqualTo(deleted.sum());
            long remaining = 0;
            for (int k = 0; k < keyCount; k++) {
                String key = "k" + k;
                Optional<TestValue> v = cache.get(key);
                if (v.isPresent()) {
                    remaining++;
                    assertThat(written.get(key))
                            .as("values written for %s", key)
                            .contains(v.get());
                }
            }
            assertThat(s.size()).isEqualTo(remaining);
        }

        @Test
        void concurrentRemember_8threadsOn10keys_loadsEachKeyExactlyOnce() throws Exception {
            int threadCount = 8;
            int keyCount = 10;
            AtomicInteger[] loads = new AtomicInteger[keyCount];
            for (int k = 0; k < keyCount; k++) {
                loads[k] = new AtomicInteger();
            }
            CyclicBarrier start = new CyclicBarrier(threadCount);
            List<Async<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                workers.add(async("remember-" + t, () -> {
                    await(start);
                    for (int i = 0; i < 2_000; i++) {
                        int k = (i + thread) % keyCount;
                        TestValue got = cache.remember("k" + k, Duration.ofMinutes(1), () -> {
                            loads[k].incrementAndGet();
                            return TestValue.of("k" + k, k);
                        });
                        if (!got.equals(TestValue.of("k" + k, k))) {
                            throw new AssertionError("remember(k" + k + ") returned " + got);
                        }
                    }
                    return null;
                }));
            }
            for (Async<Void> w : workers) {
                w.get();
            }
            int total = 0;
            for (int k = 0; k < keyCount; k++) {
                assertThat(loads[k]).as("loads of k%d", k).hasValue(1);
                total += loads[k].get();
            }
            assertThat(total).isEqualTo(keyCount);
            assertThat(cache.stats().loadSuccesses()).isEqualTo(keyCount);
        }

        @Test
        void concurrentTaggedPutsAndTagInvalidation_leaveNoTaggedEntry() throws Exception {
            int writers = 4;
            int invalidators = 2;
            int keyCount = 64;
            AtomicLong invalidated = new AtomicLong();
            LongAdder puts = new LongAdder();
            CyclicBarrier start = new CyclicBarrier(writers + invalidators);
            List<Async<Void>> workers = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int thread = t;
                workers.add(async("writer-" + t, () -> {
                    await(start);
                    for (int i = 0; i < 2_000; i++) {
                        int k = (i * 7 + thread) % keyCount;
                        cache.put("hot:" + k, TestValue.of("hot:" + k, i), WriteOptions.tags("hot", "w" + thread));
                        cache.put("cold:" + k, TestValue.of("cold:" + k, i));
                        puts.add(2);
                    }
                    return null;
                }));
            }
            for (int t = 0; t < invalidators; t++) {
                workers.add(async("invalidator-" + t, () -> {
                    await(start);
                    for (int i = 0; i < 500; i++) {
                        invalidated.addAndGet(cache.invalidateByTag("hot"));
                    }
                    return null;
                }));
            }
            for (Async<Void> w : workers) {
                w.get();
            }
            invalidated.addAndGet(cache.invalidateByTag("hot"));

            for (int k = 0; k < keyCount; k++) {
                assertThat(cache.get("hot:" + k)).as("hot:%d", k).isEmpty();
                assertThat(cache.get("cold:" + k)).as("cold:%d", k).isPresent();
            }
            assertThat(cache.keys("hot:*")).isEmpty();
            for (int t = 0; t < writers; t++) {
                assertThat(cache.invalidateByTag("w" + t)).as("tag w%d", t).isZero();
            }
            CacheStats s = cache.stats();
            assertThat(s.deletes()).isEqualTo(invalidated.get());
            assertThat(s.sets()).isEqualTo(puts.sum());
            assertThat(s.size()).isEqualTo(keyCount);
        }
    }
}

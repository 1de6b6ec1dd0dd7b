package dev.voicetrack.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many threads on few keys, with every operation that moves an entry in or out of the indexes (puts
 * that keep, change or drop tags, deletes, tag and pattern invalidation, clear, loads, size evictions
 * and expirations), stopped at a barrier every round so that the indexes can be checked against
 * Caffeine's map while nothing runs: every stored node owns a live slot in the key index and in each
 * of its tags, no tag holds a dead or stale entry, the byte total adds up, and the counters are
 * exact. The put path hands a key's index slot from node to node; these rounds are what would catch a
 * hand-over racing a removal.
 */
class IndexConsistencyStressTest {

    private static final String[] TAGS = {"a", "b", "c", "d"};
    private static final int THREADS = 16;
    private static final int ROUNDS = 40;
    private static final int OPS_PER_ROUND = 1_500;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final ManualTicker ticker = new ManualTicker();

    /** Shared options objects (tag sets compared by identity) and equal fresh ones (by content). */
    private final List<WriteOptions> sharedOptions = new ArrayList<>();

    IndexConsistencyStressTest() {
        for (int mask = 0; mask < 1 << TAGS.length; mask++) {
            sharedOptions.add(WriteOptions.defaults().withTags(tagsOf(mask)));
        }
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void unboundedCache_putsDeletesAndInvalidations_keepIndexesAndCountersExact() throws Exception {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        Counts counts = new Counts();
        // Many short rounds on 4 keys: a put racing a removal must show at a barrier before the key's
        // next removal wipes it.
        for (int round = 0; round < 1_500; round++) {
            runRound(cache, round, counts, 4, 24, false, false);
            assertThat(cache.indexProblems()).as("round %d", round).isEmpty();
            CacheStats s = cache.stats();
            assertThat(s.sets()).as("sets after round %d", round).isEqualTo(counts.puts.sum());
            assertThat(s.deletes()).as("deletes after round %d", round).isEqualTo(counts.removed.sum());
            assertThat(s.size()).isEqualTo(visible(cache));
        }
    }

    @Test
    void boundedCache_withLoadsClearsAndExpiry_keepsIndexesExact() throws Exception {
        LocalCache<Long> cache = cache(CacheConfig.builder()
                .ticker(ticker)
                .maximumEntries(12)
                .defaultTtl(Duration.ofSeconds(3))
                .build());
        Counts counts = new Counts();
        for (int round = 0; round < ROUNDS; round++) {
            runRound(cache, round, counts, 32, OPS_PER_ROUND, true, true);
            assertThat(cache.indexProblems()).as("round %d", round).isEmpty();
            assertThat(cache.stats().size()).isEqualTo(visible(cache)).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void byteBoundedCache_withEntryBoundToo_keepsIndexesExact() throws Exception {
        LocalCache<Long> cache = cache(CacheConfig.builder()
                .ticker(ticker)
                .maximumBytes(20 * (SizeEstimator.ENTRY_OVERHEAD_BYTES + 64))
                .maximumEntries(10)
                .build());
        Counts counts = new Counts();
        for (int round = 0; round < ROUNDS; round++) {
            runRound(cache, round, counts, 32, OPS_PER_ROUND, false, false);
            assertThat(cache.indexProblems()).as("round %d", round).isEmpty();
            assertThat(cache.stats().size()).isEqualTo(visible(cache));
        }
    }

    @Test
    void tagInvalidationRacingPutsIntoTheSameTag_neverLosesAStoredEntryFromItsTags() throws Exception {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        WriteOptions[] options = new WriteOptions[8];
        for (int k = 0; k < options.length; k++) {
            options[k] = WriteOptions.tags("hot", "own:" + k);
        }
        for (int round = 0; round < 1_500; round++) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean invalidator = t % 4 == 0;
                long seed = 7_919L * round + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 16; i++) {
                        int k = random.nextInt(options.length);
                        if (invalidator) {
                            cache.invalidateByTag(random.nextInt(4) == 0 ? "own:" + k : "hot");
                        } else {
                            cache.put("k" + k, seed, options[k]);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES); // a hang guard, not a timing assertion
            }
            assertThat(cache.indexProblems()).as("round %d", round).isEmpty();
        }
    }

    @Test
    void retaggingAPut_movesTheEntryBetweenTags_andKeepsBytes() {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        cache.put("k", 1L, WriteOptions.tags("a", "b"));
        long bytesOfOne = cache.stats().estimatedBytes();
        cache.put("k", 2L, WriteOptions.tags("b", "c"));
        cache.put("k", 3L, WriteOptions.tags("c", "b")); // same tags, another order and options object
        assertThat(cache.indexProblems()).isEmpty();
        assertThat(cache.stats().estimatedBytes()).isEqualTo(bytesOfOne);
        assertThat(cache.invalidateByTag("a")).isZero();
        assertThat(cache.get("k")).contains(3L);
        assertThat(cache.invalidateByTag("c")).isOne();
        assertThat(cache.invalidateByTag("b")).isZero();
        assertThat(cache.stats().estimatedBytes()).isZero();
        assertThat(cache.indexProblems()).isEmpty();

        cache.put("k", 4L, WriteOptions.tags("a"));
        cache.put("k", 5L); // drops every tag
        assertThat(cache.invalidateByTag("a")).isZero();
        assertThat(cache.get("k")).contains(5L);
        assertThat(cache.indexProblems()).isEmpty();
    }

    @Test
    void removedKeys_leaveDeadSlotsThatPutsReuseAndASweepRemoves() {
        LocalCache<Long> cache = cache(
                CacheConfig.builder().ticker(ticker).maximumEntries(100_000).build());
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            cache.put("bg" + i, (long) i); // live entries: dead slots up to as many are tolerated
        }
        WriteOptions hot = WriteOptions.tags("hot");
        for (int i = 0; i < n; i++) {
            cache.put("k" + i, (long) i, hot);
        }
        assertThat(cache.invalidateByTag("hot")).isEqualTo(n);
        assertThat(cache.keys("k*")).isEmpty();
        assertThat(cache.keys("k1*")).isEmpty();
        assertThat(cache.get("k7")).isEmpty();
        assertThat(cache.delete("k7")).isFalse();
        // The removed keys' slots stay until overwritten or swept: no skip-list removal per entry.
        assertThat(cache.keyIndexSize()).isEqualTo(2 * n);
        assertThat(cache.indexProblems()).isEmpty();

        for (int i = 0; i < n; i++) {
            cache.put("k" + i, (long) i, hot); // a put of the key overwrites its dead slot
        }
        assertThat(cache.keyIndexSize()).isEqualTo(2 * n);
        assertThat(cache.keys("k999*"))
                .containsExactlyInAnyOrder(
                        "k999", "k9990", "k9991", "k9992", "k9993", "k9994", "k9995", "k9996", "k9997", "k9998",
                        "k9999");
        assertThat(cache.indexProblems()).isEmpty();

        cache.clear(); // removes everything; the dead slots now outnumber the live entries: swept
        assertThat(cache.keyIndexSize()).isZero();
        assertThat(cache.stats().size()).isZero();

        for (int i = 0; i < n; i++) {
            cache.put("k" + i, (long) i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(cache.delete("k" + i)).isTrue();
            // Never more dead slots than the floor or the live entries, plus the one just made.
            assertThat(cache.keyIndexSize() - (n - i - 1))
                    .isLessThanOrEqualTo(Math.max(LocalCache.MIN_DEAD_SLOTS_BEFORE_SWEEP, n - i - 1) + 1);
        }
        assertThat(cache.indexProblems()).isEmpty();
        assertThat(cache.keys("*")).isEmpty();
    }

    @Test
    void tagInvalidation_leavesDeadSlotsInOtherTags_thatPutsInvalidationsAndASweepDrop() {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        int n = 10;
        for (int i = 0; i < n; i++) {
            cache.put("k" + i, (long) i, WriteOptions.tags("hot", "own:" + i, "g"));
        }
        cache.put("other", -1L, WriteOptions.tags("g"));
        assertThat(cache.invalidateByTag("hot")).isEqualTo(n);
        // Each removed entry's slot stays, dead, in its own tag and in g: counted, not visible.
        assertThat(cache.deadTagEntries()).isEqualTo(2L * n);
        assertThat(cache.indexProblems()).isEmpty();
        assertThat(cache.invalidateByTag("own:3")).isZero();
        assertThat(cache.deadTagEntries()).isEqualTo(2L * n - 1);

        cache.put("k4", 4L, WriteOptions.tags("hot", "own:4", "g")); // overwrites its dead slot in own:4 and g
        assertThat(cache.deadTagEntries()).isEqualTo(2L * n - 3);
        assertThat(cache.indexProblems()).isEmpty();

        assertThat(cache.invalidateByTag("g")).isEqualTo(2); // k4 and other; the dead slots are dropped
        assertThat(cache.get("k4")).isEmpty();
        assertThat(cache.get("other")).isEmpty();
        assertThat(cache.stats().size()).isZero();
        assertThat(cache.stats().estimatedBytes()).isZero();
        assertThat(cache.stats().deletes()).isEqualTo(n + 2);
        assertThat(cache.indexProblems()).isEmpty();
        // Left dead: own:i of the 8 keys not stored again, and k4's new slot in hot and own:4.
        assertThat(cache.deadTagEntries()).isEqualTo(n);
        assertThat(cache.tagIndexSize()).isEqualTo(n);
    }

    @Test
    void deadTagEntries_outnumberingTheLiveEntries_areSweptByTheInvalidationThatLeftThem() {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        int n = TagIndex.MIN_DEAD_ENTRIES_BEFORE_SWEEP + 1;
        for (int i = 0; i < 100; i++) {
            cache.put("bg" + i, (long) i, WriteOptions.tags("bg", "own:bg" + i));
        }
        for (int i = 0; i < n; i++) {
            cache.put("k" + i, (long) i, WriteOptions.tags("hot", "own:" + i));
        }
        assertThat(cache.invalidateByTag("hot")).isEqualTo(n);
        assertThat(cache.deadTagEntries()).isZero();
        assertThat(cache.tagIndexSize()).isEqualTo(101); // bg and the background's own tags
        assertThat(cache.invalidateByTag("bg")).isEqualTo(100);
        assertThat(cache.deadTagEntries()).isEqualTo(100); // below the minimum: kept until met or swept
        assertThat(cache.tagIndexSize()).isEqualTo(100);
        assertThat(cache.indexProblems()).isEmpty();
    }

    @Test
    void overlappingTagInvalidations_racingPutsDeletesAndSweeps_neverLoseAStoredEntryFromItsTags() throws Exception {
        LocalCache<Long> cache = cache(CacheConfig.builder().ticker(ticker).build());
        int keys = 2 * TagIndex.MIN_DEAD_ENTRIES_BEFORE_SWEEP; // enough dead tag entries to sweep mid-round
        WriteOptions[][] options = new WriteOptions[keys][];
        for (int k = 0; k < keys; k++) {
            options[k] = new WriteOptions[] {
                WriteOptions.tags("hot", "g" + k % 4, "own:" + k),
                WriteOptions.tags("g" + k % 4, "own:" + k),
                WriteOptions.tags("hot", "own:" + k),
            };
        }
        Counts counts = new Counts();
        for (int round = 0; round < 4; round++) {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                long seed = 104_729L * round + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < keys / 2; i++) {
                        int k = random.nextInt(keys);
                        if (thread % 4 == 0 && i % 16 == 0) {
                            int which = random.nextInt(3);
                            String tag = which == 0 ? "hot" : which == 1 ? "g" + k % 4 : "own:" + k;
                            counts.removed.add(cache.invalidateByTag(tag));
                        } else if (thread % 4 == 1 && i % 8 == 0) {
                            if (cache.delete("k" + k)) {
                                counts.removed.increment();
                            }
                        } else if (thread % 4 != 0) {
                            cache.put("k" + k, seed, options[k][random.nextInt(3)]);
                            counts.puts.increment();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES); // a hang guard, not a timing assertion
            }
            assertThat(cache.indexProblems()).as("round %d", round).isEmpty();
            CacheStats s = cache.stats();
            assertThat(s.sets()).as("sets after round %d", round).isEqualTo(counts.puts.sum());
            assertThat(s.deletes()).as("deletes after round %d", round).isEqualTo(counts.removed.sum());
            // Every stored entry is still found through each of its tags: invalidating them all empties the cache.
            if (round % 2 == 1) {
                long removed = cache.invalidateByTags(List.of("hot", "g0", "g1", "g2", "g3"));
                counts.removed.add(removed);
                assertThat(cache.stats().size())
                        .as("entries left after round %d", round)
                        .isZero();
                assertThat(cache.indexProblems()).as("round %d, emptied", round).isEmpty();
            }
        }
        assertThat(cache.tagSweeps())
                .as("tag sweeps that ran while the threads raced")
                .isPositive();
    }

    // ---------------------------------------------------------------- helpers

    private static final class Counts {
        final LongAdder puts = new LongAdder();
        final LongAdder removed = new LongAdder();
    }

    private LocalCache<Long> cache(CacheConfig config) {
        return new LocalCache<>(config, ValueIsolation.immutable());
    }

    private static String[] tagsOf(int mask) {
        List<String> tags = new ArrayList<>();
        for (int t = 0; t < TAGS.length; t++) {
            if ((mask & 1 << t) != 0) {
                tags.add(TAGS[t]);
            }
        }
        return tags.toArray(new String[0]);
    }

    private static long visible(LocalCache<Long> cache) {
        long n = 0;
        for (int k = 0; k < 32; k++) {
            if (cache.contains("k" + k)) {
                n++;
            }
        }
        return n;
    }

    /**
     * One round: every thread runs its share of random operations on {@code keys} keys; clears, loads and clock
     * moves only when asked (they make the exact counters unknowable from outside).
     */
    private void runRound(
            LocalCache<Long> cache, int round, Counts counts, int keys, int ops, boolean loadsAndClears, boolean expiry)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long seed = 1_000L * round + t;
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < ops; i++) {
                    String key = "k" + random.nextInt(keys);
                    int op = random.nextInt(100);
                    int mask = random.nextInt(1 << TAGS.length);
                    if (op < 40) {
                        WriteOptions options = random.nextBoolean()
                                ? sharedOptions.get(mask)
                                : WriteOptions.defaults().withTags(tagsOf(mask));
                        cache.put(key, seed * 10_000 + i, options);
                        counts.puts.increment();
                    } else if (op < 55) {
                        if (cache.delete(key)) {
                            counts.removed.increment();
                        }
                    } else if (op < 75) {
                        Optional<Long> got = cache.get(key);
                        if (got.isPresent() && got.get() < 0) {
                            throw new AssertionError("negative value for " + key);
                        }
                    } else if (op < 82) {
                        counts.removed.add(cache.invalidateByTag(TAGS[random.nextInt(TAGS.length)]));
                    } else if (op < 85) {
                        counts.removed.add(cache.invalidateByTags(List.of(TAGS[mask & 3], TAGS[2 + (mask >> 2 & 1)])));
                    } else if (op < 88) {
                        counts.removed.add(cache.invalidateByPattern("k" + random.nextInt(4) + "*"));
                    } else if (op < 91) {
                        cache.keys("k1*");
                    } else if (loadsAndClears && op < 97) {
                        cache.remember(key, sharedOptions.get(mask), () -> (long) thread);
                    } else if (loadsAndClears && op < 98) {
                        cache.clear();
                    } else if (expiry && thread == 0) {
                        ticker.advance(Duration.ofMillis(250));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES); // a hang guard, not a timing assertion
        }
    }
}

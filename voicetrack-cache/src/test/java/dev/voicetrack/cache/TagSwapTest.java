package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A put that replaces a key swaps the new entry into the tag index in place of the old one: tags both
 * entries carry keep the key, tags only the old one carried drop it, tags only the new one carries
 * gain it, and the byte total follows the new value.
 */
class TagSwapTest {

    private final Cache<String> cache = InProcessCache.create(CacheConfig.defaults());

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void rePut_withOverlappingTags_keepsSharedTags_dropsOldOnes_addsNewOnes() {
        cache.put("k", "v1", WriteOptions.tags("kept", "dropped"));
        cache.put("k", "v2", WriteOptions.tags("kept", "added"));

        assertThat(cache.invalidateByTag("dropped")).isZero();
        assertThat(cache.get("k")).contains("v2");
        assertThat(cache.invalidateByTag("added")).isEqualTo(1);
        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.invalidateByTag("kept")).isZero();
    }

    @Test
    void rePut_withTheSameTags_manyTimes_leavesOneEntryPerTag() {
        for (int i = 0; i < 1_000; i++) {
            cache.put("k", "v" + i, WriteOptions.tags("guild:1", "user:1:2"));
            cache.put("other", "o" + i, WriteOptions.tags("guild:1"));
        }
        assertThat(cache.invalidateByTag("user:1:2")).isEqualTo(1);
        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(1);
        assertThat(cache.stats().size()).isZero();
        assertThat(cache.stats().estimatedBytes()).isZero();
    }

    @Test
    void rePut_changesTheByteTotalByTheDifference() {
        cache.put("k", "short", WriteOptions.tags("t"));
        long before = cache.stats().estimatedBytes();
        cache.put("k", "a much longer value than before", WriteOptions.tags("t"));
        assertThat(cache.stats().estimatedBytes()).isGreaterThan(before);
        cache.delete("k");
        assertThat(cache.stats().estimatedBytes()).isZero();
    }

    @Test
    void concurrentRePutsOfTheSameKeys_thenInvalidation_removesEveryKey() throws Exception {
        int threads = 4;
        int keys = 64;
        var start = new CountDownLatch(1);
        var failure = new AtomicReference<Throwable>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 2_000; round++) {
                        int k = (round * 7 + id) % keys;
                        String extra = round % 3 == 0 ? "odd" : "even";
                        cache.put("k" + k, "v" + round, WriteOptions.tags("all", extra));
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            w.start();
            writers.add(w);
        }
        start.countDown();
        for (Thread w : writers) {
            w.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(cache.invalidateByTag("all")).isEqualTo(keys);
        assertThat(cache.invalidateByTag("odd")).isZero();
        assertThat(cache.invalidateByTag("even")).isZero();
        assertThat(cache.stats().size()).isZero();
        assertThat(cache.stats().estimatedBytes()).isZero();
    }

    @Test
    void removedKeys_neverShowInPatternScans_beforeOrAfterSweeps() {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 3_000; i++) {
                cache.put("r" + round + ":k" + i, "v", WriteOptions.tags("round:" + round));
            }
            cache.put("keep:" + round, "v", WriteOptions.tags("keep"));
            assertThat(cache.invalidateByTag("round:" + round)).isEqualTo(3_000);
            assertThat(cache.keys("r" + round + ":*")).isEmpty();
            assertThat(cache.keys("*")).hasSize(round + 1);
        }
        cache.put("r0:k1", "back", WriteOptions.tags("round:0"));
        assertThat(cache.keys("r0:*")).containsExactly("r0:k1");
        assertThat(cache.invalidateByPattern("*")).isEqualTo(6);
        assertThat(cache.stats().size()).isZero();
    }
}

package dev.voicetrack.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.HotKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hot-key tracking for caches without entry objects (the Redis cache). */
class KeyedHotKeysTest {

    @Test
    void top_hottestFirst_withExactCounts() {
        KeyedHotKeys hot = new KeyedHotKeys(8);
        hit(hot, "a", 1);
        hit(hot, "b", 5);
        hit(hot, "c", 3);

        assertThat(hot.top(2)).containsExactly(new HotKey("b", 5), new HotKey("c", 3));
        assertThat(hot.top(10)).containsExactly(new HotKey("b", 5), new HotKey("c", 3), new HotKey("a", 1));
    }

    @Test
    void forget_dropsTheKey_andItStartsAgainFromZero() {
        KeyedHotKeys hot = new KeyedHotKeys(8);
        hit(hot, "a", 4);
        hit(hot, "b", 2);

        hot.forget("a");
        assertThat(hot.top(10)).containsExactly(new HotKey("b", 2));

        hit(hot, "a", 1);
        assertThat(hot.top(10)).containsExactly(new HotKey("b", 2), new HotKey("a", 1));
    }

    @Test
    void clear_forgetsEveryKey() {
        KeyedHotKeys hot = new KeyedHotKeys(8);
        hit(hot, "a", 3);

        hot.clear();
        assertThat(hot.top(10)).isEmpty();

        hit(hot, "a", 1);
        assertThat(hot.top(10)).containsExactly(new HotKey("a", 1));
    }

    @Test
    void manyColdKeys_arePruned_andTheHotOneKeepsItsExactCount() {
        KeyedHotKeys hot = new KeyedHotKeys(2);
        hit(hot, "hot", 100);
        for (int i = 0; i < 1_000; i++) {
            hit(hot, "cold" + i, 1);
        }

        List<HotKey> top = hot.top(2);
        assertThat(top).hasSize(2);
        assertThat(top.get(0)).isEqualTo(new HotKey("hot", 100));
        assertThat(top.get(1).hits()).isEqualTo(1);
    }

    @Test
    void capacityZero_tracksNothing() {
        KeyedHotKeys hot = new KeyedHotKeys(0);
        hit(hot, "a", 3);

        assertThat(hot.top(10)).isEmpty();
    }

    @Test
    void concurrentHits_onOneKey_areAllCounted() throws Exception {
        KeyedHotKeys hot = new KeyedHotKeys(4);
        int threads = 8;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> hit(hot, "k", perThread)));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS); // hang guard only
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(hot.top(1)).containsExactly(new HotKey("k", (long) threads * perThread));
    }

    private static void hit(KeyedHotKeys hot, String key, int times) {
        for (int i = 0; i < times; i++) {
            hot.onHit(key);
        }
    }
}

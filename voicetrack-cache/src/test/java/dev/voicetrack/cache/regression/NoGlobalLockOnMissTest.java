package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.Memoized;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anchor defect (Cache): "Decorator-built keys never match the invalidation patterns; 32-bit key
 * hashes collide; a global lock is held while loading, serialising every miss." This class covers
 * the global lock.
 *
 * <p>The timeouts on {@code Future.get} are hang guards only: with a global lock the second miss
 * would wait forever for a loader that is itself waiting for the test, and the guard turns that into
 * a failure instead of a stuck build.
 */
class NoGlobalLockOnMissTest {

    private static final long GUARD_SECONDS = 30;

    private final Cache<String> cache = InProcessCache.create(
            CacheConfig.builder().ticker(new ManualTicker()).build());
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        cache.close();
    }

    @Test
    void blockedLoaderOnOneKey_doesNotStopAMissOnAnotherKey() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = pool.submit(() -> cache.remember("slow", Duration.ofMinutes(1), () -> {
            loading.countDown();
            release.await();
            return "slow value";
        }));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

        Future<String> fast = pool.submit(() -> cache.remember("fast", Duration.ofMinutes(1), () -> "fast value"));
        assertThat(fast.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("fast value");
        assertThat(slow.isDone()).as("the slow load is still blocked").isFalse();
        assertThat(cache.get("fast")).hasValue("fast value");

        release.countDown();
        assertThat(slow.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("slow value");
        assertThat(cache.get("slow")).hasValue("slow value");
    }

    @Test
    void manyBlockedLoaders_onDistinctKeysRunAtTheSameTime() throws Exception {
        int n = 8;
        CountDownLatch allLoading = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        Memoized<Integer, String> memo = Memoized.of(cache, "m", WriteOptions.defaults(), (Integer i) -> {
            allLoading.countDown();
            release.await();
            return "v" + i;
        });
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int arg = i;
            futures.add(pool.submit(() -> memo.get(arg)));
        }
        // Every loader is inside its function at once: no miss waits for another key's load.
        assertThat(allLoading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (int i = 0; i < n; i++) {
            assertThat(futures.get(i).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("v" + i);
        }
    }

    @Test
    void concurrentMissesOnTheSameKey_shareOneLoad() throws Exception {
        int callers = 16;
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch submitted = new CountDownLatch(callers);
        Future<String> first = pool.submit(() -> cache.remember("k", Duration.ofMinutes(1), () -> {
            runs.incrementAndGet();
            loading.countDown();
            release.await();
            return "v";
        }));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        List<Future<String>> others = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            others.add(pool.submit(() -> {
                submitted.countDown();
                return cache.remember("k", Duration.ofMinutes(1), () -> {
                    runs.incrementAndGet();
                    return "second load";
                });
            }));
        }
        assertThat(submitted.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("v");
        for (Future<String> f : others) {
            assertThat(f.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("v");
        }
        assertThat(runs).hasValue(1);
    }
}

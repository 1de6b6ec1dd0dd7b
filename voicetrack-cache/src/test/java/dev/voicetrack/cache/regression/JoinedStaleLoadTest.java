package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.WriteOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for "a read that misses the cache can store an older snapshot than a write that landed
 * meanwhile, and serve it", in the form the tracker's clear-while-ticking proof found: a caller that
 * misses <em>after</em> an invalidation must not join a load that started <em>before</em> it and be
 * handed that load's old value. It runs a load of its own instead.
 *
 * <p>Timeouts are hang guards only.
 */
class JoinedStaleLoadTest {

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
    void missAfterInvalidation_doesNotJoinTheOlderLoad() throws Exception {
        CountDownLatch oldLoadRunning = new CountDownLatch(1);
        CountDownLatch releaseOldLoad = new CountDownLatch(1);
        Future<String> oldCaller = pool.submit(() -> cache.remember("user:1", WriteOptions.tags("guild:1"), () -> {
            oldLoadRunning.countDown();
            releaseOldLoad.await();
            return "before-write";
        }));
        assertThat(oldLoadRunning.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();

        // Storage is written, then the cache invalidated, while the old load is still running.
        cache.invalidateByTag("guild:1");

        AtomicInteger freshLoads = new AtomicInteger();
        Future<String> newCaller = pool.submit(() -> cache.remember("user:1", WriteOptions.tags("guild:1"), () -> {
            freshLoads.incrementAndGet();
            return "after-write";
        }));
        assertThat(newCaller.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .as("a read that began after the invalidation sees the write")
                .isEqualTo("after-write");
        assertThat(freshLoads).hasValue(1);

        releaseOldLoad.countDown();
        assertThat(oldCaller.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .as("the overlapping read may return the old value")
                .isEqualTo("before-write");
        assertThat(cache.get("user:1")).as("the cache keeps the fresh value").contains("after-write");
    }

    @Test
    void callersJoiningACurrentLoad_stillShareIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        Future<String> first = pool.submit(() -> cache.remember("k", WriteOptions.defaults(), () -> {
            loads.incrementAndGet();
            running.countDown();
            release.await();
            return "v";
        }));
        assertThat(running.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        Future<String> second = pool.submit(() -> cache.remember("k", WriteOptions.defaults(), () -> {
            loads.incrementAndGet();
            return "other";
        }));
        release.countDown();
        assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(second.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(loads).hasValue(1);
    }
}

package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.Memoized;
import dev.voicetrack.cache.WriteOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for the stale-load race behind the anchor defects "Deleting or resetting a user leaves
 * cached copies" and "Decorator-built keys never match the invalidation patterns": a load that read
 * storage before an invalidation must not write its old value into the cache after it.
 *
 * <p>Timeouts are hang guards only.
 */
class StaleLoadAfterInvalidationTest {

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

    /** Runs a load of {@code key} tagged {@code tag}, invalidates while it is in the loader, then lets it finish. */
    private void loadThenInvalidateDuringIt(String key, String tag, Consumer<Cache<String>> invalidation)
            throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> load = pool.submit(() -> cache.remember(key, WriteOptions.tags(tag), () -> {
            loading.countDown();
            release.await();
            return "stale";
        }));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        invalidation.accept(cache);
        release.countDown();
        assertThat(load.get(GUARD_SECONDS, TimeUnit.SECONDS))
                .as("the caller who waited still gets its value")
                .isEqualTo("stale");
        assertThat(cache.get(key)).as("but it is not stored").isEmpty();
    }

    @Test
    void deleteDuringLoad_preventsStoringTheStaleValue() throws Exception {
        loadThenInvalidateDuringIt("user:1:2", "user:1:2", c -> c.delete("user:1:2"));
    }

    @Test
    void tagInvalidationDuringLoad_preventsStoringTheStaleValue() throws Exception {
        loadThenInvalidateDuringIt("user:1:3", "guild:1", c -> c.invalidateByTag("guild:1"));
    }

    @Test
    void patternInvalidationDuringLoad_preventsStoringTheStaleValue() throws Exception {
        loadThenInvalidateDuringIt("user:1:4", "x", c -> c.invalidateByPattern("user:1:*"));
    }

    @Test
    void clearDuringLoad_preventsStoringTheStaleValue() throws Exception {
        loadThenInvalidateDuringIt("user:1:5", "x", Cache::clear);
    }

    @Test
    void putDuringLoad_keepsThePutValue() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> load = pool.submit(() -> cache.remember("k", WriteOptions.defaults(), () -> {
            loading.countDown();
            release.await();
            return "stale";
        }));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        cache.put("k", "fresh");
        release.countDown();
        load.get(GUARD_SECONDS, TimeUnit.SECONDS);
        assertThat(cache.get("k")).hasValue("fresh");
    }

    @Test
    void unrelatedInvalidationDuringLoad_doesNotDropTheValue() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> load = pool.submit(() -> cache.remember("user:2:1", WriteOptions.tags("guild:2"), () -> {
            loading.countDown();
            release.await();
            return "fresh";
        }));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        cache.delete("user:2:10");
        cache.invalidateByTag("guild:1");
        cache.invalidateByPattern("user:1:*");
        release.countDown();
        assertThat(load.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("fresh");
        assertThat(cache.get("user:2:1")).hasValue("fresh");
    }

    @Test
    void memoizedInvalidateDuringGet_preventsStoringTheStaleValue() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Memoized<Long, String> balance = Memoized.of(cache, "balance", WriteOptions.defaults(), (Long id) -> {
            loading.countDown();
            release.await();
            return "100 (before the purchase)";
        });
        Future<String> load = pool.submit(() -> balance.get(7L));
        assertThat(loading.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        balance.invalidate(7L); // the purchase committed and invalidated
        release.countDown();
        assertThat(load.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("100 (before the purchase)");
        assertThat(balance.getIfPresent(7L)).isEmpty();
    }
}

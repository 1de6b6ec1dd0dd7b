package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheLoadException;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link CacheContractTest}: the cache-aside loading ({@code remember}, single flight) contracts. The suite is split over a chain of
 * classes by topic only so that each file stays readable; extend {@link CacheContractTest}, not this
 * class.
 */
public abstract class CacheRememberContract extends CacheTagContract {
    /** Filling a key ahead of its readers ({@code preload}): a remember miss that is not a read. */
    @Nested
    public class Preload {

        @Test
        void absentKey_isLoadedOnce_andStoredWithItsTags() {
            AtomicInteger runs = new AtomicInteger();
            TestValue got = cache.preload("a", WriteOptions.tags("guild:1"), () -> {
                runs.incrementAndGet();
                return value("A");
            });
            assertThat(got).isEqualTo(value("A"));
            assertThat(runs).hasValue(1);
            assertThat(cache.get("a")).contains(value("A"));
            cache.invalidateByTag("guild:1");
            assertThat(cache.get("a")).isEmpty();
        }

        @Test
        void preload_countsNeitherHitNorMiss_andItsValueServesTheNextReadAsAHit() {
            CacheStats before = cache.stats();
            cache.preload("a", WriteOptions.tags("guild:1"), () -> value("A"));
            cache.preload("a", WriteOptions.tags("guild:1"), () -> value("again"));
            CacheStats preloaded = cache.stats();
            assertThat(preloaded.hits()).isEqualTo(before.hits());
            assertThat(preloaded.misses()).isEqualTo(before.misses());
            assertThat(cache.remember("a", WriteOptions.tags("guild:1"), () -> value("loaded")))
                    .isEqualTo(value("A"));
            CacheStats read = cache.stats();
            assertThat(read.hits()).isEqualTo(before.hits() + 1);
            assertThat(read.misses()).isEqualTo(before.misses());
        }

        @Test
        void preloadOptional_ofAnAbsentValue_countsNeitherHitNorMiss_andIsRememberedAsAbsent() {
            CacheStats before = cache.stats();
            assertThat(cache.preloadOptional("gone", WriteOptions.defaults(), Optional::empty))
                    .isEmpty();
            assertThat(cache.preloadOptional("a", WriteOptions.defaults(), () -> Optional.of(value("A"))))
                    .contains(value("A"));
            CacheStats preloaded = cache.stats();
            assertThat(preloaded.hits()).isEqualTo(before.hits());
            assertThat(preloaded.misses()).isEqualTo(before.misses());
            AtomicInteger runs = new AtomicInteger();
            assertThat(cache.rememberOptional("gone", WriteOptions.defaults(), () -> {
                        runs.incrementAndGet();
                        return Optional.of(value("late"));
                    }))
                    .isEmpty();
            assertThat(runs).hasValue(0);
            assertThat(cache.stats().hits()).isEqualTo(before.hits() + 1);
            assertThat(cache.stats().misses()).isEqualTo(before.misses());
        }

        @Test
        void presentKey_isLeftAsItIs() {
            cache.put("a", value("stored"));
            AtomicInteger runs = new AtomicInteger();
            assertThat(cache.preload("a", WriteOptions.defaults(), () -> {
                        runs.incrementAndGet();
                        return value("loaded");
                    }))
                    .isEqualTo(value("stored"));
            assertThat(runs).hasValue(0);
        }

        @Test
        void tagInvalidationDuringThePreload_wins() throws Exception {
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Async<TestValue> load = async(
                    "preload",
                    () -> cache.preload("user:1", WriteOptions.tags("guild:1"), () -> {
                        loading.countDown();
                        await(release);
                        return value("stale");
                    }));
            await(loading);
            Async<Long> invalidation = async("invalidate", () -> cache.invalidateByTag("guild:1"));
            awaitParkedOrDone(invalidation);
            release.countDown();
            assertThat(load.get()).isEqualTo(value("stale"));
            invalidation.get();
            assertThat(cache.get("user:1")).isEmpty();
        }
    }

    /** Cache-aside loading with single flight. */
    @Nested
    public class Remember {

        @Test
        void miss_runsTheLoaderOnce_andCachesItsValue() {
            AtomicInteger runs = new AtomicInteger();
            TestValue got = cache.remember("a", Duration.ofMinutes(1), () -> {
                runs.incrementAndGet();
                return value("A");
            });
            assertThat(got).isEqualTo(value("A"));
            assertThat(runs).hasValue(1);
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void hit_doesNotRunTheLoader() {
            cache.put("a", value("stored"));
            AtomicInteger runs = new AtomicInteger();
            TestValue got = cache.remember("a", Duration.ofMinutes(1), () -> {
                runs.incrementAndGet();
                return value("loaded");
            });
            assertThat(got).isEqualTo(value("stored"));
            assertThat(runs).hasValue(0);
        }

        @Test
        void afterExpiry_theLoaderRunsAgain() {
            AtomicInteger runs = new AtomicInteger();
            Loader<TestValue> loader = () -> value("v" + runs.incrementAndGet());
            assertThat(cache.remember("a", Duration.ofSeconds(1), loader)).isEqualTo(value("v1"));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.remember("a", Duration.ofSeconds(1), loader)).isEqualTo(value("v2"));
            assertThat(runs).hasValue(2);
        }

        @Test
        void concurrentMissesOnOneKey_runTheLoaderOnce_andAllGetItsValue() throws Exception {
            int callers = 16;
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ready = new CountDownLatch(callers);
            Loader<TestValue> loader = () -> {
                runs.incrementAndGet();
                loading.countDown();
                await(release);
                return value("shared");
            };
            List<Async<TestValue>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(async("remember-" + i, () -> {
                    ready.countDown();
                    return cache.remember("hot", Duration.ofMinutes(1), loader);
                }));
            }
            await(ready);
            await(loading);
            awaitParkedOrDone(calls);
            release.countDown();

            for (Async<TestValue> call : calls) {
                assertThat(call.get()).isEqualTo(value("shared"));
            }
            assertThat(runs).hasValue(1);
            assertThat(cache.get("hot")).contains(value("shared"));
        }

        @Test
        void checkedLoaderFailure_isWrappedInCacheLoadException_withTheCause() {
            IOException boom = new IOException("storage down");
            Throwable thrown = catchThrowable(() -> cache.remember("a", Duration.ofMinutes(1), () -> {
                throw boom;
            }));
            assertThat(thrown).isInstanceOf(CacheLoadException.class).hasCause(boom);
            assertThat(thrown.getCause()).isSameAs(boom);
            assertThat(((CacheLoadException) thrown).key()).isEqualTo("a");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void uncheckedLoaderFailure_isRethrownAsItIs() {
            IllegalStateException boom = new IllegalStateException("bad row");
            Throwable thrown = catchThrowable(() -> cache.remember("a", Duration.ofMinutes(1), () -> {
                throw boom;
            }));
            assertThat(thrown).isSameAs(boom);
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void loaderFailure_reachesEveryWaiter_cachesNothing_andTheNextCallLoadsAgain() throws Exception {
            int callers = 8;
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ready = new CountDownLatch(callers);
            Loader<TestValue> failing = () -> {
                runs.incrementAndGet();
                loading.countDown();
                await(release);
                throw new IOException("storage down");
            };
            List<Async<TestValue>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(async("remember-" + i, () -> {
                    ready.countDown();
                    return cache.remember("a", Duration.ofMinutes(1), failing);
                }));
            }
            await(ready);
            await(loading);
            awaitParkedOrDone(calls);
            release.countDown();

            for (Async<TestValue> call : calls) {
                assertThat(call.failure())
                        .isInstanceOf(CacheLoadException.class)
                        .hasCauseInstanceOf(IOException.class)
                        .hasRootCauseMessage("storage down");
            }
            assertThat(runs).hasValue(1);
            assertThat(cache.contains("a")).isFalse();
            assertThat(cache.get("a")).isEmpty();

            assertThat(cache.remember("a", Duration.ofMinutes(1), () -> {
                        runs.incrementAndGet();
                        return value("A");
                    }))
                    .isEqualTo(value("A"));
            assertThat(runs).hasValue(2);
        }

        @Test
        void uncheckedLoaderFailure_reachesEveryWaiter() throws Exception {
            int callers = 4;
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ready = new CountDownLatch(callers);
            Loader<TestValue> failing = () -> {
                loading.countDown();
                await(release);
                throw new IllegalStateException("bad row");
            };
            List<Async<TestValue>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(async("remember-" + i, () -> {
                    ready.countDown();
                    return cache.remember("a", Duration.ofMinutes(1), failing);
                }));
            }
            await(ready);
            await(loading);
            awaitParkedOrDone(calls);
            release.countDown();

            for (Async<TestValue> call : calls) {
                assertThat(call.failure())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("bad row");
            }
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void missesOnDifferentKeys_doNotWaitForEachOther() throws Exception {
            CountDownLatch loadingA = new CountDownLatch(1);
            CountDownLatch releaseA = new CountDownLatch(1);
            Async<TestValue> a = async(
                    "remember-a",
                    () -> cache.remember("a", Duration.ofMinutes(1), () -> {
                        loadingA.countDown();
                        await(releaseA);
                        return value("A");
                    }));
            await(loadingA);

            Async<TestValue> b =
                    async("remember-b", () -> cache.remember("b", Duration.ofMinutes(1), () -> value("B")));
            // The hang guard in get() fails this test if B waits for A's load.
            assertThat(b.get()).isEqualTo(value("B"));
            assertThat(a.isDone()).as("A's load is still blocked").isFalse();

            releaseA.countDown();
            assertThat(a.get()).isEqualTo(value("A"));
            assertThat(cache.get("a")).contains(value("A"));
            assertThat(cache.get("b")).contains(value("B"));
        }

        @Test
        void readsAndWritesOfOtherKeys_doNotWaitForALoad() throws Exception {
            cache.put("other", value("O"));
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Async<TestValue> a = async(
                    "remember-a",
                    () -> cache.remember("a", Duration.ofMinutes(1), () -> {
                        loading.countDown();
                        await(release);
                        return value("A");
                    }));
            await(loading);

            Async<Optional<TestValue>> other = async("other", () -> {
                cache.put("other2", value("O2"));
                return cache.get("other");
            });
            assertThat(other.get()).contains(value("O"));

            release.countDown();
            assertThat(a.get()).isEqualTo(value("A"));
        }

        @Test
        void rememberOptional_cachesAbsence_forTheNegativeTtl() {
            scenario(() -> {
                Cache<TestValue> c =
                        cache(config().negativeTtl(Duration.ofSeconds(30)).build());
                AtomicInteger runs = new AtomicInteger();
                Loader<Optional<TestValue>> absent = () -> {
                    runs.incrementAndGet();
                    return Optional.empty();
                };
                Mark start = now();
                assertThat(c.rememberOptional("gone", WriteOptions.defaults(), absent))
                        .isEmpty();
                assertThat(c.rememberOptional("gone", WriteOptions.defaults(), absent))
                        .isEmpty();
                assertThat(runs).hasValue(1);

                passUntil(start, justBefore(Duration.ofSeconds(30)));
                assertThat(c.rememberOptional("gone", WriteOptions.defaults(), absent))
                        .isEmpty();
                requireLive(runs.get() == 1, start, Duration.ofSeconds(30), "the remembered absence");
                assertThat(runs).hasValue(1);

                passUntil(start, justAfter(Duration.ofSeconds(30)));
                assertThat(c.rememberOptional("gone", WriteOptions.defaults(), absent))
                        .isEmpty();
                assertThat(runs).hasValue(2);
            });
        }

        @Test
        void rememberOptional_rememberedAbsence_isNotAValueForGet() {
            cache.rememberOptional("gone", WriteOptions.defaults(), Optional::empty);
            assertThat(cache.get("gone")).isEmpty();
            assertThat(cache.getAll(List.of("gone"))).isEmpty();
        }

        @Test
        void rememberOptional_presentValue_isCachedWithTheOptionsTtl() {
            scenario(() -> {
                AtomicInteger runs = new AtomicInteger();
                Loader<Optional<TestValue>> loader = () -> {
                    runs.incrementAndGet();
                    return Optional.of(value("A"));
                };
                Mark start = now();
                assertThat(cache.rememberOptional("a", WriteOptions.ttl(Duration.ofMinutes(2)), loader))
                        .contains(value("A"));
                assertThat(cache.rememberOptional("a", WriteOptions.ttl(Duration.ofMinutes(2)), loader))
                        .contains(value("A"));
                assertThat(runs).hasValue(1);
                assertLivesExactly(cache, "a", value("A"), start, Duration.ofMinutes(2));
            });
        }

        @Test
        void rememberOptional_putAfterAbsence_isSeen() {
            cache.rememberOptional("a", WriteOptions.defaults(), Optional::empty);
            cache.put("a", value("A"));
            assertThat(cache.rememberOptional("a", WriteOptions.defaults(), Optional::empty))
                    .contains(value("A"));
        }

        /**
         * Starts a load of {@code key} that blocks, runs {@code meanwhile} on another thread until it
         * finishes or blocks, lets the load finish and returns what the loading caller got.
         */
        private TestValue loadWhile(String key, WriteOptions options, TestValue loaded, Runnable meanwhile)
                throws Exception {
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Async<TestValue> load = async(
                    "remember-" + key,
                    () -> cache.remember(key, options, () -> {
                        loading.countDown();
                        await(release);
                        return loaded;
                    }));
            await(loading);
            Async<Void> other = async("meanwhile", () -> {
                meanwhile.run();
                return null;
            });
            // An implementation may make the invalidation wait for the load; both orders are correct.
            awaitParkedOrDone(other);
            release.countDown();
            TestValue got = load.get();
            other.get();
            return got;
        }

        /** Anchor defect: a read that misses can store an older snapshot than a write meanwhile. */
        @Test
        void deleteDuringLoad_loadedValueIsReturnedButNotStored() throws Exception {
            TestValue got = loadWhile("a", WriteOptions.defaults(), value("stale"), () -> cache.delete("a"));
            assertThat(got).isEqualTo(value("stale"));
            assertThat(cache.get("a")).isEmpty();
            assertThat(cache.remember("a", Duration.ofMinutes(1), () -> value("fresh")))
                    .isEqualTo(value("fresh"));
        }

        @Test
        void tagInvalidationDuringLoad_loadedValueIsReturnedButNotStored() throws Exception {
            TestValue got = loadWhile(
                    "user:1", WriteOptions.tags("guild:1"), value("stale"), () -> cache.invalidateByTag("guild:1"));
            assertThat(got).isEqualTo(value("stale"));
            assertThat(cache.get("user:1")).isEmpty();
        }

        @Test
        void patternInvalidationDuringLoad_loadedValueIsReturnedButNotStored() throws Exception {
            TestValue got = loadWhile(
                    "user:1:stats",
                    WriteOptions.defaults(),
                    value("stale"),
                    () -> cache.invalidateByPattern("user:1:*"));
            assertThat(got).isEqualTo(value("stale"));
            assertThat(cache.get("user:1:stats")).isEmpty();
        }

        @Test
        void clearDuringLoad_loadedValueIsReturnedButNotStored() throws Exception {
            TestValue got = loadWhile("a", WriteOptions.defaults(), value("stale"), cache::clear);
            assertThat(got).isEqualTo(value("stale"));
            assertThat(cache.get("a")).isEmpty();
        }

        @Test
        void putDuringLoad_thePutValueWins() throws Exception {
            loadWhile("a", WriteOptions.defaults(), value("stale"), () -> cache.put("a", value("written")));
            assertThat(cache.get("a")).contains(value("written"));
        }

        /**
         * Anchor defect, second half: a caller that misses after an invalidation must not join a load
         * that began before it, or it is handed the data the invalidation announced as replaced.
         */
        @Test
        void missAfterInvalidation_doesNotJoinTheOlderLoad() throws Exception {
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Async<TestValue> older = async(
                    "older-load",
                    () -> cache.remember("user:1", WriteOptions.tags("guild:1"), () -> {
                        loading.countDown();
                        await(release);
                        return value("before-write");
                    }));
            await(loading);
            cache.invalidateByTag("guild:1");
            try {
                Async<TestValue> newer = async(
                        "newer-load",
                        () -> cache.remember("user:1", WriteOptions.tags("guild:1"), () -> value("after-write")));
                assertThat(newer.get()).isEqualTo(value("after-write"));
            } finally {
                release.countDown();
            }
            assertThat(older.get()).isEqualTo(value("before-write"));
            assertThat(cache.get("user:1")).contains(value("after-write"));
        }

        @Test
        void unrelatedInvalidationDuringLoad_loadedValueIsStored() throws Exception {
            cache.put("b", value("B"), WriteOptions.tags("other"));
            TestValue got = loadWhile("a", WriteOptions.tags("mine"), value("A"), () -> {
                cache.delete("b");
                cache.invalidateByTag("other");
                cache.invalidateByPattern("b*");
            });
            assertThat(got).isEqualTo(value("A"));
            assertThat(cache.get("a")).contains(value("A"));
        }
    }
}

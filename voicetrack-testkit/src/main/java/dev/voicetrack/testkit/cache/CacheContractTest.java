package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.CacheLoadException;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.testkit.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 */
public abstract class CacheContractTest {

    /** The longest any test waits for something that a correct implementation does at once. */
    protected static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /** How often a TTL scenario runs again when a real-time backend was too slow to tell. */
    protected static final int SCENARIO_ATTEMPTS = 10;

    private static final AtomicInteger CACHE_NUMBER = new AtomicInteger();

    private final ManualTicker ticker = new ManualTicker();
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    private Duration elapsed = Duration.ZERO;

    /** The cache under test, built from {@link #config()} with no further settings. */
    protected Cache<TestValue> cache;

    /**
     * Creates the cache under test. Called once per test, and again by tests that need special
     * settings; the suite closes every cache it created after the test.
     */
    protected abstract Cache<TestValue> newCache(CacheConfig config);

    /**
     * Creates a cache of {@link LeakyValue}s (values that keep a mutable list) configured like {@link
     * #newCache}, for the isolation tests: the cache must either reject such values or isolate itself
     * from them.
     */
    protected abstract Cache<LeakyValue> newLeakyValueCache(CacheConfig config);

    /**
     * Whether the caches under test were built with a copying value rule ({@code
     * ValueIsolation.copying}), which accepts mutable values and copies them. By default (false) they
     * have the default rule, under which every backend must reject a value that is not deeply
     * immutable, so that a value one backend accepts is accepted by all.
     */
    protected boolean acceptsMutableValues() {
        return false;
    }

    /**
     * Lets {@code duration} pass for the cache under test. The default advances {@link #ticker()}; a
     * backend whose expiry runs on real time overrides it to wait.
     */
    protected void advance(Duration duration) {
        ticker.advance(duration);
    }

    /**
     * How far from a TTL boundary the suite probes: an entry must be present at TTL - 1 ms - slack and
     * gone at TTL + slack. Zero (the default) suits a manual ticker; a real-time backend returns a
     * margin covering its round trips and expiry resolution.
     */
    protected Duration timingSlack() {
        return Duration.ZERO;
    }

    /**
     * Whether expiry also runs on a real clock besides {@link #advance(Duration)} (see "Time" above).
     * The default: whenever {@link #timingSlack()} is not zero.
     */
    protected boolean expiresOnRealTime() {
        return !timingSlack().isZero();
    }

    /**
     * The real clock against which a real-time backend's early expiry is judged ({@link
     * #expiresOnRealTime()}): {@link System#nanoTime()}. The suite's own tests replace it, so that
     * how slow the machine is cannot change their outcome.
     */
    protected long realNanos() {
        return System.nanoTime();
    }

    /** The manual ticker in every configuration this suite builds. */
    protected final ManualTicker ticker() {
        return ticker;
    }

    /** A configuration builder with a fresh cache name and the suite's ticker. */
    protected CacheConfig.Builder config() {
        return CacheConfig.builder()
                .name("contract-" + CACHE_NUMBER.incrementAndGet())
                .ticker(ticker);
    }

    /** Creates a cache with {@link #newCache} and closes it after the test. */
    protected final Cache<TestValue> cache(CacheConfig config) {
        Cache<TestValue> created = newCache(config);
        opened.add(created);
        return created;
    }

    /** Creates a cache with {@link #newLeakyValueCache} and closes it after the test. */
    protected final Cache<LeakyValue> leakyValueCache(CacheConfig config) {
        Cache<LeakyValue> created = newLeakyValueCache(config);
        opened.add(created);
        return created;
    }

    @BeforeEach
    void createCache() {
        cache = cache(config().build());
    }

    @AfterEach
    void closeCachesAndThreads() throws Exception {
        synchronized (threads) {
            for (Thread t : threads) {
                t.interrupt();
            }
        }
        synchronized (threads) {
            for (Thread t : threads) {
                t.join(HANG_GUARD.toMillis());
            }
        }
        Exception failure = null;
        synchronized (opened) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static TestValue value(String name) {
        return TestValue.of(name, name.length(), "a", "b");
    }

    /** Lets time pass, keeping track of the total so tests can probe boundaries from a write. */
    private void pass(Duration duration) {
        elapsed = elapsed.plus(duration);
        advance(duration);
    }

    /** A moment of a test: the time the suite had passed, and the real time then. */
    private record Mark(Duration elapsed, long realNanos) {}

    /** Thrown where a real-time backend was too slow to tell whether an entry expired early. */
    private static final class TooSlowToTell extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSlowToTell(String message) {
            super(message, null, false, false);
        }
    }

    /** The time passed since the test started, with the real time now. */
    private Mark now() {
        return new Mark(elapsed, realNanos());
    }

    /**
     * Runs a TTL scenario (from its writes to its checks) again while it ends in {@link
     * TooSlowToTell}, up to {@link #SCENARIO_ATTEMPTS} times.
     */
    private static void scenario(Runnable body) {
        for (int attempt = 1; ; attempt++) {
            try {
                body.run();
                return;
            } catch (TooSlowToTell e) {
                if (attempt >= SCENARIO_ATTEMPTS) {
                    throw new AssertionError(
                            "each of " + SCENARIO_ATTEMPTS + " runs was too slow to tell: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Fails unless {@code live} or the backend may have seen {@code ttl} pass since {@code writtenAt}
     * in real time, which makes the scenario run again.
     */
    private void requireLive(boolean live, Mark writtenAt, Duration ttl, String what) {
        if (live || !expiresOnRealTime()) {
            return;
        }
        Duration upperBound = elapsed.minus(writtenAt.elapsed()).plusNanos(realNanos() - writtenAt.realNanos());
        if (upperBound.plusMillis(1).compareTo(ttl) >= 0) {
            throw new TooSlowToTell(what + " was gone, but up to " + upperBound.toMillis()
                    + " ms may have passed on the backend since the write, of a TTL of " + ttl.toMillis() + " ms");
        }
    }

    /** Lets time pass until {@code offset} after {@code mark}; does nothing if that is already past. */
    private void passUntil(Mark mark, Duration offset) {
        Duration target = mark.elapsed().plus(offset);
        if (target.compareTo(elapsed) > 0) {
            pass(target.minus(elapsed));
        }
    }

    private Duration justBefore(Duration ttl) {
        Duration d = ttl.minusMillis(1).minus(timingSlack());
        return d.isNegative() ? Duration.ZERO : d;
    }

    private Duration justAfter(Duration ttl) {
        return ttl.plus(timingSlack());
    }

    /** Checks that {@code key}, written at {@code writtenAt}, is there just before its TTL and not at it. */
    private <V> void assertLivesExactly(Cache<V> c, String key, V expected, Mark writtenAt, Duration ttl) {
        passUntil(writtenAt, justBefore(ttl));
        Optional<V> before = c.get(key);
        requireLive(before.isPresent(), writtenAt, ttl, "'" + key + "'");
        assertThat(before).as("'%s' just before its TTL of %s", key, ttl).contains(expected);
        passUntil(writtenAt, justAfter(ttl));
        assertThat(c.get(key)).as("'%s' at its TTL of %s", key, ttl).isEmpty();
        assertThat(c.contains(key))
                .as("contains('%s') at its TTL of %s", key, ttl)
                .isFalse();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("hang guard: a latch was not released within " + HANG_GUARD);
        }
    }

    private static void await(CyclicBarrier barrier) throws Exception {
        barrier.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> Async<T> async(String name, Callable<T> body) {
        Async<T> a = new Async<>(name, body);
        threads.add(a.thread);
        a.thread.start();
        return a;
    }

    /**
     * Waits until every given thread is blocked, waiting or finished: used to be sure that callers
     * are inside the cache, waiting on a load, before the load is let go.
     */
    private static void awaitParkedOrDone(List<? extends Async<?>> asyncs) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        for (Async<?> a : asyncs) {
            while (true) {
                Thread.State state = a.thread.getState();
                if (state == Thread.State.WAITING
                        || state == Thread.State.TIMED_WAITING
                        || state == Thread.State.BLOCKED
                        || state == Thread.State.TERMINATED) {
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("hang guard: " + a.thread.getName() + " still " + state);
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    private static void awaitParkedOrDone(Async<?> async) {
        awaitParkedOrDone(List.of(async));
    }

    /** A body run on its own thread, with its outcome. */
    private static final class Async<T> {
        final Thread thread;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Async(String name, Callable<T> body) {
            thread = new Thread(
                    () -> {
                        try {
                            result.complete(body.call());
                        } catch (Throwable t) {
                            result.completeExceptionally(t);
                        }
                    },
                    name);
            thread.setDaemon(true);
        }

        /** The body's result; rethrows what the body threw. */
        T get() throws Exception {
            try {
                return result.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("hang guard: " + thread.getName() + " did not finish within " + HANG_GUARD);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        /** What the body threw; fails if it returned normally. */
        Throwable failure() throws Exception {
            try {
                T value = get();
                throw new AssertionError(thread.getName() + " was expected to fail but returned " + value);
            } catch (AssertionError e) {
                throw e;
            } catch (Exception | Error e) {
                return e;
            }
        }

        boolean isDone() {
            return result.isDone();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** get, getAll, put, delete, contains, clear. */
    @Nested
    public class Basics {

        @Test
        void name_isTheConfiguredName() {
            Cache<TestValue> named = cache(config().name("members").build());
            assertThat(named.name()).isEqualTo("members");
            assertThat(named.config().name()).isEqualTo("members");
            assertThat(named.stats().name()).isEqualTo("members");
        }

        @Test
        void get_missingKey_isEmpty() {
            assertThat(cache.get("nothing:here")).isEmpty();
        }

        @Test
        void put_thenGet_returnsTheValue() {
            cache.put("user:1", value("one"));
            assertThat(cache.get("user:1")).contains(value("one"));
        }

        @Test
        void put_existingKey_replacesTheValue() {
            cache.put("user:1", value("one"));
            cache.put("user:1", value("uno"));
            assertThat(cache.get("user:1")).contains(value("uno"));
            assertThat(cache.stats().size()).isEqualTo(1);
        }

        @Test
        void put_existingKey_replacesTheTags() {
            cache.put("user:1", value("one"), WriteOptions.tags("guild:1", "user:1"));
            cache.put("user:1", value("uno"), WriteOptions.tags("guild:2"));

            assertThat(cache.invalidateByTag("guild:1")).isZero();
            assertThat(cache.invalidateByTag("user:1")).isZero();
            assertThat(cache.get("user:1")).contains(value("uno"));
            assertThat(cache.invalidateByTag("guild:2")).isEqualTo(1);
            assertThat(cache.get("user:1")).isEmpty();
        }

        @Test
        void put_existingKey_replacesTheTtl() {
            Mark start = now();
            cache.put("user:1", value("one"), Duration.ofSeconds(1));
            cache.put("user:1", value("uno"), Duration.ofHours(1));
            passUntil(start, Duration.ofMinutes(59));
            assertThat(cache.get("user:1")).contains(value("uno"));
        }

        @Test
        void delete_existingKey_returnsTrueAndRemovesIt() {
            cache.put("user:1", value("one"));
            assertThat(cache.delete("user:1")).isTrue();
            assertThat(cache.get("user:1")).isEmpty();
            assertThat(cache.contains("user:1")).isFalse();
        }

        @Test
        void delete_missingKey_returnsFalse() {
            assertThat(cache.delete("user:1")).isFalse();
            cache.put("user:1", value("one"));
            cache.delete("user:1");
            assertThat(cache.delete("user:1")).isFalse();
        }

        @Test
        void delete_isLiteral_notAPattern() {
            cache.put("a*b", value("star"));
            cache.put("axb", value("x"));
            assertThat(cache.delete("a*")).isFalse();
            assertThat(cache.delete("a*b")).isTrue();
            assertThat(cache.get("axb")).contains(value("x"));
        }

        @Test
        void contains_reflectsWhetherAValueIsStored() {
            assertThat(cache.contains("user:1")).isFalse();
            cache.put("user:1", value("one"));
            assertThat(cache.contains("user:1")).isTrue();
            cache.delete("user:1");
            assertThat(cache.contains("user:1")).isFalse();
        }

        @Test
        void getAll_returnsPresentValues_andSkipsMissingKeys() {
            cache.put("a", value("A"));
            cache.put("c", value("C"));
            Map<String, TestValue> all = cache.getAll(List.of("a", "b", "c", "d"));
            assertThat(all).containsOnly(Map.entry("a", value("A")), Map.entry("c", value("C")));
        }

        @Test
        void getAll_resultIsUnmodifiable() {
            cache.put("a", value("A"));
            Map<String, TestValue> all = cache.getAll(List.of("a", "b"));
            assertThatThrownBy(() -> all.put("b", value("B"))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> all.remove("a")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(all::clear).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void getAll_noKeys_returnsEmptyMap() {
            cache.put("a", value("A"));
            assertThat(cache.getAll(List.of())).isEmpty();
        }

        @Test
        void clear_removesEveryEntry() {
            for (int i = 0; i < 50; i++) {
                cache.put("k" + i, value("v" + i), WriteOptions.tags("t" + (i % 3)));
            }
            cache.clear();

            assertThat(cache.stats().size()).isZero();
            for (int i = 0; i < 50; i++) {
                assertThat(cache.get("k" + i)).as("k%d after clear", i).isEmpty();
            }
            assertThat(cache.keys("*")).isEmpty();
            assertThat(cache.invalidateByTag("t0")).isZero();
        }

        @Test
        void clear_thenPut_storesAgain() {
            cache.put("a", value("A"));
            cache.clear();
            cache.put("a", value("A2"));
            assertThat(cache.get("a")).contains(value("A2"));
        }
    }

    /**
     * Caches with different names on the same backend (one server, one key prefix) are separate: no
     * read, write or invalidation of one ever reaches the other.
     */
    @Nested
    public class Names {

        private Cache<TestValue> users;
        private Cache<TestValue> guilds;

        @BeforeEach
        void createTwoCaches() {
            users = cache(
                    config().name("users-" + CACHE_NUMBER.incrementAndGet()).build());
            guilds = cache(
                    config().name("guilds-" + CACHE_NUMBER.incrementAndGet()).build());
        }

        @Test
        void cachesWithDifferentNames_neverSeeEachOthersEntries() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));

            assertThat(guilds.get("42")).isEmpty();
            assertThat(guilds.contains("42")).isFalse();
            assertThat(guilds.getAll(List.of("42"))).isEmpty();
            assertThat(guilds.keys("*")).isEmpty();
            assertThat(guilds.stats().size()).isZero();
            assertThat(guilds.remember("42", Duration.ofMinutes(1), () -> value("guild")))
                    .isEqualTo(value("guild"));

            assertThat(users.get("42")).contains(value("user"));
            assertThat(guilds.get("42")).contains(value("guild"));
            assertThat(users.stats().size()).isEqualTo(1);
            assertThat(guilds.stats().size()).isEqualTo(1);
        }

        @Test
        void deleteInOneCache_neverTouchesTheOther() {
            users.put("42", value("user"));
            guilds.put("42", value("guild"));

            assertThat(guilds.delete("42")).isTrue();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(guilds.delete("42")).isFalse();
        }

        @Test
        void clearOfOneCache_neverTouchesTheOther() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));
            users.put("43", value("user2"));
            guilds.put("42", value("guild"), WriteOptions.tags("guild:7"));

            guilds.clear();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(users.get("43")).contains(value("user2"));
            assertThat(users.keys("*")).containsExactlyInAnyOrder("42", "43");
            assertThat(users.stats().size()).isEqualTo(2);
            assertThat(users.invalidateByTag("guild:7")).isEqualTo(1);
        }

        @Test
        void invalidateByTagOfOneCache_neverTouchesTheOther() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));
            guilds.put("7", value("guild"), WriteOptions.tags("guild:7"));

            assertThat(guilds.invalidateByTag("guild:7")).isEqualTo(1);
            assertThat(guilds.invalidateByTags(List.of("guild:7"))).isZero();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(users.invalidateByTag("guild:7")).isEqualTo(1);
            assertThat(users.get("42")).isEmpty();
        }

        @Test
        void invalidateByPatternOfOneCache_neverTouchesTheOther() {
            users.put("user:1:42", value("user"));
            guilds.put("user:1:7", value("guild"));

            assertThat(guilds.invalidateByPattern("user:1:*")).isEqualTo(1);
            assertThat(guilds.keys("*")).isEmpty();

            assertThat(users.keys("user:*")).containsExactly("user:1:42");
            assertThat(users.get("user:1:42")).contains(value("user"));
        }
    }

    /** Nulls, empty keys and bad options are rejected, naming the argument, and store nothing. */
    @Nested
    public class Arguments {

        @Test
        void nullKey_isRejectedByEveryKeyedOperation_namingTheKey() {
            Loader<TestValue> loader = () -> value("x");
            List<Runnable> calls = List.of(
                    () -> cache.get(null),
                    () -> cache.put(null, value("x")),
                    () -> cache.put(null, value("x"), WriteOptions.defaults()),
                    () -> cache.delete(null),
                    () -> cache.contains(null),
                    () -> cache.remember(null, Duration.ofSeconds(1), loader),
                    () -> cache.rememberOptional(null, WriteOptions.defaults(), Optional::empty));
            for (int i = 0; i < calls.size(); i++) {
                assertThatThrownBy(calls.get(i)::run)
                        .as("call %d", i)
                        .isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("key");
            }
        }

        @Test
        void emptyKey_isRejectedByEveryKeyedOperation_namingTheKey() {
            Loader<TestValue> loader = () -> value("x");
            List<Runnable> calls = List.of(
                    () -> cache.get(""),
                    () -> cache.put("", value("x")),
                    () -> cache.delete(""),
                    () -> cache.contains(""),
                    () -> cache.remember("", Duration.ofSeconds(1), loader));
            for (int i = 0; i < calls.size(); i++) {
                assertThatThrownBy(calls.get(i)::run)
                        .as("call %d", i)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("key");
            }
            assertThat(cache.stats().size()).isZero();
        }

        @Test
        void nullValue_isRejectedNamingTheValue_andNothingIsStored() {
            assertThatThrownBy(() -> cache.put("a", null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("value");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void nullValue_doesNotRemoveTheStoredValue() {
            cache.put("a", value("A"));
            assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class);
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void nullOptions_isRejectedNamingTheOptions() {
            assertThatThrownBy(() -> cache.put("a", value("A"), (WriteOptions) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("options");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void nullTag_isRejectedNamingTheTag() {
            assertThatThrownBy(() -> cache.invalidateByTag(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
            assertThatThrownBy(() -> cache.invalidateByTags(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
            assertThatThrownBy(() -> cache.invalidateByTags(Arrays.asList("t", null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
        }

        @Test
        void nullPattern_isRejectedNamingThePattern() {
            assertThatThrownBy(() -> cache.invalidateByPattern(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pattern");
            assertThatThrownBy(() -> cache.keys(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pattern");
        }

        @Test
        void nullLoader_isRejectedNamingTheLoader() {
            assertThatThrownBy(() -> cache.remember("a", Duration.ofSeconds(1), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("loader");
            assertThatThrownBy(() -> cache.rememberOptional("a", WriteOptions.defaults(), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("loader");
        }

        @Test
        void getAll_nullCollectionOrNullKey_isRejected() {
            assertThatThrownBy(() -> cache.getAll(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("key");
            assertThatThrownBy(() -> cache.getAll(Arrays.asList("a", null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("key");
        }

        @Test
        void warm_nullEntries_isRejected() {
            assertThatThrownBy(() -> cache.warm(null)).isInstanceOf(NullPointerException.class);
        }
    }

    /** Default TTL, explicit TTLs, tiers. */
    @Nested
    public class Ttl {

        @Test
        void defaultTtl_entryLivesExactlyTheConfiguredDefault() {
            scenario(() -> {
                Cache<TestValue> c =
                        cache(config().defaultTtl(Duration.ofSeconds(10)).build());
                Mark start = now();
                c.put("a", value("A"));
                assertLivesExactly(c, "a", value("A"), start, Duration.ofSeconds(10));
            });
        }

        @Test
        void defaultConfiguration_entryLivesFiveMinutes() {
            scenario(() -> {
                Mark start = now();
                cache.put("a", value("A"));
                assertLivesExactly(cache, "a", value("A"), start, CacheConfig.DEFAULT_TTL);
            });
        }

        @Test
        void explicitTtl_overridesTheDefault() {
            scenario(() -> {
                Cache<TestValue> c =
                        cache(config().defaultTtl(Duration.ofSeconds(10)).build());
                Mark start = now();
                c.put("a", value("A"), Duration.ofSeconds(3));
                c.put("b", value("B"), Duration.ofSeconds(30));
                assertLivesExactly(c, "a", value("A"), start, Duration.ofSeconds(3));
                assertLivesExactly(c, "b", value("B"), start, Duration.ofSeconds(30));
            });
        }

        @Test
        void subSecondTtl_of250ms_isHonoured() {
            scenario(() -> {
                Mark start = now();
                cache.put("a", value("A"), Duration.ofMillis(250));
                assertLivesExactly(cache, "a", value("A"), start, Duration.ofMillis(250));
            });
        }

        @Test
        void rePut_resetsTheTtl() {
            scenario(() -> {
                cache.put("a", value("A"), Duration.ofSeconds(1));
                pass(Duration.ofMillis(600));
                Mark second = now();
                cache.put("a", value("A"), Duration.ofSeconds(1));
                assertLivesExactly(cache, "a", value("A"), second, Duration.ofSeconds(1));
            });
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    CacheConfig.TIER_CONFIG,
                    CacheConfig.TIER_REFERENCE,
                    CacheConfig.TIER_USER,
                    CacheConfig.TIER_QUERY
                })
        void defaultTier_entryLivesTheTiersDocumentedTtl(String tier) {
            scenario(() -> {
                Duration ttl = CacheConfig.DEFAULT_TIERS.get(tier);
                Mark start = now();
                cache.put("a", value("A"), WriteOptions.tier(tier));
                assertLivesExactly(cache, "a", value("A"), start, ttl);
            });
        }

        @Test
        void customisedTiers_entriesLiveTheirTiersTtl() {
            scenario(() -> {
                Cache<TestValue> c = cache(config().tierTtl(CacheConfig.TIER_USER, Duration.ofSeconds(2))
                        .tier("burst", Duration.ofMillis(300))
                        .build());
                Mark start = now();
                c.put("burst", value("B"), WriteOptions.tier("burst"));
                c.put("user", value("U"), WriteOptions.tier(CacheConfig.TIER_USER));
                assertLivesExactly(c, "burst", value("B"), start, Duration.ofMillis(300));
                assertLivesExactly(c, "user", value("U"), start, Duration.ofSeconds(2));
            });
        }

        @Test
        void unknownTier_isRejectedNamingTheTier_andNothingIsStored() {
            assertThatThrownBy(() -> cache.put("a", value("A"), WriteOptions.tier("nonesuch")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nonesuch");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void unknownTier_inRemember_isRejectedNamingTheTier() {
            assertThatThrownBy(() -> cache.remember("a", WriteOptions.tier("nonesuch"), () -> value("A")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nonesuch");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void remember_storesWithTheGivenTtl() {
            scenario(() -> {
                Mark start = now();
                cache.remember("a", Duration.ofSeconds(7), () -> value("A"));
                assertLivesExactly(cache, "a", value("A"), start, Duration.ofSeconds(7));
            });
        }

        @Test
        void expiredEntry_isAbsentFromGetAllContainsAndKeys() {
            cache.put("short", value("S"), Duration.ofSeconds(1));
            cache.put("long", value("L"), Duration.ofHours(1));
            pass(justAfter(Duration.ofSeconds(1)));

            assertThat(cache.contains("short")).isFalse();
            assertThat(cache.getAll(List.of("short", "long"))).containsOnlyKeys("long");
            assertThat(cache.keys("*")).containsExactly("long");
        }
    }

    /** Tags live exactly as long as their entries. */
    @Nested
    public class Tags {

        @Test
        void invalidateByTag_removesEveryEntryWithTheTag_andNothingElse() {
            cache.put("user:1:stats", value("1s"), WriteOptions.tags("guild:1"));
            cache.put("user:2:stats", value("2s"), WriteOptions.tags("guild:1"));
            cache.put("lb:1:xp", value("lb"), WriteOptions.tags("guild:1", "lb:1"));
            cache.put("user:3:stats", value("3s"), WriteOptions.tags("guild:2"));
            cache.put("plain", value("p"));

            assertThat(cache.invalidateByTag("guild:1")).isEqualTo(3);

            assertThat(cache.get("user:1:stats")).isEmpty();
            assertThat(cache.get("user:2:stats")).isEmpty();
            assertThat(cache.get("lb:1:xp")).isEmpty();
            assertThat(cache.get("user:3:stats")).contains(value("3s"));
            assertThat(cache.get("plain")).contains(value("p"));
        }

        @Test
        void invalidateByTag_unknownTag_returnsZero() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            assertThat(cache.invalidateByTag("other")).isZero();
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void invalidateByTag_twice_secondReturnsZero() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.invalidateByTag("t")).isZero();
        }

        @Test
        void entryWithSeveralTags_isRemovedByAnyOfThem_andOnlyOnce() {
            cache.put("a", value("A"), WriteOptions.tags("x", "y"));
            assertThat(cache.invalidateByTag("y")).isEqualTo(1);
            assertThat(cache.get("a")).isEmpty();
            assertThat(cache.invalidateByTag("x")).isZero();
        }

        @Test
        void invalidateByTags_removesEntriesCarryingAnyTag_countingEachOnce() {
            cache.put("only-x", value("1"), WriteOptions.tags("x"));
            cache.put("only-y", value("2"), WriteOptions.tags("y"));
            cache.put("both", value("3"), WriteOptions.tags("x", "y"));
            cache.put("z", value("4"), WriteOptions.tags("z"));
            cache.put("none", value("5"));

            assertThat(cache.invalidateByTags(List.of("x", "y"))).isEqualTo(3);

            assertThat(cache.keys("*")).containsExactlyInAnyOrder("z", "none");
        }

        @Test
        void invalidateByTags_noTags_removesNothing() {
            cache.put("a", value("A"), WriteOptions.tags("x"));
            assertThat(cache.invalidateByTags(List.of())).isZero();
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void rePutWithoutTheTag_dropsTheKeyFromTheTag() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            cache.put("a", value("A2"));
            assertThat(cache.invalidateByTag("t")).isZero();
            assertThat(cache.get("a")).contains(value("A2"));
        }

        @Test
        void expiredEntry_invalidatingItsTag_returnsZero() {
            cache.put("a", value("A"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.invalidateByTag("t")).isZero();
        }

        @Test
        void expiredEntry_invalidatingItsTag_sparesANewerUntaggedEntryUnderTheSameKey() {
            cache.put("a", value("old"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(justAfter(Duration.ofSeconds(1)));
            cache.put("a", value("new"), Duration.ofHours(1));

            assertThat(cache.invalidateByTag("t")).isZero();
            assertThat(cache.get("a")).contains(value("new"));
        }

        /** Anchor defect: tag sets got their TTL reset by each write, so long-lived entries escaped. */
        @Test
        void longLivedEntry_remainsInvalidatable_afterShortLivedEntriesWithTheTagExpire() {
            cache.put("long", value("L"), WriteOptions.ttl(Duration.ofHours(1)).withTags("t"));
            pass(Duration.ofMinutes(30));
            cache.put(
                    "short", value("S"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(Duration.ofMinutes(20));

            assertThat(cache.get("short")).isEmpty();
            assertThat(cache.get("long")).contains(value("L"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.get("long")).isEmpty();
        }

        @Test
        void entriesWithDifferentTtls_sharingATag_expireIndependently() {
            cache.put("a", value("A"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            cache.put("b", value("B"), WriteOptions.ttl(Duration.ofSeconds(10)).withTags("t"));
            cache.put("c", value("C"), WriteOptions.ttl(Duration.ofSeconds(100)).withTags("t"));
            pass(Duration.ofSeconds(5));

            assertThat(cache.get("a")).isEmpty();
            assertThat(cache.get("b")).contains(value("B"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(2);
            assertThat(cache.get("b")).isEmpty();
            assertThat(cache.get("c")).isEmpty();
        }

        @Test
        void remember_tagsTheLoadedEntry() {
            cache.remember("a", WriteOptions.tags("t"), () -> value("A"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.get("a")).isEmpty();
        }

        @Test
        void deletedEntry_isNoLongerCountedByItsTag() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            cache.put("b", value("B"), WriteOptions.tags("t"));
            cache.delete("a");
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
        }
    }

    /** Glob patterns select exactly the matching keys. */
    @Nested
    public class Patterns {

        @Test
        void prefixPattern_removesExactlyTheKeysUnderThePrefix() {
            for (String key :
                    List.of("user:123:a", "user:123:b", "user:123:c:d", "user:1234:x", "user:12:x", "user:123")) {
                cache.put(key, value(key));
            }

            assertThat(cache.invalidateByPattern("user:123:*")).isEqualTo(3);

            assertThat(cache.keys("*")).containsExactlyInAnyOrder("user:1234:x", "user:12:x", "user:123");
        }

        @Test
        void questionMark_matchesExactlyOneCharacter() {
            for (String key : List.of("item:1", "item:2", "item:10", "item:")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("item:?")).containsExactlyInAnyOrder("item:1", "item:2");
            assertThat(cache.invalidateByPattern("item:?")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("item:10", "item:");
        }

        @Test
        void characterClass_matchesOneOfTheSet() {
            for (String key : List.of("k:a", "k:b", "k:c", "k:ab")) {
                cache.put(key, value(key));
            }
            assertThat(cache.invalidateByPattern("k:[ab]")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("k:c", "k:ab");
        }

        @Test
        void negatedClass_matchesAnyCharacterButTheSet() {
            for (String key : List.of("k:a", "k:b", "k:c")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("k:[^a]")).containsExactlyInAnyOrder("k:b", "k:c");
            assertThat(cache.invalidateByPattern("k:[^a]")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactly("k:a");
        }

        @Test
        void range_matchesCharactersInTheRange() {
            for (String key : List.of("v1", "v5", "v9", "vx")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("v[1-5]")).containsExactlyInAnyOrder("v1", "v5");
        }

        @Test
        void escapedMetacharacters_matchLiterally() {
            for (String key : List.of("lit:*star", "lit:xstar", "q?", "qx", "[x]", "x")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("lit:\\*star")).containsExactly("lit:*star");
            assertThat(cache.keys("q\\?")).containsExactly("q?");
            assertThat(cache.keys(KeyPattern.escape("[x]"))).containsExactly("[x]");
            assertThat(cache.invalidateByPattern("lit:\\*star")).isEqualTo(1);
            assertThat(cache.get("lit:xstar")).contains(value("lit:xstar"));
        }

        @Test
        void cacheKeysPrefixPattern_matchesOnlyKeysBuiltFromThoseParts() {
            String mine = CacheKeys.key("user", 123, "a*b");
            String mineToo = CacheKeys.key("user", 123, "stats", 7);
            String other = CacheKeys.key("user", 1234, "a");
            String tricky = CacheKeys.key("user", "123*", "a");
            for (String key : List.of(mine, mineToo, other, tricky)) {
                cache.put(key, value(key));
            }
            assertThat(cache.invalidateByPattern(CacheKeys.prefixPattern("user", 123)))
                    .isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder(other, tricky);
        }

        @Test
        void keys_listsExactlyTheMatchingKeys_withoutRemovingThem() {
            for (String key : List.of("a:1", "a:2", "b:1")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("a:*")).containsExactlyInAnyOrder("a:1", "a:2");
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("a:1", "a:2", "b:1");
            assertThat(cache.keys("c:*")).isEmpty();
            assertThat(cache.stats().size()).isEqualTo(3);
        }

        @Test
        void invalidateByPattern_countsOnlyLiveEntries() {
            cache.put("a:1", value("1"), Duration.ofSeconds(1));
            cache.put("a:2", value("2"), Duration.ofHours(1));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.keys("a:*")).containsExactly("a:2");
            assertThat(cache.invalidateByPattern("a:*")).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "user:[abc", "user:\\"})
        void malformedPattern_isRejected_andNothingIsRemoved(String pattern) {
            cache.put("user:a", value("a"));
            assertThatThrownBy(() -> cache.invalidateByPattern(pattern)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.keys(pattern)).isInstanceOf(IllegalArgumentException.class);
            assertThat(cache.get("user:a")).contains(value("a"));
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

    /** Nothing a caller does to what it passed in or got back changes what the cache holds. */
    @Nested
    public class Isolation {

        @Test
        void mutatingTheListOfAReturnedValue_neverChangesTheCache() {
            cache.put("a", TestValue.of("A", 1, "x", "y"));
            List<String> items = cache.get("a").orElseThrow().items();
            Throwable thrown = catchThrowable(() -> items.add("z"));
            if (thrown == null) {
                assertThat(cache.get("a").orElseThrow().items()).containsExactly("x", "y");
            } else {
                assertThat(thrown).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThat(cache.get("a")).contains(TestValue.of("A", 1, "x", "y"));
        }

        @Test
        void leakyValue_isRejectedAtPut_unlessTheRuleCopies_thenIsolatedFromTheCallersList() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            List<String> callers = new ArrayList<>(List.of("x", "y"));
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", callers)));
            if (!acceptsMutableValues()) {
                assertThat(thrown)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'a'")
                        .hasMessageContaining(ArrayList.class.getName());
                assertThat(leaky.contains("a")).isFalse();
                assertThat(leaky.get("a")).isEmpty();
            } else {
                assertThat(thrown).isNull();
                callers.add("z");
                callers.set(0, "changed");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x", "y");
            }
        }

        @Test
        void leakyValue_mutatingTheReturnedList_neverChangesTheCache() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", new ArrayList<>(List.of("x")))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
                return;
            }
            assertThat(thrown).isNull();
            List<String> returned = leaky.get("a").orElseThrow().items();
            Throwable mutation = catchThrowable(() -> returned.add("y"));
            assertThat(mutation).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t)
                    .isInstanceOf(UnsupportedOperationException.class));
            assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
        }

        @Test
        void leakyValue_rejectedPut_keepsTheValueStoredBefore() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            LeakyValue safe = new LeakyValue("safe", List.of("s"));
            leaky.put("a", safe);
            List<String> callers = new ArrayList<>(List.of("x"));
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", callers)));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.get("a")).contains(safe);
            } else {
                assertThat(thrown).isNull();
                callers.add("y");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void leakyValue_warm_isRejectedUnlessTheRuleCopies() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            List<String> callers = new ArrayList<>(List.of("x"));
            Throwable thrown =
                    catchThrowable(() -> leaky.warm(List.of(CacheEntry.of("a", new LeakyValue("A", callers)))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
            } else {
                assertThat(thrown).isNull();
                callers.add("y");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void leakyValueFromALoader_isRejectedUnlessTheRuleCopies_andNothingIsStored() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            Throwable thrown = catchThrowable(() -> leaky.remember(
                    "a", Duration.ofMinutes(1), () -> new LeakyValue("A", new ArrayList<>(List.of("x")))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
                assertThat(leaky.stats().loadFailures()).isEqualTo(1);
            } else {
                assertThat(thrown).isNull();
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void immutableValueHoldingAnUnmodifiableList_isAcceptedByEveryRule() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            leaky.put("a", new LeakyValue("A", List.of("x", "y")));
            assertThat(leaky.get("a")).contains(new LeakyValue("A", List.of("x", "y")));
        }
    }

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

package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Part of {@link CacheContractTest}: the caches under test, the suite's time ({@link #advance},
 * {@link #timingSlack()}), and the helpers its tests share. Extend {@link CacheContractTest}, not this
 * class.
 */
public abstract class CacheContractSupport {

    /** The longest any test waits for something that a correct implementation does at once. */
    protected static final Duration HANG_GUARD = Duration.ofSeconds(30);

    /** How often a TTL scenario runs again when a real-time backend was too slow to tell. */
    protected static final int SCENARIO_ATTEMPTS = 10;

    static final AtomicInteger CACHE_NUMBER = new AtomicInteger();

    final ManualTicker ticker = new ManualTicker();
    final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
    Duration elapsed = Duration.ZERO;

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

    static TestValue value(String name) {
        return TestValue.of(name, name.length(), "a", "b");
    }

    /** Lets time pass, keeping track of the total so tests can probe boundaries from a write. */
    void pass(Duration duration) {
        elapsed = elapsed.plus(duration);
        advance(duration);
    }

    /** A moment of a test: the time the suite had passed, and the real time then. */
    record Mark(Duration elapsed, long realNanos) {}

    /** Thrown where a real-time backend was too slow to tell whether an entry expired early. */
    static final class TooSlowToTell extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSlowToTell(String message) {
            super(message, null, false, false);
        }
    }

    /** The time passed since the test started, with the real time now. */
    Mark now() {
        return new Mark(elapsed, realNanos());
    }

    /**
     * Runs a TTL scenario (from its writes to its checks) again while it ends in {@link
     * TooSlowToTell}, up to {@link #SCENARIO_ATTEMPTS} times.
     */
    static void scenario(Runnable body) {
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
    void requireLive(boolean live, Mark writtenAt, Duration ttl, String what) {
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
    void passUntil(Mark mark, Duration offset) {
        Duration target = mark.elapsed().plus(offset);
        if (target.compareTo(elapsed) > 0) {
            pass(target.minus(elapsed));
        }
    }

    Duration justBefore(Duration ttl) {
        Duration d = ttl.minusMillis(1).minus(timingSlack());
        return d.isNegative() ? Duration.ZERO : d;
    }

    Duration justAfter(Duration ttl) {
        return ttl.plus(timingSlack());
    }

    /** Checks that {@code key}, written at {@code writtenAt}, is there just before its TTL and not at it. */
    <V> void assertLivesExactly(Cache<V> c, String key, V expected, Mark writtenAt, Duration ttl) {
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

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("hang guard: a latch was not released within " + HANG_GUARD);
        }
    }

    static void await(CyclicBarrier barrier) throws Exception {
        barrier.await(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
    }

    <T> Async<T> async(String name, Callable<T> body) {
        Async<T> a = new Async<>(name, body);
        threads.add(a.thread);
        a.thread.start();
        return a;
    }

    /**
     * Waits until every given thread is blocked, waiting or finished: used to be sure that callers
     * are inside the cache, waiting on a load, before the load is let go.
     */
    static void awaitParkedOrDone(List<? extends Async<?>> asyncs) {
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

    static void awaitParkedOrDone(Async<?> async) {
        awaitParkedOrDone(List.of(async));
    }

    /** A body run on its own thread, with its outcome. */
    static final class Async<T> {
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
}

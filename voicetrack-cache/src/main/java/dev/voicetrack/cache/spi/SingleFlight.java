package dev.voicetrack.cache.spi;

import dev.voicetrack.cache.KeyPattern;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The loads in progress of one cache, one per key, and their invalidation.
 *
 * <h2>Single flight</h2>
 *
 * A caller that misses creates a {@link Flight} and {@link #join joins} with it: either its flight is
 * registered and it runs the loader, or it gets the fresh flight already running for the key and
 * {@link Flight#await waits} for its result. The owner {@link #unregister unregisters} its flight
 * just before completing it, and {@link #finish finishes} it in a {@code finally} block, whatever
 * happened.
 *
 * <h2>Stale flights</h2>
 *
 * Every write and invalidation that could cover a key marks the flights it concerns stale ({@link
 * #staleKey}, {@link #staleTag}, {@link #staleTags}, {@link #stalePattern}, {@link #staleAll}) before
 * it touches the entries, under each flight's lock; the owner stores its value under the same lock
 * only if its flight is not stale ({@link Flight#storeIfCurrent}). So a value loaded before an
 * invalidation is handed to the callers who waited for it but never stored after it, and a caller
 * that arrives after the invalidation does not join the stale flight: it runs a fresh one in its
 * place.
 *
 * @param <R> what a flight produces for its waiters
 */
public final class SingleFlight<R> {

    private final ConcurrentHashMap<String, Flight<R>> flights = new ConcurrentHashMap<>();

    /**
     * Registers {@code mine} for its key, replacing a stale flight; returns {@code null} if the caller
     * now owns the load, else the fresh flight in progress to {@link Flight#await} instead.
     */
    public @Nullable Flight<R> join(Flight<R> mine) {
        String key = mine.key;
        while (true) {
            Flight<R> running = flights.putIfAbsent(key, mine);
            if (running == null) {
                return null;
            }
            if (!running.isStale()) {
                return running;
            }
            // That flight read data from before an invalidation that this call started after, so its
            // value is too old for this caller: run a fresh load in its place.
            if (flights.replace(key, running, mine)) {
                return null;
            }
        }
    }

    /**
     * Unregisters the owner's flight, if still registered, so that callers arriving from now on start
     * a flight of their own. The owner calls it just before it completes or fails its flight, so that
     * no caller joins a failed flight.
     */
    public void unregister(Flight<R> mine) {
        flights.remove(mine.key, mine);
    }

    /**
     * Unregisters the owner's flight and fails its waiters if it was never completed (the owner's
     * {@code finally} block).
     */
    public void finish(Flight<R> mine) {
        unregister(mine);
        mine.failIfIncomplete();
    }

    /** Marks the flight for {@code key}, if any, stale. */
    public void staleKey(String key) {
        Flight<R> flight = flights.get(key);
        if (flight != null) {
            flight.markStale();
        }
    }

    /** Marks every flight whose entry would carry {@code tag} stale. */
    public void staleTag(String tag) {
        if (flights.isEmpty()) {
            return; // the common case, without an iterator
        }
        for (Flight<R> flight : flights.values()) {
            if (flight.tags.contains(tag)) {
                flight.markStale();
            }
        }
    }

    /** Marks every flight whose entry would carry any of {@code tags} stale. */
    public void staleTags(Collection<String> tags) {
        if (flights.isEmpty()) {
            return; // the common case, without an iterator
        }
        for (Flight<R> flight : flights.values()) {
            for (String tag : tags) {
                if (flight.tags.contains(tag)) {
                    flight.markStale();
                    break;
                }
            }
        }
    }

    /** Marks every flight whose key matches {@code pattern} stale. */
    public void stalePattern(KeyPattern pattern) {
        if (flights.isEmpty()) {
            return; // the common case, without an iterator
        }
        for (Flight<R> flight : flights.values()) {
            if (pattern.matches(flight.key)) {
                flight.markStale();
            }
        }
    }

    /** Marks every flight stale (a clear). */
    public void staleAll() {
        if (flights.isEmpty()) {
            return; // the common case, without an iterator
        }
        for (Flight<R> flight : flights.values()) {
            flight.markStale();
        }
    }

    /**
     * One load in progress: its key, the tags its entry will carry, its result for the callers who
     * wait, the thread that runs it, and whether an invalidation has made it stale.
     *
     * @param <R> what the flight produces
     */
    public static final class Flight<R> {
        private final String key;
        private final Set<String> tags;
        private final CompletableFuture<R> result = new CompletableFuture<>();
        private final Thread owner = Thread.currentThread();
        private volatile boolean stale; // written under this flight's lock

        /** A flight, owned by the calling thread, for an entry under {@code key} carrying {@code tags}. */
        public Flight(String key, Set<String> tags) {
            this.key = key;
            this.tags = tags;
        }

        /** Whether an invalidation concerning this flight's entry has happened since it started. */
        public boolean isStale() {
            return stale;
        }

        synchronized void markStale() {
            stale = true;
        }

        /** Runs {@code store} unless the flight is stale, atomically with respect to invalidations. */
        public synchronized void storeIfCurrent(Runnable store) {
            if (!stale) {
                store.run();
            }
        }

        /** Hands {@code value} to the waiting callers. */
        public void complete(R value) {
            result.complete(value);
        }

        /** Hands {@code failure} to the waiting callers. */
        public void fail(Throwable failure) {
            result.completeExceptionally(failure);
        }

        void failIfIncomplete() {
            if (!result.isDone()) {
                result.completeExceptionally(new IllegalStateException("load of key '" + key + "' was abandoned"));
            }
        }

        /**
         * Waits for the flight's result, as another caller than its owner.
         *
         * @throws IllegalStateException if the calling thread runs this flight (its loader asked the
         *     cache for its own key), which would otherwise wait for ever
         * @throws RuntimeException the flight's failure, as {@link LoadFailures#propagate} passes it on
         */
        public R await() {
            if (owner == Thread.currentThread()) {
                throw new IllegalStateException(
                        "recursive load: the loader for key '" + key + "' asked the cache for the same key");
            }
            try {
                return result.join();
            } catch (CompletionException e) {
                throw LoadFailures.propagate(key, e.getCause() != null ? e.getCause() : e);
            }
        }
    }
}

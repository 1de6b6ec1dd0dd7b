package dev.voicetrack.cache.jcache.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * The entry listeners registered on one cache, and the delivery of events to them.
 *
 * <p>A cache operation collects its events in a {@link Batch} and hands the batch over once the
 * change is made. Each registration filters the events and delivers those its listener handles:
 * synchronous listeners on the caller's thread before the operation returns (an exception reaches
 * the caller as a {@link CacheEntryListenerException}), asynchronous ones on the executor, one
 * batch after the other, so a listener sees the events of one key in the order they happened.
 */
final class Listeners<K, V> {

    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
    private final Executor executor;

    Listeners(Executor executor) {
        this.executor = executor;
    }

    /** Registers a listener; false if the same configuration is registered already. */
    synchronized boolean register(CacheEntryListenerConfiguration<K, V> configuration) {
        for (Registration<K, V> r : registrations) {
            if (r.configuration.equals(configuration)) {
                return false;
            }
        }
        registrations.add(new Registration<>(configuration, executor));
        return true;
    }

    synchronized void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
        for (Registration<K, V> r : registrations) {
            if (r.configuration.equals(configuration)) {
                registrations.remove(r);
                r.close();
            }
        }
    }

    /** Waits for queued asynchronous deliveries, then closes every listener and filter. */
    synchronized void closeAll() {
        for (Registration<K, V> r : registrations) {
            r.close();
        }
        registrations.clear();
    }

    /** Whether some listener could receive events of {@code type}; saves building events nobody reads. */
    boolean wants(EventType type) {
        for (Registration<K, V> r : registrations) {
            if (r.handles(type)) {
                return true;
            }
        }
        return false;
    }

    /** Delivers a batch of events; rethrows the first synchronous listener's failure. */
    void deliver(Batch<K, V> batch) {
        if (batch.events.isEmpty()) {
            return;
        }
        CacheEntryListenerException failure = null;
        for (Registration<K, V> r : registrations) {
            try {
                r.deliver(batch.events, false);
            } catch (CacheEntryListenerException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Delivers a batch of events that another process caused: to every listener asynchronously,
     * synchronous ones included, since there is no caller here to hold back.
     */
    void deliverAsync(Batch<K, V> batch) {
        for (Registration<K, V> r : registrations) {
            r.deliver(batch.events, true);
        }
    }

    /** The events of one operation, in order. */
    static final class Batch<K, V> {
        final List<JCacheEntryEvent<K, V>> events = new ArrayList<>(2);

        void add(JCacheEntryEvent<K, V> event) {
            events.add(event);
        }
    }

    private static final class Registration<K, V> {
        final CacheEntryListenerConfiguration<K, V> configuration;
        final CacheEntryListener<? super K, ? super V> listener;
        final @Nullable CacheEntryEventFilter<? super K, ? super V> filter;
        final boolean synchronous;
        final boolean oldValueRequired;
        final Executor executor;
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        Registration(CacheEntryListenerConfiguration<K, V> configuration, Executor executor) {
            this.configuration = configuration;
            this.listener = configuration.getCacheEntryListenerFactory().create();
            Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
                    configuration.getCacheEntryEventFilterFactory();
            this.filter = filterFactory == null ? null : filterFactory.create();
            this.synchronous = configuration.isSynchronous();
            this.oldValueRequired = configuration.isOldValueRequired();
            this.executor = executor;
        }

        boolean handles(EventType type) {
            return switch (type) {
                case CREATED -> listener instanceof CacheEntryCreatedListener;
                case UPDATED -> listener instanceof CacheEntryUpdatedListener;
                case REMOVED -> listener instanceof CacheEntryRemovedListener;
                case EXPIRED -> listener instanceof CacheEntryExpiredListener;
            };
        }

        void deliver(List<JCacheEntryEvent<K, V>> events, boolean forceAsync) {
            List<JCacheEntryEvent<K, V>> mine = new ArrayList<>(events.size());
            for (JCacheEntryEvent<K, V> e : events) {
                if (handles(e.getEventType())) {
                    mine.add(oldValueRequired ? e : e.withoutOldValue());
                }
            }
            if (mine.isEmpty()) {
                return;
            }
            if (synchronous && !forceAsync) {
                dispatch(mine);
            } else {
                synchronized (this) {
                    tail = tail.thenRunAsync(() -> dispatchQuietly(mine), executor);
                }
            }
        }

        private void dispatchQuietly(List<JCacheEntryEvent<K, V>> events) {
            try {
                dispatch(events);
            } catch (RuntimeException e) {
                // an asynchronous listener's failure has no caller to reach; the next batch still goes out
            }
        }

        private void dispatch(List<JCacheEntryEvent<K, V>> events) {
            try {
                // events of one type in a row go out together, keeping their order
                int i = 0;
                while (i < events.size()) {
                    EventType type = events.get(i).getEventType();
                    List<JCacheEntryEvent<K, V>> run = new ArrayList<>();
                    while (i < events.size() && events.get(i).getEventType() == type) {
                        JCacheEntryEvent<K, V> e = events.get(i++);
                        if (filter == null || filter.evaluate(e)) {
                            run.add(e);
                        }
                    }
                    if (!run.isEmpty()) {
                        fire(type, run);
                    }
                }
            } catch (CacheEntryListenerException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CacheEntryListenerException("listener " + listener + " failed: " + e, e);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void fire(EventType type, List<JCacheEntryEvent<K, V>> run) {
            Iterable events = run;
            switch (type) {
                case CREATED -> ((CacheEntryCreatedListener) listener).onCreated(events);
                case UPDATED -> ((CacheEntryUpdatedListener) listener).onUpdated(events);
                case REMOVED -> ((CacheEntryRemovedListener) listener).onRemoved(events);
                case EXPIRED -> ((CacheEntryExpiredListener) listener).onExpired(events);
            }
        }

        void close() {
            CompletableFuture<Void> pending;
            synchronized (this) {
                pending = tail;
            }
            pending.join();
            Closing.quietly(listener);
            Closing.quietly(filter);
        }
    }
}

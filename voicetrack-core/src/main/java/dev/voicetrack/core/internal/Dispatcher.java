package dev.voicetrack.core.internal;

import dev.voicetrack.core.TrackerListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Delivers events to listeners on the listener executor, in order. A listener that throws is reported
 * through {@code error} (a throwing {@code error} listener is ignored, to avoid a loop) and never
 * stops delivery to the others.
 */
final class Dispatcher {
    private final CopyOnWriteArrayList<TrackerListener> listeners = new CopyOnWriteArrayList<>();
    private final Executor executor;

    Dispatcher(Executor executor) {
        this.executor = executor;
    }

    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    void add(TrackerListener l) {
        listeners.add(l);
    }

    void remove(TrackerListener l) {
        listeners.remove(l);
    }

    /**
     * Several events held as one entry of an event list (to spare an object per event while they wait):
     * {@link #emit(List)} delivers each of them in turn, as if they were entries of the list.
     */
    interface EventBlock extends Consumer<TrackerListener> {
        int size();

        /** Event {@code i}, made when its turn comes. */
        Consumer<TrackerListener> event(int i);
    }

    void emit(List<Consumer<TrackerListener>> events) {
        if (events.isEmpty() || listeners.isEmpty()) {
            return;
        }
        List<Consumer<TrackerListener>> copy = List.copyOf(events);
        executor.execute(() -> {
            for (Consumer<TrackerListener> e : copy) {
                if (e instanceof EventBlock block) {
                    for (int i = 0; i < block.size(); i++) {
                        deliver(block.event(i));
                    }
                } else {
                    deliver(e);
                }
            }
        });
    }

    /**
     * Delivers {@code count} events in order, each made by {@code event} only when its turn comes on
     * the executor: a tick's per-member events need not all exist at once.
     */
    void emit(int count, IntFunction<Consumer<TrackerListener>> event) {
        if (count == 0 || listeners.isEmpty()) {
            return;
        }
        executor.execute(() -> {
            for (int i = 0; i < count; i++) {
                deliver(event.apply(i));
            }
        });
    }

    void emit(Consumer<TrackerListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        executor.execute(() -> deliver(event));
    }

    void error(String context, Throwable error) {
        emit(l -> l.error(context, error));
    }

    private void deliver(Consumer<TrackerListener> event) {
        for (TrackerListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException ex) {
                for (TrackerListener other : listeners) {
                    try {
                        other.error("listener " + l.getClass().getName() + " threw", ex);
                    } catch (RuntimeException ignored) {
                        // an error listener that throws is not reported again
                    }
                }
            }
        }
    }

    /** Waits until every event handed to the executor before this call has been delivered. */
    void flush() {
        var done = new CompletableFuture<Void>();
        executor.execute(() -> done.complete(null));
        done.join();
    }
}

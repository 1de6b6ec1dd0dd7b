package dev.voicetrack.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.hooks.EventListener;

/** Records every JDA event and lets a test wait for one matching a condition (bounded wait as hang guard). */
final class EventRecorder implements EventListener {
    private final List<GenericEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(GenericEvent event) {
        events.add(event);
        notifyAll();
    }

    synchronized <T extends GenericEvent> T await(Class<T> type, Predicate<? super T> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0;
        while (true) {
            for (; scanned < events.size(); scanned++) {
                GenericEvent event = events.get(scanned);
                if (type.isInstance(event) && condition.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " matching the condition within " + timeout);
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import io.javalin.http.sse.SseClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the dashboard's open pages that a tick landed, over server-sent events: one {@code tick} event
 * per completed tick, whose data is the tick's time and sequence number, after the tick's write has
 * committed (the tracker calls its listeners then). A page reloads its figures when it gets one, so
 * what it shows is never older than the last tick.
 *
 * <p>Events carry no guild data: a page fetches what it shows through the same routes that check its
 * input. A client that has gone is dropped at its next event. Thread safe.
 */
final class LiveUpdates implements TrackerListener {
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ticks = new AtomicLong();

    /** Keeps {@code client} open and sends it every tick from now on. */
    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendComment("connected");
    }

    /** Pages listening now. */
    int listeners() {
        return clients.size();
    }

    @Override
    public void tickCompleted(TickReport report) {
        if (!report.written()) {
            return; // nothing new is readable: the increments wait for the next tick
        }
        long n = ticks.incrementAndGet();
        Map<String, Object> data = Map.of("at", report.at().toString(), "tick", n);
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            synchronized (c) { // one writer per stream; ticks come from one thread, joins from others
                c.sendEvent("tick", data, Long.toString(n));
            }
        }
    }
}

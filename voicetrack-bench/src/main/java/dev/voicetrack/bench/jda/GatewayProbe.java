package dev.voicetrack.bench.jda;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedMember;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.EventListener;

/**
 * How long the gateway is held (load runs): a member of the emulator posts a message every {@value #EVERY_MS} ms and
 * a JDA listener notes when JDA dispatches it; the delay from the emulator's write of the dispatch to the socket to
 * JDA's dispatch of the event is the time the message waited behind whatever else held JDA's gateway thread (JDA's
 * own event handling, every listener's, member chunks) plus the socket. Also records the JVM's stop-the-world GC pauses over the same period, which hold every thread,
 * the gateway's included, whoever caused them.
 */
final class GatewayProbe implements EventListener, AutoCloseable {
    private static final long EVERY_MS = 20;

    /** What one probing period saw, in nanoseconds (pauses in milliseconds, as the JVM reports them). */
    record Result(long[] delaysNanos, int lost, long gcPauses, long gcMaxPauseMs, long gcTotalPauseMs) {
        String describe() {
            int n = delaysNanos.length;
            return n == 0
                    ? "no probe arrived"
                    : String.format(
                            "gateway delay of %d probes: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d lost); JVM GC"
                                    + " pauses %d, longest %d ms, total %d ms",
                            n,
                            delaysNanos[n / 2] / 1e6,
                            delaysNanos[Math.min(n - 1, (int) (n * 0.99))] / 1e6,
                            delaysNanos[n - 1] / 1e6,
                            lost,
                            gcPauses,
                            gcMaxPauseMs,
                            gcTotalPauseMs);
        }
    }

    private final EmulatedMember member;
    private final EmulatedChannel channel;
    private final JDA jda;
    private final Map<Long, Long> sent = new ConcurrentHashMap<>();
    private final Map<Long, Long> received = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong gcPauses = new AtomicLong();
    private final AtomicLong gcMax = new AtomicLong();
    private final AtomicLong gcTotal = new AtomicLong();
    private final NotificationListener gcListener = (notification, handback) -> {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)
                || !running.get()) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (info.getGcName().contains("Concurrent")) {
            return; // G1's concurrent cycle runs beside the application; its pauses are reported as young/old
        }
        long ms = info.getGcInfo().getDuration();
        gcPauses.incrementAndGet();
        gcTotal.addAndGet(ms);
        gcMax.accumulateAndGet(ms, Math::max);
    };
    private Thread thread;
    private long startedAt;
    private final List<String> slow = new ArrayList<>();
    private static final long SLOW_NANOS = 100_000_000L;

    /** The probes of the last period that waited over 100 ms: when they were sent (since start) and how long. */
    List<String> slowProbes() {
        return slow;
    }

    /** A probe posting as {@code member} in {@code channel} (a text channel the bot reads). */
    GatewayProbe(JDA jda, EmulatedMember member, EmulatedChannel channel) {
        this.jda = jda;
        this.member = member;
        this.channel = channel;
        jda.addEventListener(this);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(gcListener, null, null);
        }
    }

    @Override
    public void onEvent(GenericEvent event) {
        if (event instanceof MessageReceivedEvent e && e.getChannel().getIdLong() == channel.id()) {
            received.put(e.getMessageIdLong(), System.nanoTime());
        }
    }

    /** Starts probing (a new period: earlier figures are dropped). */
    void start() {
        sent.clear();
        received.clear();
        gcPauses.set(0);
        gcMax.set(0);
        gcTotal.set(0);
        running.set(true);
        startedAt = System.nanoTime();
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        long id = member.sendMessage(channel, "probe").id();
                        // from when the emulator has written the dispatch to the socket: the time it took to get
                        // there (its own lock, other dispatches queued before it) is the emulator's, not JDA's
                        sent.put(id, System.nanoTime());
                        try {
                            Thread.sleep(EVERY_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-gateway-probe");
        thread.start();
    }

    /** Stops probing and waits (at most 2 s) for the probes in flight. */
    Result stop() throws InterruptedException {
        running.set(false);
        thread.join();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!received.keySet().containsAll(sent.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        slow.clear();
        for (Map.Entry<Long, Long> s : sent.entrySet()) {
            Long r = received.get(s.getKey());
            if (r != null && r - s.getValue() > SLOW_NANOS) {
                slow.add(String.format("%.2f s: %.0f ms", (s.getValue() - startedAt) / 1e9, (r - s.getValue()) / 1e6));
            }
        }
        java.util.Collections.sort(slow);
        List<Long> delays = new ArrayList<>();
        int lost = 0;
        for (Map.Entry<Long, Long> s : sent.entrySet()) {
            Long r = received.get(s.getKey());
            if (r == null) {
                lost++;
            } else {
                delays.add(Math.max(0, r - s.getValue())); // JDA may dispatch it before sendMessage returns
            }
        }
        return new Result(
                delays.stream().mapToLong(Long::longValue).sorted().toArray(),
                lost,
                gcPauses.get(),
                gcMax.get(),
                gcTotal.get());
    }

    @Override
    public void close() {
        running.set(false);
        jda.removeEventListener(this);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(gcListener);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // never added
            }
        }
    }
}

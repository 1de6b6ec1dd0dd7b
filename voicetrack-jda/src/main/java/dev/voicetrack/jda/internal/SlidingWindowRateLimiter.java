package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.CommandRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per (user, command) sliding-window log: the timestamps of the last {@code permits} runs. A run is allowed when
 * fewer than {@code permits} fall within the window. Each key's log is guarded by its own monitor; keys whose
 * window has passed are swept when the map grows, so memory is bounded by the users active within one window.
 */
public final class SlidingWindowRateLimiter implements CommandRateLimiter {
    private static final int SWEEP_THRESHOLD = 4096;

    private final int permits;
    private final long windowMillis;
    private final Clock clock;
    private final Map<Key, ArrayDeque<Long>> logs = new ConcurrentHashMap<>();

    public SlidingWindowRateLimiter(int permits, Duration window, Clock clock) {
        this.permits = permits;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    @Override
    public Optional<Duration> tryAcquire(long userId, String command) {
        long now = clock.millis();
        if (logs.size() > SWEEP_THRESHOLD) {
            sweep(now);
        }
        ArrayDeque<Long> log = logs.computeIfAbsent(new Key(userId, command), k -> new ArrayDeque<>(permits));
        synchronized (log) {
            while (!log.isEmpty() && log.peekFirst() <= now - windowMillis) {
                log.pollFirst();
            }
            if (log.size() < permits) {
                log.addLast(now);
                return Optional.empty();
            }
            long freeAt = log.peekFirst() + windowMillis;
            return Optional.of(Duration.ofMillis(Math.max(1, freeAt - now)));
        }
    }

    private void sweep(long now) {
        for (Iterator<Map.Entry<Key, ArrayDeque<Long>>> it = logs.entrySet().iterator(); it.hasNext(); ) {
            ArrayDeque<Long> log = it.next().getValue();
            synchronized (log) {
                Long last = log.peekLast();
                if (last == null || last <= now - windowMillis) {
                    it.remove();
                }
            }
        }
    }

    private record Key(long userId, String command) {}
}

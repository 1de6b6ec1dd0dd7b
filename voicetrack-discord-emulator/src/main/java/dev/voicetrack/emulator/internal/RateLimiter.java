package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.RateLimits;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fixed-window counters on the emulator's clock: one global window and one per bucket key (route bucket plus major
 * parameter). A window opens with its first request and lasts the limit's duration. Thread safe.
 */
final class RateLimiter {
    private final Clock clock;
    private final RateLimits.Limit global;
    private final Map<String, Window> windows = new HashMap<>();
    private @Nullable Window globalWindow;

    RateLimiter(Clock clock, RateLimits.Limit global) {
        this.clock = clock;
        this.global = global;
    }

    /** What one request met: the bucket's state after it, and whether (and by which limit) it was refused. */
    record Outcome(
            int limit, int remaining, long resetAtMillis, long nowMillis, boolean refused, boolean globalRefusal) {
        double resetAfterSeconds() {
            return Math.max(0, resetAtMillis - nowMillis) / 1000.0;
        }
    }

    /**
     * Counts one request against the global limit (if {@code countsGlobally}) and the bucket; a refused request
     * consumes nothing.
     */
    synchronized Outcome acquire(String key, RateLimits.Limit limit, boolean countsGlobally) {
        long now = clock.millis();
        if (windows.size() > 10_000) {
            windows.values().removeIf(w -> now >= w.resetAt);
        }
        Window bucket = windows.get(key);
        if (bucket == null || now >= bucket.resetAt) {
            bucket = new Window(now + limit.window().toMillis());
            windows.put(key, bucket);
        }
        if (countsGlobally) {
            if (globalWindow == null || now >= globalWindow.resetAt) {
                globalWindow = new Window(now + global.window().toMillis());
            }
            if (globalWindow.used >= global.requests()) {
                return new Outcome(global.requests(), 0, globalWindow.resetAt, now, true, true);
            }
        }
        if (bucket.used >= limit.requests()) {
            return new Outcome(limit.requests(), 0, bucket.resetAt, now, true, false);
        }
        bucket.used++;
        if (countsGlobally) {
            globalWindow.used++;
        }
        return new Outcome(limit.requests(), limit.requests() - bucket.used, bucket.resetAt, now, false, false);
    }

    private static final class Window {
        final long resetAt;
        int used;

        Window(long resetAt) {
            this.resetAt = resetAt;
        }
    }
}

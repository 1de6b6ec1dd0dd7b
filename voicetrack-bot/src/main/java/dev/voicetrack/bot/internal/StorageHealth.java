package dev.voicetrack.bot.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the bot last learned about its storage, from the outcome of every storage call ({@link
 * TimedStorage}) and from a background probe; {@code /health} answers from it without a round trip.
 * Thread safe: one immutable {@link State} swapped atomically.
 */
final class StorageHealth {

    /**
     * @param up whether the last call or probe that reached a verdict succeeded
     * @param since when {@code up} last changed
     * @param checkedAt when the last verdict came
     * @param lastError the failure that made the storage down, while it is down
     * @param probeLatency how long the last answered probe took, or null before the first one
     */
    record State(
            boolean up,
            Instant since,
            Instant checkedAt,
            Optional<String> lastError,
            @Nullable Duration probeLatency) {}

    private final Clock clock;
    private volatile State state;

    StorageHealth(Clock clock) {
        this.clock = clock;
        Instant now = clock.instant();
        this.state = new State(true, now, now, Optional.empty(), null);
    }

    State state() {
        return state;
    }

    /** A call or probe succeeded. */
    void ok() {
        update(true, null, null);
    }

    /** A probe succeeded in {@code latency}. */
    void probed(Duration latency) {
        update(true, null, latency);
    }

    /** A call or probe failed (or did not answer in time) with {@code error}. */
    void failed(String error) {
        update(false, error, null);
    }

    private synchronized void update(boolean up, @Nullable String error, @Nullable Duration latency) {
        State s = state;
        Instant now = clock.instant();
        state = new State(
                up,
                up == s.up() ? s.since() : now,
                now,
                Optional.ofNullable(error),
                latency != null ? latency : s.probeLatency());
    }
}

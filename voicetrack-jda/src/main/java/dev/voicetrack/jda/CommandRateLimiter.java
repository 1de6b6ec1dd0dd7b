package dev.voicetrack.jda;

import dev.voicetrack.jda.internal.SlidingWindowRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a user may run a command now. The slash commands ask it once per invocation (and per
 * leaderboard page click) on the JDA event thread, so an implementation must answer from memory without
 * blocking. Thread safe.
 */
@FunctionalInterface
public interface CommandRateLimiter {

    /**
     * Takes a permit for {@code userId} running {@code command}, if one is free.
     *
     * @return empty when the user may go ahead (a permit was taken), else how long until a permit is free
     */
    Optional<Duration> tryAcquire(long userId, String command);

    /** A limiter that lets everything through. */
    static CommandRateLimiter unlimited() {
        return (userId, command) -> Optional.empty();
    }

    /**
     * At most {@code permits} runs of each command per user in any sliding {@code window}, measured with {@code
     * clock}. Memory is bounded by the users active within one window.
     *
     * @throws IllegalArgumentException if {@code permits < 1} or the window is not positive
     */
    static CommandRateLimiter perUser(int permits, Duration window, Clock clock) {
        Objects.requireNonNull(window, "window must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be >= 1, was " + permits);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be > 0, was " + window);
        }
        return new SlidingWindowRateLimiter(permits, window, clock);
    }
}

package dev.voicetrack.cache.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one acquisition.
 *
 * @param allowed whether the acquisition was granted (and counted)
 * @param remaining how many more acquisitions the window allows right now
 * @param retryAfter when denied, how long until the next acquisition can succeed; zero when allowed
 */
public record RateLimitDecision(boolean allowed, int remaining, Duration retryAfter) {

    public RateLimitDecision {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must be >= 0, was " + remaining);
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
        }
    }

    public static RateLimitDecision allow(int remaining) {
        return new RateLimitDecision(true, remaining, Duration.ZERO);
    }

    public static RateLimitDecision deny(Duration retryAfter) {
        return new RateLimitDecision(false, 0, retryAfter);
    }
}

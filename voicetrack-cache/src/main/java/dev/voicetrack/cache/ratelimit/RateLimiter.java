package dev.voicetrack.cache.ratelimit;

import java.util.Collection;

/**
 * Named rate limits. Each acquisition is atomic: however many threads (or, for the Redis limiter,
 * processes) acquire at once, a rule never grants more than its capacity in any window. Thread safe.
 *
 * <p>{@link InProcessRateLimiter} serves a single process; the Redis limiter in {@code
 * voicetrack-cache-redis} shares the budgets across processes and falls back to in-process limits
 * while Redis is down (never to "allow everything").
 */
public interface RateLimiter {

    /**
     * Draws one acquisition from {@code key}'s budget under {@code rule}.
     *
     * @throws IllegalArgumentException if there is no such rule, or the key's scope is not the rule's
     */
    RateLimitDecision tryAcquire(String rule, RateLimitKey key);

    /** The rules, in the order they were given. */
    Collection<RateLimitRule> rules();
}

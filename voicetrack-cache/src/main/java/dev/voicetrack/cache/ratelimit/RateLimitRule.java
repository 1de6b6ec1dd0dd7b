package dev.voicetrack.cache.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A named limit: at most {@code capacity} acquisitions in any {@code window} (a sliding window, so
 * bursts at a window edge cannot double the rate), counted per {@link RateLimitScope}.
 *
 * @param name the rule's name, used in keys and messages
 * @param capacity how many acquisitions a window allows, 1 to 1,000,000
 * @param window the window, 1 ms to 7 days
 * @param scope what is counted separately
 */
public record RateLimitRule(String name, int capacity, Duration window, RateLimitScope scope) {

    public RateLimitRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(scope, "scope");
        if (name.isBlank() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == ':')) {
            throw new IllegalArgumentException("name must be non-blank without whitespace or ':', was '" + name + "'");
        }
        if (capacity < 1 || capacity > 1_000_000) {
            throw new IllegalArgumentException("capacity must be between 1 and 1000000, was " + capacity);
        }
        if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("window must be between 1 ms and 7 days, was " + window);
        }
    }

    /** A per-user, per-command rule. */
    public static RateLimitRule perUserCommand(String name, int capacity, Duration window) {
        return new RateLimitRule(name, capacity, window, RateLimitScope.USER_COMMAND);
    }

    /** A per-guild, per-action rule. */
    public static RateLimitRule perGuildAction(String name, int capacity, Duration window) {
        return new RateLimitRule(name, capacity, window, RateLimitScope.GUILD_ACTION);
    }

    /** A global rule. */
    public static RateLimitRule global(String name, int capacity, Duration window) {
        return new RateLimitRule(name, capacity, window, RateLimitScope.GLOBAL);
    }
}

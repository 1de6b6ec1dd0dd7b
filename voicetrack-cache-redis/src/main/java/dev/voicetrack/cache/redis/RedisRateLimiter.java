package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.ratelimit.InProcessRateLimiter;
import dev.voicetrack.cache.ratelimit.RateLimitRule;
import dev.voicetrack.cache.ratelimit.RateLimiter;
import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisRateLimiterImpl;
import java.util.Collection;
import java.util.Objects;

/**
 * Rate limits shared by every process on one Redis: each acquisition is one Lua script on a sorted
 * set (a sliding-window log timed by the server's clock), so 50 callers in several processes never
 * exceed a rule's capacity. Keys are {@code <prefix>rl:<rule>:<scope key>} and expire with their
 * window.
 *
 * <p>While Redis is unreachable, acquisitions are decided by an {@link InProcessRateLimiter} with the
 * same rules: each process then enforces the limits on its own (so the fleet may grant up to
 * processes × capacity), but never allows everything. No call throws or hangs because of Redis.
 *
 * <p>A script that times out while the connection stays open may still run on the server, so it is
 * sent again with the same log member (up to three tries, each bounded by the command timeout): a
 * grant made by the late run is reported once and taken once. Only then does the call fall back.
 */
public final class RedisRateLimiter {

    private RedisRateLimiter() {}

    /**
     * A limiter with the given rules on a connector, which the caller keeps open.
     *
     * @throws IllegalArgumentException if there are no rules or two share a name
     */
    public static RateLimiter create(RedisConnector connector, Collection<RateLimitRule> rules) {
        Objects.requireNonNull(connector, "connector");
        return new RedisRateLimiterImpl(Connector.of(connector), InProcessRateLimiter.index(rules));
    }
}

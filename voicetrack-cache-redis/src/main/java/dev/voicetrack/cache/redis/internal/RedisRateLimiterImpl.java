package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.ratelimit.InProcessRateLimiter;
import dev.voicetrack.cache.ratelimit.RateLimitDecision;
import dev.voicetrack.cache.ratelimit.RateLimitKey;
import dev.voicetrack.cache.ratelimit.RateLimitRule;
import dev.voicetrack.cache.ratelimit.RateLimiter;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** The Redis rate limiter; see {@link dev.voicetrack.cache.redis.RedisRateLimiter}. */
public final class RedisRateLimiterImpl implements RateLimiter {

    /**
     * KEYS: the log. ARGV: window µs, capacity, a unique member. Returns {allowed, remaining, retry µs}.
     * Times are the server's, in microseconds (exact in a Lua double until the year 2255). A member
     * already in the log was granted by an earlier run of the same call (one that timed out on the
     * client): that grant is reported again, and nothing more is taken.
     */
    static final Scripts ACQUIRE = new Scripts(
            """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local window = tonumber(ARGV[1])
            local capacity = tonumber(ARGV[2])
            if redis.call('ZSCORE', KEYS[1], ARGV[3]) then
              return {1, math.max(0, capacity - redis.call('ZCARD', KEYS[1])), 0}
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local n = redis.call('ZCARD', KEYS[1])
            if n < capacity then
              redis.call('ZADD', KEYS[1], now, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
              return {1, capacity - n - 1, 0}
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, 0, tonumber(oldest[2]) + window - now}
            """);

    private final Connector connector;
    private final Map<String, RateLimitRule> rules;
    private final InProcessRateLimiter fallback;
    private final String prefix;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * How often a call whose script timed out while the connection stayed open is sent again (with
     * the same member) before it falls back to the in-process limits.
     */
    static final int ATTEMPTS_ON_TIMEOUT = 3;

    public RedisRateLimiterImpl(Connector connector, Map<String, RateLimitRule> rules) {
        this.connector = connector;
        this.rules = rules;
        this.fallback = InProcessRateLimiter.create(rules.values());
        this.prefix = connector.config().keyPrefix() + "rl:";
    }

    @Override
    public RateLimitDecision tryAcquire(String rule, RateLimitKey key) {
        RateLimitRule r = InProcessRateLimiter.ruleFor(rules, rule, key);
        var sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            return fallback.tryAcquire(rule, key);
        }
        long windowMicros = Math.max(1, r.window().toNanos() / 1_000);
        String[] keys = {prefix + r.name() + ":" + key.asKey()};
        byte[] member = Scripts.bytes(instance + ":" + sequence.incrementAndGet());
        // A timeout with the connection open is a slow server, not a lost one: the script may still
        // run there. Falling back would grant from a second, in-process budget on top of the one in
        // Redis; sending the same member again gets the server's own answer instead.
        for (int attempt = 1; ; attempt++) {
            try {
                List<Long> out = ACQUIRE.run(
                        sync.get(),
                        ScriptOutputType.MULTI,
                        keys,
                        Scripts.bytes(windowMicros),
                        Scripts.bytes(r.capacity()),
                        member);
                connector.success();
                if (out.get(0) == 1) {
                    return RateLimitDecision.allow(out.get(1).intValue());
                }
                return RateLimitDecision.deny(Duration.ofNanos(Math.max(1, out.get(2)) * 1_000));
            } catch (RedisCommandTimeoutException e) {
                if (attempt >= ATTEMPTS_ON_TIMEOUT || !connector.usable()) {
                    connector.failure(e);
                    return fallback.tryAcquire(rule, key);
                }
            } catch (RedisException e) {
                connector.failure(e);
                return fallback.tryAcquire(rule, key);
            }
        }
    }

    @Override
    public Collection<RateLimitRule> rules() {
        return List.copyOf(rules.values());
    }
}

package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.CacheException;
import dev.voicetrack.cache.lease.Lease;
import dev.voicetrack.cache.lease.LeaseStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The Redis lease store; see {@link dev.voicetrack.cache.redis.RedisLeases}. */
public final class RedisLeaseStore implements LeaseStore {

    /**
     * KEYS: the lease. ARGV: owner, now ms, expiry ms, key TTL ms. The value is "expiry ms|owner".
     * Returns {holder, expiry ms} as the lease stands after the call.
     */
    static final Scripts CLAIM = new Scripts(
            """
            local v = redis.call('GET', KEYS[1])
            if v then
              local bar = string.find(v, '|', 1, true)
              local expiry = tonumber(string.sub(v, 1, bar - 1))
              local holder = string.sub(v, bar + 1)
              if holder ~= ARGV[1] and expiry > tonumber(ARGV[2]) then
                return {holder, tostring(expiry)}
              end
            end
            redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[1], 'PX', ARGV[4])
            return {ARGV[1], ARGV[3]}
            """);

    /** KEYS: the lease. ARGV: owner. Deletes it when the owner holds it; returns 1 then, else 0. */
    static final Scripts RELEASE = new Scripts(
            """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, string.find(v, '|', 1, true) + 1) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """);

    private static final Duration KEY_TTL = Duration.ofDays(1);

    private final Connector connector;
    private final String prefix;

    public RedisLeaseStore(Connector connector) {
        this.connector = connector;
        this.prefix = connector.config().keyPrefix() + "lease:";
    }

    @Override
    public Lease claim(String name, String owner, Instant now, Duration ttl) {
        check(name, owner);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        long expiry = now.toEpochMilli() + ttl.toMillis();
        List<Object> out = call(
                "claim",
                name,
                CLAIM,
                ScriptOutputType.MULTI,
                owner,
                Long.toString(now.toEpochMilli()),
                Long.toString(expiry),
                Long.toString(Math.max(KEY_TTL.toMillis(), ttl.toMillis() * 2)));
        return new Lease(name, text(out.get(0)), Instant.ofEpochMilli(Long.parseLong(text(out.get(1)))));
    }

    @Override
    public boolean release(String name, String owner) {
        check(name, owner);
        Long released = call("release", name, RELEASE, ScriptOutputType.INTEGER, owner);
        return released != null && released == 1;
    }

    private <T> T call(String what, String name, Scripts script, ScriptOutputType type, String... args) {
        var sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            throw new CacheException("cannot " + what + " lease " + name + ": Redis is not connected ("
                    + connector.health().lastError().orElse("no connection yet") + ")");
        }
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = Scripts.bytes(args[i]);
        }
        try {
            T out = script.run(sync.get(), type, new String[] {prefix + name}, bytes);
            connector.success();
            return out;
        } catch (RedisException e) {
            connector.failure(e);
            throw new CacheException("cannot " + what + " lease " + name + ": " + e.getMessage(), e);
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static void check(String name, String owner) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
        }
        if (owner.isBlank() || owner.contains("|")) {
            throw new IllegalArgumentException("owner must be non-blank without '|', was '" + owner + "'");
        }
    }
}

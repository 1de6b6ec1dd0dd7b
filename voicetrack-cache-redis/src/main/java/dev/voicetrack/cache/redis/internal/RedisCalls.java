package dev.voicetrack.cache.redis.internal;

import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the Redis cache calls Redis: on Lettuce ({@link #redis}) or, for single-key operations, on a
 * direct connection ({@link #single}), and on the fallback instead whenever Redis cannot be used or a
 * call fails with a Lettuce exception. Every call reports its success or failure to the connector,
 * which decides when Redis is usable. Errors in our own code (codec, arguments) are not caught.
 */
final class RedisCalls {

    private final Connector connector;

    RedisCalls(Connector connector) {
        this.connector = connector;
    }

    /** Runs {@code op} on Redis, or {@code onFallback} when Redis cannot be used or the call fails. */
    <T> T redis(Function<RedisClusterCommands<String, byte[]>, T> op, Supplier<T> onFallback) {
        Optional<RedisClusterCommands<String, byte[]>> sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            return onFallback.get();
        }
        T result;
        try {
            result = op.apply(sync.get());
        } catch (RedisException e) {
            connector.failure(e);
            return onFallback.get();
        }
        connector.success();
        return result;
    }

    /**
     * Runs a single-key {@code op} like {@link #redis}: on a blocking connection of the connector's
     * {@link DirectPool} while few callers are in one (see {@link DirectPool#enter}), else on Lettuce.
     * A direct connection that breaks mid-call (a restarted server, say) hands the op on to Lettuce,
     * which knows whether Redis is there; so an op may be sent twice, and must be idempotent.
     */
    <T> T single(Function<KeyCommands, T> op, Supplier<T> onFallback) {
        DirectPool pool = connector.direct();
        if (pool == null || !connector.usable()) {
            return redis(redis -> op.apply(KeyCommands.of(redis)), onFallback);
        }
        DirectConnection c = pool.enter();
        try {
            if (c != null) {
                try {
                    T result = op.apply(c);
                    connector.success();
                    return result;
                } catch (DirectConnection.Lost e) {
                    pool.reset(); // the other idle sockets went to the same server; Lettuce goes on
                } catch (RedisException e) {
                    connector.failure(e);
                    return onFallback.get();
                }
            }
            return redis(redis -> op.apply(KeyCommands.of(redis)), onFallback);
        } finally {
            pool.leave(c);
        }
    }
}

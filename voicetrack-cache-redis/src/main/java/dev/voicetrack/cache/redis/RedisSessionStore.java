package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisSessionStoreImpl;
import dev.voicetrack.cache.session.SessionStore;
import java.util.Objects;

/**
 * TTL sessions in Redis, shared by every process: session {@code (scope, id)} is the string key
 * {@code <prefix>ss:<scope>:<id>} (both parts encoded as {@link dev.voicetrack.cache.CacheKeys} does,
 * so no scope can match another's keys) with a server-side TTL. {@code put} and {@code touch} are
 * single commands, {@code update} a compare-and-set script retried on contention, and {@code list}
 * a SCAN of the scope's keys, never KEYS.
 *
 * <p>While Redis is unreachable the store works on an in-process store (values copied through the
 * codec), which is dropped when the connection is back. No call throws or hangs because of Redis.
 *
 * <p>A command that times out while the connection stays open is sent again (up to three tries, each
 * bounded by the command timeout) rather than answered in process, where the session is not: an
 * {@code update} whose compare-and-set ran late on the server is applied once, through a marker key
 * {@code <prefix>ssop:…} that the script sets with the value and that expires by itself after twice
 * the time of the tries (6 commandTimeouts, at least a second).
 */
public final class RedisSessionStore {

    private RedisSessionStore() {}

    /** A session store on a connector, which the caller keeps open. */
    public static <V> SessionStore<V> create(RedisConnector connector, ValueCodec<V> codec) {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(codec, "codec");
        return new RedisSessionStoreImpl<>(Connector.of(connector), codec);
    }
}

package dev.voicetrack.cache.session;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Values that live for a TTL under a scope and an id (a user's session in a guild, a queue session),
 * as the original bot's {@code user_session:{userId}:{guildId}} keys did. Every operation on one
 * session is atomic. Thread safe.
 *
 * <p>{@link InProcessSessionStore} serves one process; the Redis store in {@code
 * voicetrack-cache-redis} shares sessions across processes.
 *
 * @param <V> the session value type
 */
public interface SessionStore<V> extends AutoCloseable {

    /**
     * Stores a session, replacing any value and TTL it had.
     *
     * @throws IllegalArgumentException if the scope or id is blank or the TTL is not positive
     */
    void put(String scope, String id, V value, Duration ttl);

    /** The session's value, if it is live. */
    Optional<V> get(String scope, String id);

    /** Gives a live session a new TTL from now; returns whether it was live. */
    boolean touch(String scope, String id, Duration ttl);

    /**
     * Replaces a live session's value with {@code update}'s result, keeping its TTL, atomically with
     * respect to every other operation on it; returns the new value, or empty if it was not live. The
     * function may run more than once (on contention) and must not have side effects.
     */
    Optional<V> update(String scope, String id, UnaryOperator<V> update);

    /** Removes a session; returns whether it was live. */
    boolean remove(String scope, String id);

    /** The live sessions of a scope, by id. The map is unmodifiable. */
    Map<String, V> list(String scope);

    @Override
    void close();
}

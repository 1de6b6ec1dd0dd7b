package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.redis.internal.Connector;
import java.time.Duration;
import java.util.Objects;

/**
 * One Lettuce client, its command connection and its pub/sub connection, shared by every Redis-backed
 * object of a process (caches, pub/sub, rate limiters, session stores), with health tracking.
 *
 * <p>Creating one never fails because Redis is unreachable: the first connection attempt is bounded
 * by the connect timeout, and if it fails the connector keeps trying in the background with the
 * configured backoff. Once connected, Lettuce reconnects by itself after a loss; while disconnected
 * every command is rejected at once (never queued), and commands time out after the command timeout,
 * so no caller ever hangs on Redis. Thread safe.
 */
public interface RedisConnector extends AutoCloseable {

    /** Connects (or starts trying to) with the given configuration. */
    static RedisConnector connect(RedisCacheConfig config) {
        Objects.requireNonNull(config, "config");
        return Connector.open(config);
    }

    RedisCacheConfig config();

    /** The current health; cheap, never talks to Redis. */
    RedisHealth health();

    /** Waits up to {@code timeout} for a connection; returns whether there is one. */
    boolean awaitConnected(Duration timeout);

    /**
     * Registers a callback run (on a Lettuce or connector thread) each time the connection comes back
     * after a loss, or is established for the first time after the start-up attempt failed. Two-tier
     * caches use it to drop what they may have missed.
     */
    void onReconnect(Runnable callback);

    /** Closes the connections and the client. Idempotent. */
    @Override
    void close();
}

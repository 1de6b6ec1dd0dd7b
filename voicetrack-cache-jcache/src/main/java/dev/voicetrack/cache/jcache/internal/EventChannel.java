package dev.voicetrack.cache.jcache.internal;

import java.util.function.Consumer;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * Carries the entry events of a Redis cache to the caches of the same name in other processes (and
 * other cache managers of this one), so that their listeners hear changes made elsewhere. Typed
 * without Redis classes, so that {@link Entries} and {@link JCache} load without {@code
 * voicetrack-cache-redis} on the class path. Thread safe.
 */
interface EventChannel extends AutoCloseable {

    /**
     * Sends one event of this cache to the other caches of its name. Never blocks and never throws
     * for Redis failures: an event that cannot be sent is lost, as Redis pub/sub loses messages
     * while a subscriber is away.
     *
     * @param key the key as the cache keeps it ({@link KeyCodec})
     * @param value the new value's serialized form, for created and updated events
     * @param oldValue the old value's serialized form, for updated, removed and expired events
     */
    void publish(EventType type, String key, byte @Nullable [] value, byte @Nullable [] oldValue);

    /**
     * Hands every event the other caches of this name send to {@code handler}, one at a time, in the
     * order they arrive; never this cache's own. Waits a bounded time until the subscription is live
     * on the server, so that changes made elsewhere after this returns are heard. Idempotent.
     */
    void listen(Consumer<Event> handler);

    /** Stops listening; the connection underneath belongs to the cache manager. */
    @Override
    void close();

    /** One event received from another cache of the same name. */
    record Event(EventType type, String key, byte @Nullable [] value, byte @Nullable [] oldValue) {}
}

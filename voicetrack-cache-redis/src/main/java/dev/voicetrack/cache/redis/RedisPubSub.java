package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.PubSubImpl;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Typed publish / subscribe on Redis channels. Channel names are prefixed with the connector's key
 * prefix, so bots sharing a server do not hear each other; handlers receive the name without it.
 *
 * <p>Subscriptions survive reconnects: they are registered here, made on the server as soon as a
 * pub/sub connection exists (also when Redis was down at start) and renewed by the client after every
 * reconnect. Messages published while a subscriber is disconnected are lost, as always with Redis
 * pub/sub. Handlers run one at a time, in arrival order, on one thread per {@code RedisPubSub}; a
 * handler that throws is logged and does not stop delivery. Thread safe.
 */
public interface RedisPubSub extends AutoCloseable {

    /** Pub/sub over a connector, which the caller keeps open while this is used. */
    static RedisPubSub create(RedisConnector connector) {
        Objects.requireNonNull(connector, "connector");
        return new PubSubImpl(Connector.of(connector));
    }

    /**
     * Publishes a message. Never throws for Redis failures: the stage completes with the number of
     * subscribers that received it, or exceptionally if Redis could not be reached.
     *
     * @throws IllegalArgumentException if the channel is blank or the codec cannot encode the message
     */
    <T> CompletionStage<Long> publish(String channel, T message, ValueCodec<T> codec);

    /** Calls {@code handler} with every message published on {@code channel}. */
    <T> Subscription subscribe(String channel, ValueCodec<T> codec, Consumer<? super T> handler);

    /**
     * Calls {@code handler} with the channel and message of every message published on a channel
     * matching the glob {@code pattern}.
     */
    <T> Subscription psubscribe(String pattern, ValueCodec<T> codec, BiConsumer<String, ? super T> handler);

    /** Unsubscribes everything and stops the delivery thread; the connector stays open. */
    @Override
    void close();
}

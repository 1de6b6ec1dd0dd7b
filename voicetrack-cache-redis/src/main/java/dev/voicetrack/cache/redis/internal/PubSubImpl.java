package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.redis.RedisPubSub;
import dev.voicetrack.cache.redis.Subscription;
import dev.voicetrack.cache.redis.ValueCodec;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pub/sub on the connector's pub/sub connection. Registrations live here; they are (re)issued to the
 * server whenever a pub/sub connection appears and shortly after every reconnect, because Lettuce only
 * renews subscriptions that the server had confirmed. SUBSCRIBE is idempotent, so repeating it is
 * harmless.
 */
public final class PubSubImpl implements RedisPubSub {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubImpl.class);

    private final Connector connector;
    private final String prefix;
    private final ScheduledExecutorService delivery;
    private final Map<String, List<BiConsumer<String, byte[]>>> channels = new ConcurrentHashMap<>();
    private final Map<String, List<BiConsumer<String, byte[]>>> patterns = new ConcurrentHashMap<>();
    private final Set<StatefulRedisPubSubConnection<String, byte[]>> attached = ConcurrentHashMap.newKeySet();
    private volatile @Nullable StatefulRedisPubSubConnection<String, byte[]> connection;
    private volatile boolean closed;

    public PubSubImpl(Connector connector) {
        this.connector = connector;
        this.prefix = connector.config().keyPrefix();
        this.delivery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voicetrack-redis-pubsub");
            t.setDaemon(true);
            return t;
        });
        connector.onPubSubConnection(this::attach);
        connector.onReconnect(() -> {
            if (closed) {
                return;
            }
            try {
                for (long delay : new long[] {50, 500, 2000}) {
                    delivery.schedule(this::resubscribeAll, delay, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        });
    }

    private void attach(StatefulRedisPubSubConnection<String, byte[]> ps) {
        if (closed || !attached.add(ps)) {
            return;
        }
        ps.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                deliver(channels.get(channel), channel, message);
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                deliver(patterns.get(pattern), channel, message);
            }
        });
        connection = ps;
        resubscribeAll();
    }

    private void deliver(@Nullable List<BiConsumer<String, byte[]>> handlers, String channel, byte[] message) {
        if (handlers == null || handlers.isEmpty() || closed) {
            return;
        }
        String name = channel.startsWith(prefix) ? channel.substring(prefix.length()) : channel;
        try {
            delivery.execute(() -> {
                for (BiConsumer<String, byte[]> h : handlers) {
                    try {
                        h.accept(name, message);
                    } catch (RuntimeException e) {
                        LOG.warn("pub/sub handler for '" + name + "' failed", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void resubscribeAll() {
        var ps = connection;
        if (ps == null || closed || !ps.isOpen()) {
            return;
        }
        try {
            if (!channels.isEmpty()) {
                ps.async().subscribe(channels.keySet().toArray(String[]::new));
            }
            if (!patterns.isEmpty()) {
                ps.async().psubscribe(patterns.keySet().toArray(String[]::new));
            }
        } catch (RedisException e) {
            connector.failure(e);
        }
    }

    private static String checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank, was '" + name + "'");
        }
        return name;
    }

    @Override
    public <T> CompletionStage<Long> publish(String channel, T message, ValueCodec<T> codec) {
        checkName("channel", channel);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        byte[] bytes = codec.encode(message);
        var async = connector.async();
        if (async.isEmpty() || !connector.usable()) {
            return CompletableFuture.failedFuture(new RedisException("Redis is not connected"));
        }
        try {
            return async.get().publish(prefix + channel, bytes);
        } catch (RedisException e) {
            connector.failure(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Publishes without asking whether Redis is in use: for a connector's resume checks and reconnect
     * callbacks, which run just before callers may use Redis again. Never blocks.
     */
    <T> CompletionStage<Long> publishNow(String channel, T message, ValueCodec<T> codec) {
        var async = connector.async();
        if (async.isEmpty()) {
            return CompletableFuture.failedFuture(new RedisException("Redis is not connected"));
        }
        try {
            return async.get().publish(prefix + channel, codec.encode(message));
        } catch (RedisException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <T> Subscription subscribe(String channel, ValueCodec<T> codec, Consumer<? super T> handler) {
        checkName("channel", channel);
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(handler, "handler");
        BiConsumer<String, byte[]> h = (name, bytes) -> handler.accept(codec.decode(bytes));
        return register(channels, prefix + channel, h, false);
    }

    @Override
    public <T> Subscription psubscribe(String pattern, ValueCodec<T> codec, BiConsumer<String, ? super T> handler) {
        KeyPattern.compile(checkName("pattern", pattern));
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(handler, "handler");
        BiConsumer<String, byte[]> h = (name, bytes) -> handler.accept(name, codec.decode(bytes));
        return register(patterns, KeyPattern.escape(prefix) + pattern, h, true);
    }

    private Subscription register(
            Map<String, List<BiConsumer<String, byte[]>>> registry,
            String name,
            BiConsumer<String, byte[]> handler,
            boolean pattern) {
        if (closed) {
            throw new IllegalStateException("pub/sub is closed");
        }
        boolean[] first = {false};
        registry.compute(name, (k, list) -> {
            if (list == null) {
                list = new CopyOnWriteArrayList<>();
                first[0] = true;
            }
            list.add(handler);
            return list;
        });
        var ps = connection;
        if (first[0] && ps != null && ps.isOpen()) {
            try {
                if (pattern) {
                    ps.async().psubscribe(name);
                } else {
                    ps.async().subscribe(name);
                }
            } catch (RedisException e) {
                connector.failure(e); // renewed after the reconnect
            }
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            boolean[] last = {false};
            registry.computeIfPresent(name, (k, list) -> {
                list.remove(handler);
                last[0] = list.isEmpty();
                return list.isEmpty() ? null : list;
            });
            var c = connection;
            if (last[0] && c != null && c.isOpen()) {
                try {
                    if (pattern) {
                        c.async().punsubscribe(name);
                    } else {
                        c.async().unsubscribe(name);
                    }
                } catch (RedisException e) {
                    connector.failure(e);
                }
            }
        };
    }

    /** Whether the pub/sub connection is open. */
    public boolean connected() {
        var c = connection;
        return c != null && c.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        var c = connection;
        if (c != null && c.isOpen()) {
            try {
                if (!channels.isEmpty()) {
                    c.async().unsubscribe(channels.keySet().toArray(String[]::new));
                }
                if (!patterns.isEmpty()) {
                    c.async().punsubscribe(patterns.keySet().toArray(String[]::new));
                }
            } catch (RedisException e) {
                LOG.debug("unsubscribe on close failed", e);
            }
        }
        channels.clear();
        patterns.clear();
        delivery.shutdownNow();
    }
}

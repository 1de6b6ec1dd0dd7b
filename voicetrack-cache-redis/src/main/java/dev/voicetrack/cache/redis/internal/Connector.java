package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisHealth;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link RedisConnector}.
 *
 * <h2>Connection life cycle</h2>
 *
 * Lettuce reconnects by itself only after a first successful connect, so the start-up attempt is made
 * here, bounded by the connect timeout; when it fails, {@link #scheduleRetry} tries again with an
 * exponential backoff until it succeeds or the connector is closed. From then on Lettuce's own
 * reconnect (with the same backoff, through {@link ClientResources}) takes over. Commands are never
 * queued while disconnected ({@code REJECT_COMMANDS}) and always carry a timeout, so callers see a
 * {@link io.lettuce.core.RedisException} quickly and fall back to their in-process path.
 *
 * <h2>A hung server</h2>
 *
 * A server that keeps its connections open but stops answering ({@code CLIENT PAUSE}, SIGSTOP, a
 * swapping host) raises no connection event, so Lettuce keeps sending to it and every call would wait
 * the full command timeout. The first command that times out (reported through {@link
 * #failure(Throwable)}) therefore makes the connector <em>bypass</em> Redis: {@link #usable()} answers
 * false, so every caller goes to its in-process fallback without a round trip, and {@link #health()}
 * reports Redis unhealthy. A {@code PING} bounded by the command timeout is sent every {@code
 * timeoutBackoff} from the connector's own thread; the first one answered ends the bypass after the
 * {@link #beforeResume} checks (caches send Redis the invalidations it missed) and the reconnect
 * callbacks (which drop what the fallbacks hold, as after a reconnect).
 *
 * <h2>Health</h2>
 *
 * {@link #health()} is assembled from connection events (the state listener) and from the outcome of
 * commands reported by callers through {@link #success()} and {@link #failure(Throwable)}.
 */
public final class Connector implements RedisConnector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisCacheConfig config;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final ScheduledExecutorService scheduler;
    private final @Nullable DirectPool direct;
    private final List<Runnable> reconnectCallbacks = new CopyOnWriteArrayList<>();
    private final List<Runnable> lossCallbacks = new CopyOnWriteArrayList<>();
    private final List<Runnable> resumeChecks = new CopyOnWriteArrayList<>();
    private final List<Consumer<StatefulRedisPubSubConnection<String, byte[]>>> pubSubReady =
            new CopyOnWriteArrayList<>();
    private final AtomicInteger retryAttempt = new AtomicInteger();

    private volatile @Nullable StatefulConnection<String, byte[]> connection;
    private volatile @Nullable RedisClusterCommands<String, byte[]> sync;
    private volatile @Nullable RedisClusterAsyncCommands<String, byte[]> async;
    private volatile @Nullable StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile boolean closed;
    /** Set after a command timed out, until a background PING is answered; see the class comment. */
    private volatile boolean bypassed;

    private final Object stateLock = new Object();
    private boolean initialized;
    private boolean connected;
    private boolean lostSinceLastConnect;
    private boolean commandFailing;
    private @Nullable String lastError;
    private Instant since;

    private Connector(RedisCacheConfig config) {
        this.config = config;
        this.since = config.clock().instant();
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(
                        config.reconnectMinDelay(), config.reconnectMaxDelay(), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket =
                SocketOptions.builder().connectTimeout(config.connectTimeout()).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
        SslOptions ssl = config.trustedCertificates()
                .map(pem -> SslOptions.builder()
                        .jdkSslProvider()
                        .trustManager(pem.toFile())
                        .build())
                .orElseGet(() -> SslOptions.builder().build());
        if (config.cluster()) {
            List<RedisURI> uris = config.urls().stream().map(this::uri).toList();
            RedisClusterClient c = RedisClusterClient.create(resources, uris);
            c.setOptions(ClusterClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    .socketOptions(socket)
                    .sslOptions(ssl)
                    .autoReconnect(true)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(resources, uri(config.urls().get(0)));
            c.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    .socketOptions(socket)
                    .sslOptions(ssl)
                    .autoReconnect(true)
                    .build());
            this.client = c;
        }
        this.direct = config.cluster() || config.directConnections() == 0
                ? null
                : DirectConnection.Endpoint.of(
                                uri(config.urls().get(0)), config.connectTimeout(), config.commandTimeout())
                        .map(endpoint -> new DirectPool(endpoint, config.directConnections()))
                        .orElse(null);
        if (direct != null) {
            // After a loss, old sockets may point at a server that is gone or was restarted.
            lossCallbacks.add(direct::reset);
            reconnectCallbacks.add(direct::reset);
        }
        client.addListener(new StateListener());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "voicetrack-redis-connector");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates a connector and makes the first connection attempt. */
    public static Connector open(RedisCacheConfig config) {
        Connector c = new Connector(config);
        if (!c.tryConnect()) {
            c.scheduleRetry();
        }
        return c;
    }

    /** The connector behind a public {@link RedisConnector}. */
    public static Connector of(RedisConnector connector) {
        if (connector instanceof Connector c) {
            return c;
        }
        throw new IllegalArgumentException("connector must come from RedisConnector.connect, was " + connector);
    }

    private RedisURI uri(String url) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(config.commandTimeout());
        return uri;
    }

    private boolean tryConnect() {
        if (closed) {
            return true;
        }
        StatefulConnection<String, byte[]> conn = null;
        try {
            StatefulRedisPubSubConnection<String, byte[]> ps;
            if (client instanceof RedisClusterClient cc) {
                StatefulRedisClusterConnection<String, byte[]> c = cc.connect(CODEC);
                conn = c;
                ps = cc.connectPubSub(CODEC);
                this.sync = c.sync();
                this.async = c.async();
            } else {
                RedisClient rc = (RedisClient) client;
                StatefulRedisConnection<String, byte[]> c = rc.connect(CODEC);
                conn = c;
                ps = rc.connectPubSub(CODEC);
                this.sync = c.sync();
                this.async = c.async();
            }
            this.connection = conn;
            this.pubSub = ps;
            boolean wasStartupFailure;
            synchronized (stateLock) {
                wasStartupFailure = !initialized && lastError != null;
                initialized = true;
                connected = true;
                commandFailing = false;
                lastError = null;
                since = config.clock().instant();
            }
            for (var listener : pubSubReady) {
                listener.accept(ps);
            }
            if (wasStartupFailure) {
                fireReconnect();
            }
            return true;
        } catch (RuntimeException e) {
            if (conn != null) {
                conn.closeAsync();
            }
            noteError(e, true);
            return false;
        }
    }

    private void scheduleRetry() {
        if (closed) {
            return;
        }
        int attempt = retryAttempt.getAndIncrement();
        long min = config.reconnectMinDelay().toMillis();
        long delay = Math.min(config.reconnectMaxDelay().toMillis(), min << Math.min(attempt, 20));
        scheduler.schedule(
                () -> {
                    if (!tryConnect()) {
                        scheduleRetry();
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public RedisCacheConfig config() {
        return config;
    }

    @Override
    public RedisHealth health() {
        synchronized (stateLock) {
            boolean up = connected && connection != null && connection.isOpen();
            return new RedisHealth(
                    initialized, up, up && !commandFailing && !bypassed, Optional.ofNullable(lastError), since);
        }
    }

    @Override
    public boolean awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!health().connected()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void onReconnect(Runnable callback) {
        reconnectCallbacks.add(java.util.Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Runs {@code callback} whenever a connection is seen lost (on Lettuce's event thread; it must not
     * block). Lettuce may deliver that event late, even after the connection is open again, so a
     * caller must also treat {@link #usable()} going false as a loss.
     */
    public void onLoss(Runnable callback) {
        lossCallbacks.add(java.util.Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Runs {@code check} on the connector's thread when a bypassed Redis answers its probe again,
     * before any caller can use Redis: it may send commands through {@link #sync()} (each bounded by
     * the command timeout). A check that throws keeps Redis bypassed until the next probe, when every
     * check runs again.
     */
    public void beforeResume(Runnable check) {
        resumeChecks.add(java.util.Objects.requireNonNull(check, "check"));
    }

    /** Runs {@code listener} with the pub/sub connection now (if there is one) and whenever one is made. */
    public void onPubSubConnection(Consumer<StatefulRedisPubSubConnection<String, byte[]>> listener) {
        pubSubReady.add(listener);
        var ps = pubSub;
        if (ps != null) {
            listener.accept(ps);
        }
    }

    /** The synchronous commands, if a connection was ever established. */
    public Optional<RedisClusterCommands<String, byte[]>> sync() {
        return Optional.ofNullable(sync);
    }

    /** The asynchronous commands, if a connection was ever established. */
    public Optional<RedisClusterAsyncCommands<String, byte[]>> async() {
        return Optional.ofNullable(async);
    }

    /**
     * The blocking connections for single-key cache commands, or null when there are none (a cluster,
     * TLS, or turned off); see {@link RedisCacheConfig.Builder#directConnections}.
     */
    @Nullable
    DirectPool direct() {
        return direct;
    }

    /** The pub/sub connection, if one was ever established. */
    public Optional<StatefulRedisPubSubConnection<String, byte[]>> pubSub() {
        return Optional.ofNullable(pubSub);
    }

    /** The cluster connection, when connected to a cluster. */
    public Optional<StatefulRedisClusterConnection<String, byte[]>> clusterConnection() {
        return connection instanceof StatefulRedisClusterConnection<String, byte[]> c
                ? Optional.of(c)
                : Optional.empty();
    }

    /**
     * Whether commands can be sent now (a fast local check, no round trip): connected, and not
     * bypassed after a timeout.
     */
    public boolean usable() {
        var c = connection;
        return !closed && !bypassed && c != null && c.isOpen();
    }

    /** Whether Redis is bypassed after a command timed out (for tests and health pages). */
    public boolean bypassed() {
        return bypassed;
    }

    public boolean isCluster() {
        return config.cluster();
    }

    /**
     * Records that a command succeeded. While Redis is bypassed this changes nothing: a late answer to
     * a command sent before the bypass does not end it, the probe does.
     */
    public void success() {
        if (commandFailing && !bypassed) {
            boolean recovered = false;
            synchronized (stateLock) {
                if (commandFailing) {
                    commandFailing = false;
                    lastError = null;
                    since = config.clock().instant();
                    recovered = true;
                }
            }
            if (recovered) {
                // Commands failed in between, so callers used their fallbacks: treat it as a reconnect.
                fireReconnect();
            }
        }
    }

    /** Records that a command failed; a timeout starts bypassing Redis (see the class comment). */
    public void failure(Throwable e) {
        noteError(e, false);
        if (isTimeout(e)) {
            bypass();
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void bypass() {
        synchronized (stateLock) {
            if (bypassed || closed) {
                return;
            }
            bypassed = true;
            lastError = "no answer within the command timeout ("
                    + config.commandTimeout().toMillis() + " ms): Redis is bypassed, checked every "
                    + config.timeoutBackoff().toMillis() + " ms";
        }
        LOG.warn("Redis did not answer within " + config.commandTimeout().toMillis()
                + " ms; the in-process tier serves until it answers a PING again");
        scheduleProbe();
    }

    private void scheduleProbe() {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(this::probe, config.timeoutBackoff().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** One PING while bypassed: an answer ends the bypass, anything else schedules the next probe. */
    private void probe() {
        if (closed || !bypassed) {
            return;
        }
        var a = async;
        var c = connection;
        if (a == null || c == null || !c.isOpen()) {
            scheduleProbe(); // disconnected: Lettuce reconnects; the bypass ends with the first answer
            return;
        }
        try {
            a.ping().toCompletableFuture().get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            scheduleProbe();
            return;
        }
        try {
            for (Runnable check : resumeChecks) {
                check.run();
            }
        } catch (RuntimeException e) {
            noteError(e, false);
            scheduleProbe();
            return;
        }
        synchronized (stateLock) {
            commandFailing = false;
            lastError = null;
            since = config.clock().instant();
        }
        // As after a reconnect, the callbacks run before callers can see Redis in use again.
        fireReconnect();
        bypassed = false;
        LOG.info("Redis answers again; back in use");
    }

    private void noteError(Throwable e, boolean connecting) {
        synchronized (stateLock) {
            boolean wasHealthy = connected && !commandFailing;
            lastError = (connecting ? "connect: " : "") + e.getClass().getSimpleName() + ": " + e.getMessage();
            commandFailing = true;
            if (wasHealthy || !initialized && connecting && retryAttempt.get() == 0) {
                since = config.clock().instant();
            }
        }
        LOG.debug("redis error", e);
    }

    private void fireReconnect() {
        fire(reconnectCallbacks, "reconnect");
    }

    private static void fire(List<Runnable> callbacks, String what) {
        for (Runnable r : callbacks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn(what + " callback failed", e);
            }
        }
    }

    /**
     * Closes the connections and the client, once: a second call returns at once, as Lettuce warns
     * ("Connection is already closed") for every connection closed again.
     */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        if (direct != null) {
            direct.close();
        }
        var ps = pubSub;
        if (ps != null) {
            ps.close();
        }
        var c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            connected();
        }

        private void connected() {
            boolean reconnected;
            synchronized (stateLock) {
                reconnected = lostSinceLastConnect && initialized;
                lostSinceLastConnect = false;
            }
            // Callbacks run before the state says "connected", so that nobody who sees the connection
            // back can still see what the callbacks are about to drop.
            if (reconnected) {
                fireReconnect();
            }
            synchronized (stateLock) {
                if (initialized && !connected) {
                    connected = true;
                    commandFailing = false;
                    lastError = null;
                    since = config.clock().instant();
                }
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (closed) {
                return;
            }
            synchronized (stateLock) {
                lostSinceLastConnect = true;
                if (connected) {
                    connected = false;
                    lastError = "connection lost";
                    since = config.clock().instant();
                }
            }
            fire(lossCallbacks, "connection-loss");
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> handler, Throwable cause) {
            noteError(cause, false);
        }
    }
}

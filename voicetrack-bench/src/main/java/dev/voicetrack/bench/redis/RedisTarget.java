package dev.voicetrack.bench.redis;

import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Redis server a benchmark fork talks to: the one on {@code 127.0.0.1:<redisPort>} that {@code
 * run-redis-bench.sh} started (so that every fork and {@code redis-benchmark} use the same server),
 * or, when the port is 0 (a benchmark run by hand without the script), a private server of the
 * testkit's {@link RedisServer}, started for the fork and stopped with it. The shared server on port
 * 6379 is refused.
 *
 * <p>{@link #rawClient()} opens the baseline: a plain Lettuce client with the settings the Redis
 * cache's connector uses (same client resources, command timeout, connect timeout, disconnected
 * behaviour, String keys and byte[] values), so the only difference measured is what the cache does.
 */
final class RedisTarget implements AutoCloseable {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String url;
    private final @Nullable RedisServer ownServer;
    private final RedisCacheConfig defaults;

    private RedisTarget(String url, @Nullable RedisServer ownServer) {
        this.url = url;
        this.ownServer = ownServer;
        this.defaults = RedisCacheConfig.builder().url(url).build();
    }

    /**
     * The server on {@code port}, or a private one when {@code port} is 0.
     *
     * @throws IllegalArgumentException if {@code port} is 6379 or out of range
     */
    static RedisTarget open(int port) {
        if (port == RedisServer.SHARED_PORT) {
            throw new IllegalArgumentException("redisPort must not be the shared server's " + RedisServer.SHARED_PORT
                    + "; run-redis-bench.sh starts a private one, was " + port);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("redisPort must be 0 (start a private server) or a port, was " + port);
        }
        if (port == 0) {
            RedisServer server = RedisServer.start();
            return new RedisTarget(server.url(), server);
        }
        return new RedisTarget("redis://127.0.0.1:" + port, null);
    }

    /** The cache's Redis settings: this server, the given prefix, every other setting at its default. */
    RedisCacheConfig cacheConfig(String keyPrefix) {
        return RedisCacheConfig.builder().url(url).keyPrefix(keyPrefix).build();
    }

    /** A raw Lettuce client and connection configured as the cache's connector configures its own. */
    RawClient rawClient() {
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(
                        defaults.reconnectMinDelay(), defaults.reconnectMaxDelay(), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(defaults.commandTimeout());
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(defaults.commandTimeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(defaults.connectTimeout())
                        .build())
                .autoReconnect(true)
                .build());
        return new RawClient(resources, client, client.connect(CODEC));
    }

    @Override
    public void close() {
        if (ownServer != null) {
            ownServer.close();
        }
    }

    /** A plain Lettuce connection; {@link #sync} is the command interface the benchmarks call. */
    static final class RawClient implements AutoCloseable {
        private final ClientResources resources;
        private final RedisClient client;
        private final StatefulRedisConnection<String, byte[]> connection;
        final RedisCommands<String, byte[]> sync;

        RawClient(ClientResources resources, RedisClient client, StatefulRedisConnection<String, byte[]> connection) {
            this.resources = resources;
            this.client = client;
            this.connection = connection;
            this.sync = connection.sync();
        }

        /** How many times the server has run EVALSHA since start (the cache's reads are scripts). */
        long evalshaCalls() {
            String info = sync.info("commandstats");
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:calls=")) {
                    int end = line.indexOf(',');
                    return Long.parseLong(line.substring("cmdstat_evalsha:calls=".length(), end));
                }
            }
            return 0;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
            resources.shutdown();
        }
    }
}

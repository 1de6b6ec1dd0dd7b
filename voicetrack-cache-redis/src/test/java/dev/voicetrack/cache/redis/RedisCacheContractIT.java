package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.testkit.cache.CacheContractTest;
import dev.voicetrack.testkit.cache.LeakyValue;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cache contract suite against {@link RedisCache} on a real redis-server. Time passes through
 * {@link RedisTime} (remaining TTLs are shortened on the server), so no test sleeps.
 */
class RedisCacheContractIT extends CacheContractTest {

    static final String ROOT = "c:";
    static RedisServer server;

    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
        client = RedisClient.create(server.url());
        connection = client.connect();
    }

    @AfterAll
    static void stopServer() {
        connection.close();
        client.shutdown();
        server.close();
    }

    /** The Redis settings of a cache; the default ones, so gets and puts use direct connections. */
    protected RedisCacheConfig.Builder redisFor(CacheConfig config) {
        return RedisCacheConfig.builder().url(server.url()).keyPrefix(ROOT);
    }

    @Override
    protected Cache<TestValue> newCache(CacheConfig config) {
        return RedisCache.create(redisFor(config).build(), config, JacksonCodec.of(TestValue.class));
    }

    @Override
    protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
        return RedisCache.create(redisFor(config).build(), config, JacksonCodec.of(LeakyValue.class));
    }

    @Override
    protected void advance(Duration duration) {
        super.advance(duration);
        RedisTime.pass(connection.sync(), ROOT, duration);
    }

    @Override
    protected Duration timingSlack() {
        return Duration.ofMillis(500);
    }
}

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
 * The cache contract suite against the two-tier cache on a real redis-server: the in-process tier
 * runs on the suite's manual ticker and Redis on {@link RedisTime}, and both move together.
 */
class TwoTierCacheContractIT extends CacheContractTest {

    static final String ROOT = "tt:";
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

    private static RedisCacheConfig redisFor(CacheConfig config) {
        return RedisCacheConfig.builder().url(server.url()).keyPrefix(ROOT).build();
    }

    @Override
    protected Cache<TestValue> newCache(CacheConfig config) {
        return TwoTierCache.create(redisFor(config), config, JacksonCodec.of(TestValue.class));
    }

    @Override
    protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
        return TwoTierCache.create(redisFor(config), config, JacksonCodec.of(LeakyValue.class));
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

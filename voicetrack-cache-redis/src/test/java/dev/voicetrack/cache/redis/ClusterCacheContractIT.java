package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.testkit.cache.CacheContractTest;
import dev.voicetrack.testkit.cache.LeakyValue;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cache contract suite against {@link RedisCache} on a real three-master Redis Cluster. Each
 * cache's prefix carries a hash tag ({@code {c-7}:}), which keeps a cache in one slot: the layout
 * whose size, bounds and expirations are exact. {@link RedisClusterIT} covers caches spread over all
 * slots.
 */
class ClusterCacheContractIT extends CacheContractTest {

    static RedisCluster cluster;
    static RedisClusterClient client;
    static StatefulRedisClusterConnection<String, String> connection;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
        client = RedisClusterClient.create(
                cluster.urls().stream().map(RedisURI::create).toList());
        connection = client.connect();
    }

    @AfterAll
    static void stopCluster() {
        connection.close();
        client.shutdown();
        cluster.close();
    }

    private static RedisCacheConfig redisFor(CacheConfig config) {
        return RedisCacheConfig.builder()
                .clusterUrls(cluster.urls())
                .keyPrefix("{" + config.name() + "}:")
                .build();
    }

    @Override
    protected Cache<TestValue> newCache(CacheConfig config) {
        return RedisCache.create(redisFor(config), config, JacksonCodec.of(TestValue.class));
    }

    @Override
    protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
        return RedisCache.create(redisFor(config), config, JacksonCodec.of(LeakyValue.class));
    }

    @Override
    protected void advance(Duration duration) {
        super.advance(duration);
        RedisTime.pass(connection.sync(), "{", duration);
    }

    @Override
    protected Duration timingSlack() {
        return Duration.ofMillis(500);
    }
}

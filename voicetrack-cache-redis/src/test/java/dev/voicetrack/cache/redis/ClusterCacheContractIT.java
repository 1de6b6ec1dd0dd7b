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
 * The cache contract suite against {@link RedisCache} on a real three-master Redis Cluster. Every
 * cache of the suite has an entry bound, so it keeps to one slot ({@code cc:{contract-7}:}): the
 * layout whose size, bounds and expirations are exact. {@link RedisClusterIT} covers caches spread
 * over all slots.
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
                .keyPrefix("cc:")
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
        RedisTime.pass(connection.sync(), "cc:", duration);
    }

    @Override
    protected Duration timingSlack() {
        return Duration.ofMillis(500);
    }
}

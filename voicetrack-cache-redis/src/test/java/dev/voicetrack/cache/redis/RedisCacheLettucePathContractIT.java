package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.CacheConfig;

/**
 * The cache contract suite on a standalone server with direct connections turned off, so that gets
 * and puts go over Lettuce as they do when all direct connections are busy.
 */
class RedisCacheLettucePathContractIT extends RedisCacheContractIT {

    @Override
    protected RedisCacheConfig.Builder redisFor(CacheConfig config) {
        return super.redisFor(config).directConnections(0);
    }
}

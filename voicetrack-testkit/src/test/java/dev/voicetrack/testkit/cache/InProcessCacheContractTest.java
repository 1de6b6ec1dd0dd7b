package dev.voicetrack.testkit.cache;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;

/** The in-process cache, with its default immutable-value rule, against the cache contract. */
class InProcessCacheContractTest extends CacheContractTest {

    @Override
    protected Cache<TestValue> newCache(CacheConfig config) {
        return InProcessCache.create(config);
    }

    @Override
    protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
        return InProcessCache.create(config);
    }
}

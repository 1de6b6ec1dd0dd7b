package dev.voicetrack.testkit.cache;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import java.util.ArrayList;

/**
 * The in-process cache with the copying isolation rule against the cache contract: mutable values are
 * accepted and copied, which takes the other branch of the isolation tests.
 */
class InProcessCopyingCacheContractTest extends CacheContractTest {

    @Override
    protected boolean acceptsMutableValues() {
        return true;
    }

    @Override
    protected Cache<TestValue> newCache(CacheConfig config) {
        return InProcessCache.create(
                config, ValueIsolation.copying(v -> new TestValue(v.name(), v.count(), v.items())));
    }

    @Override
    protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
        return InProcessCache.create(
                config, ValueIsolation.copying(v -> new LeakyValue(v.name(), new ArrayList<>(v.items()))));
    }
}

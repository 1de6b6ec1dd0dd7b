package dev.voicetrack.cache.spring;

import dev.voicetrack.cache.CacheConfig;

/** The Spring contract on in-process caches. */
class InProcessSpringCacheTest extends SpringCacheContract {

    @Override
    protected VoiceTrackCacheManager newManager() {
        return VoiceTrackCacheManager.inProcess(CacheConfig.defaults());
    }
}

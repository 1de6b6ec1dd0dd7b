package dev.voicetrack.cache.jcache;

import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * The other process of {@link RemoteListenersIT}: creates, updates and removes one entry of a Redis
 * cache. Arguments: Redis URL, key prefix, cache name.
 */
public final class RemoteWriterMain {

    private RemoteWriterMain() {}

    public static void main(String[] args) {
        var properties = new Properties();
        properties.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, args[1]);
        try (CacheManager manager = new VoiceTrackCachingProvider()
                .getCacheManager(URI.create(args[0]), RemoteWriterMain.class.getClassLoader(), properties)) {
            Cache<String, String> cache = manager.createCache(
                    args[2], new MutableConfiguration<String, String>().setTypes(String.class, String.class));
            cache.put("k", "v1");
            cache.put("k", "v2");
            cache.remove("k");
        }
    }
}

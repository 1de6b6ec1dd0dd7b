package dev.voicetrack.cache.jcache;

import dev.voicetrack.testkit.redis.RedisServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Puts the TCK's caches in Redis: when the system property {@value #SWITCH} is {@code true} (the
 * build's {@code tck-redis} run), starts an own redis-server before any test and makes it the
 * default cache manager's URI ({@link VoiceTrackCachingProvider#DEFAULT_URI_PROPERTY}), so the TCK,
 * which only ever asks {@code Caching.getCachingProvider().getCacheManager()}, runs against Redis.
 * Does nothing otherwise.
 */
public final class RedisTckSession implements LauncherSessionListener {

    /** The system property that turns the Redis run on. */
    public static final String SWITCH = "voicetrack.jcache.tck.redis";

    private RedisServer server;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean(SWITCH)) {
            server = RedisServer.start();
            System.setProperty(VoiceTrackCachingProvider.DEFAULT_URI_PROPERTY, server.url());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (server != null) {
            System.clearProperty(VoiceTrackCachingProvider.DEFAULT_URI_PROPERTY);
            server.close();
            server = null;
        }
    }
}

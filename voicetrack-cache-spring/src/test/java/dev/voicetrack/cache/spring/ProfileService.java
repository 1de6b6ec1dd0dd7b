package dev.voicetrack.cache.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** A service cached with Spring's annotations and VoiceTrack's tags, as an application writes it. */
public class ProfileService {

    record Profile(long guildId, long userId, String name) implements java.io.Serializable {}

    private final AtomicInteger loads = new AtomicInteger();

    /** How many times a value was computed (a method, so that it reaches the target through the proxy). */
    public int loads() {
        return loads.get();
    }

    @Cacheable(cacheNames = "profiles", key = "'profile:' + #p0 + ':' + #p1")
    @CacheTags("'guild:' + #p0")
    public Profile profile(long guildId, long userId) {
        loads.incrementAndGet();
        return new Profile(guildId, userId, "user" + userId);
    }

    @Cacheable(cacheNames = "profiles", key = "'missing:' + #p0")
    public Profile missing(long userId) {
        loads.incrementAndGet();
        return null;
    }

    @CachePut(cacheNames = "profiles", key = "'profile:' + #p0.guildId() + ':' + #p0.userId()")
    @CacheTags("'guild:' + #p0.guildId()")
    public Profile save(Profile profile) {
        return profile;
    }

    @CacheEvict(cacheNames = "profiles", key = "'profile:' + #p0 + ':' + #p1")
    public void delete(long guildId, long userId) {}

    @CacheEvict(cacheNames = "profiles", allEntries = true)
    public void deleteAll() {}

    @EvictTags("'guild:' + #p0")
    public void guildChanged(long guildId) {}
}

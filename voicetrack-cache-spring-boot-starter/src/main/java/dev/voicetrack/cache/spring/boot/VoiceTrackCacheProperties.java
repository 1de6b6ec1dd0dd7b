package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.CacheConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code voicetrack.cache.*} settings of the auto-configured caches. Unset values keep the
 * toolkit's defaults ({@link CacheConfig}).
 */
@ConfigurationProperties("voicetrack.cache")
public class VoiceTrackCacheProperties {

    /** Where the caches live. */
    public enum Type {
        /** In this process, on Caffeine. */
        IN_PROCESS,
        /** In Redis, at {@code redis-url}. */
        REDIS,
        /** An in-process tier in front of Redis, invalidated across processes over pub/sub. */
        TWO_TIER
    }

    /** Where the caches live; default in process. */
    private Type type = Type.IN_PROCESS;

    /** The Redis URL for the redis and two-tier types ({@code redis://host:6379}). */
    private @Nullable String redisUrl;

    /** The prefix of the caches' Redis keys; default the toolkit's ({@code vt:}). */
    private @Nullable String keyPrefix;

    /** The TTL of entries; default 5 minutes. */
    private @Nullable Duration defaultTtl;

    /** The maximum number of entries per cache; default 10,000. */
    private @Nullable Long maximumEntries;

    /** The maximum estimated size per cache, in mebibytes; no bound by default. */
    private @Nullable Long maximumMegabytes;

    /** Caches to create at start (others are created when first asked for). */
    private List<String> cacheNames = new ArrayList<>();

    /** The configuration of the cache named {@code name}, from these settings. */
    public CacheConfig cacheConfig(String name) {
        CacheConfig.Builder b = CacheConfig.builder().name(name);
        if (defaultTtl != null) {
            b.defaultTtl(defaultTtl);
        }
        if (maximumEntries != null) {
            b.maximumEntries(maximumEntries);
        }
        if (maximumMegabytes != null) {
            b.maximumMegabytes(maximumMegabytes);
        }
        return b.build();
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public @Nullable String getRedisUrl() {
        return redisUrl;
    }

    public void setRedisUrl(@Nullable String redisUrl) {
        this.redisUrl = redisUrl;
    }

    public @Nullable String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public @Nullable Duration getDefaultTtl() {
        return defaultTtl;
    }

    public void setDefaultTtl(@Nullable Duration defaultTtl) {
        this.defaultTtl = defaultTtl;
    }

    public @Nullable Long getMaximumEntries() {
        return maximumEntries;
    }

    public void setMaximumEntries(@Nullable Long maximumEntries) {
        this.maximumEntries = maximumEntries;
    }

    public @Nullable Long getMaximumMegabytes() {
        return maximumMegabytes;
    }

    public void setMaximumMegabytes(@Nullable Long maximumMegabytes) {
        this.maximumMegabytes = maximumMegabytes;
    }

    public List<String> getCacheNames() {
        return cacheNames;
    }

    public void setCacheNames(List<String> cacheNames) {
        this.cacheNames = cacheNames;
    }
}

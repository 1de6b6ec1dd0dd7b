package dev.voicetrack.cache.jcache;

import dev.voicetrack.cache.CacheConfig;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A JCache configuration with the VoiceTrack cache's own settings on top of the standard ones: entry
 * and byte bounds, named TTL tiers, the ticker, Redis (URL, two tiers), and tags derived from each
 * entry, so that {@code
 * cache.unwrap(dev.voicetrack.cache.Cache.class).invalidateByTag(...)} reaches entries written
 * through JCache. Everything {@link MutableConfiguration} offers (expiry, read-through, write-through,
 * listeners, store-by-value, statistics, management) works as usual.
 *
 * <p>Without this class, a {@link MutableConfiguration} gives an unbounded cache, as the JCache
 * specification expects. Not thread safe while being built; a cache copies it when it is created.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class VoiceTrackConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    /** Gives the tags an entry carries, from its key and value; must be thread safe. */
    @FunctionalInterface
    public interface Tagger<K, V> extends Serializable {
        /** The tags of the entry; an empty set for none. */
        Set<String> tagsOf(K key, V value);
    }

    private transient @Nullable CacheConfig cacheConfig;
    private @Nullable Tagger<K, V> tagger;
    private @Nullable String redisUrl;
    private boolean twoTier;

    /** A configuration with the JCache defaults and an unbounded in-process cache. */
    public VoiceTrackConfiguration() {}

    /** A copy of a standard configuration, with the VoiceTrack settings at their defaults. */
    public VoiceTrackConfiguration(CompleteConfiguration<K, V> configuration) {
        super(configuration);
        if (configuration instanceof VoiceTrackConfiguration<K, V> vt) {
            this.cacheConfig = vt.cacheConfig;
            this.tagger = vt.tagger;
            this.redisUrl = vt.redisUrl;
            this.twoTier = vt.twoTier;
        }
    }

    /**
     * The VoiceTrack cache settings: entry bound ({@link CacheConfig.Builder#maximumEntries}), byte
     * bound ({@link CacheConfig.Builder#maximumBytes}), tiers and the ticker that drives expiry. Its
     * name and default TTL are not used: the JCache cache's name and expiry policy are.
     *
     * @throws NullPointerException if {@code cacheConfig} is null
     */
    public VoiceTrackConfiguration<K, V> setCacheConfig(CacheConfig cacheConfig) {
        this.cacheConfig = Objects.requireNonNull(cacheConfig, "cacheConfig");
        return this;
    }

    /** The VoiceTrack cache settings, if set; absent means unbounded with the system ticker. */
    public Optional<CacheConfig> getCacheConfig() {
        return Optional.ofNullable(cacheConfig);
    }

    /**
     * Entries live for the TTL of a named tier of the {@link #setCacheConfig cache settings} (or of
     * {@link CacheConfig#DEFAULT_TIERS}) after they are created, as {@link CreatedExpiryPolicy} does.
     *
     * @throws IllegalArgumentException naming the tier and the known tiers, if there is no such tier
     */
    public VoiceTrackConfiguration<K, V> setTier(String tier) {
        Objects.requireNonNull(tier, "tier");
        CacheConfig config = cacheConfig != null ? cacheConfig : CacheConfig.defaults();
        long millis = config.tierTtl(tier).toMillis();
        setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, millis)));
        return this;
    }

    /**
     * Tags every entry written through JCache with what {@code tagger} returns for it.
     *
     * @throws NullPointerException if {@code tagger} is null
     */
    public VoiceTrackConfiguration<K, V> setTagger(Tagger<K, V> tagger) {
        this.tagger = Objects.requireNonNull(tagger, "tagger");
        return this;
    }

    /** The tagger, if set. */
    public Optional<Tagger<K, V>> getTagger() {
        return Optional.ofNullable(tagger);
    }

    /**
     * Keeps this cache in Redis at {@code url} ({@code redis://...}, {@code rediss://...}), whatever
     * the cache manager's URI; needs {@code voicetrack-cache-redis} on the class path. A cache on Redis
     * always stores by value.
     *
     * @throws IllegalArgumentException if {@code url} is not a redis or rediss URL
     */
    public VoiceTrackConfiguration<K, V> setRedisUrl(String url) {
        Objects.requireNonNull(url, "redisUrl");
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new IllegalArgumentException("redisUrl must start with redis:// or rediss://, was '" + url + "'");
        }
        this.redisUrl = url;
        return this;
    }

    /** The Redis URL of this cache, if set. */
    public Optional<String> getRedisUrl() {
        return Optional.ofNullable(redisUrl);
    }

    /**
     * Whether a cache on Redis keeps an in-process tier in front of it ({@code TwoTierCache}: hits
     * served in process, invalidations sent to the other processes over pub/sub). No effect on an
     * in-process cache. Default false. Every process must give a cache the same setting: a cache on
     * Redis alone publishes no invalidations, so another process's in-process tier of it would keep
     * what it overwrote or removed until the entry expires.
     */
    public VoiceTrackConfiguration<K, V> setTwoTier(boolean twoTier) {
        this.twoTier = twoTier;
        return this;
    }

    /** Whether a cache on Redis has an in-process tier in front of it. */
    public boolean isTwoTier() {
        return twoTier;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof VoiceTrackConfiguration<?, ?> other
                && super.equals(o)
                && Objects.equals(cacheConfig, other.cacheConfig)
                && Objects.equals(tagger, other.tagger)
                && Objects.equals(redisUrl, other.redisUrl)
                && twoTier == other.twoTier;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hash(cacheConfig, tagger, redisUrl, twoTier);
    }
}

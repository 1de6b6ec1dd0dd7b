package dev.voicetrack.cache;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How long an entry lives and which tags it carries. Immutable; each {@code with*} method returns a
 * new instance.
 *
 * <p>The time to live is either explicit ({@link #ttl(Duration)}), taken from a named tier of the
 * cache's configuration ({@link #tier(String)}, for example {@link CacheConfig#TIER_USER}), or, when
 * neither is given, the cache's default TTL. Tags let one call remove every entry that carries them,
 * whatever their keys: see {@link Cache#invalidateByTag}.
 */
public final class WriteOptions {

    private static final WriteOptions DEFAULTS = new WriteOptions(null, null, Set.of());

    private final @Nullable Duration ttl;
    private final @Nullable String tier;
    private final Set<String> tags;

    private WriteOptions(@Nullable Duration ttl, @Nullable String tier, Set<String> tags) {
        this.ttl = ttl;
        this.tier = tier;
        this.tags = tags;
    }

    /** The cache's default TTL and no tags. */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * An explicit time to live.
     *
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public static WriteOptions ttl(Duration ttl) {
        return DEFAULTS.withTtl(ttl);
    }

    /**
     * The time to live of a named tier of the cache's configuration. The name is checked against the
     * cache's tiers when the options are used.
     *
     * @throws IllegalArgumentException if {@code tier} is blank
     */
    public static WriteOptions tier(String tier) {
        return DEFAULTS.withTier(tier);
    }

    /** The cache's default TTL and the given tags. */
    public static WriteOptions tags(String... tags) {
        return DEFAULTS.withTags(tags);
    }

    /** These options with an explicit TTL instead of a tier. */
    public WriteOptions withTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl);
        }
        return new WriteOptions(ttl, null, tags);
    }

    /** These options with a named tier's TTL instead of an explicit one. */
    public WriteOptions withTier(String tier) {
        Objects.requireNonNull(tier, "tier");
        if (tier.isBlank()) {
            throw new IllegalArgumentException("tier must not be blank, was '" + tier + "'");
        }
        return new WriteOptions(null, tier, tags);
    }

    /** These options with the given tags added. */
    public WriteOptions withTags(String... tags) {
        Objects.requireNonNull(tags, "tags");
        return withTags(Arrays.asList(tags));
    }

    /** These options with the given tags added. */
    public WriteOptions withTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags");
        var all = new LinkedHashSet<>(this.tags);
        for (String tag : tags) {
            all.add(checkTag(tag));
        }
        return new WriteOptions(ttl, tier, Set.copyOf(all));
    }

    /** The explicit TTL, if one was given. */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** The tier name, if one was given. */
    public Optional<String> tier() {
        return Optional.ofNullable(tier);
    }

    /** The tags, never {@code null}; empty when there are none. */
    public Set<String> tags() {
        return tags;
    }

    /**
     * Checks a tag: not null, not blank.
     *
     * @return the tag
     * @throws IllegalArgumentException if the tag is blank
     */
    public static String checkTag(String tag) {
        if (tag == null) {
            throw new NullPointerException("tag must not be null");
        }
        if (tag.isBlank()) {
            throw new IllegalArgumentException("tag must not be blank, was '" + tag + "'");
        }
        return tag;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteOptions other
                && Objects.equals(ttl, other.ttl)
                && Objects.equals(tier, other.tier)
                && tags.equals(other.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, tier, tags);
    }

    @Override
    public String toString() {
        return "WriteOptions[ttl=" + ttl + ", tier=" + tier + ", tags=" + tags + "]";
    }
}

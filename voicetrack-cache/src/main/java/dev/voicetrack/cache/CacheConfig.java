package dev.voicetrack.cache;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The settings every cache implementation shares: bounds, the default TTL, named TTL tiers, the TTL
 * of remembered absences, hot-key tracking and the ticker. Immutable and thread safe; create one with
 * {@link #builder()} or change one with {@link #toBuilder()}. Every setter validates at once and names
 * the field and the rejected value.
 *
 * <p>Defaults, each documented once, here:
 *
 * <ul>
 *   <li>{@link #DEFAULT_TTL} 5 minutes, the original library's {@code ttl: 300000};
 *   <li>{@link #DEFAULT_MAXIMUM_ENTRIES} 10,000: the original's {@code maxSize} example was 1,000,
 *       which thrashes as soon as more members are active, so the bound here is ten times larger;
 *   <li>no byte bound unless {@link Builder#maximumBytes} or {@link Builder#maximumMegabytes} is set;
 *   <li>the tiers of the store-bot cache manager: {@value #TIER_CONFIG} 24 h, {@value
 *       #TIER_REFERENCE} 12 h, {@value #TIER_USER} 1 h, {@value #TIER_QUERY} 30 min;
 *   <li>{@link #DEFAULT_NEGATIVE_TTL} 30 seconds for remembered absences;
 *   <li>{@link #DEFAULT_HOT_KEY_CAPACITY} 64 keys tracked for {@link Cache#topKeys}.
 * </ul>
 */
public final class CacheConfig {

    public static final String TIER_CONFIG = "config";
    public static final String TIER_REFERENCE = "reference";
    public static final String TIER_USER = "user";
    public static final String TIER_QUERY = "query";

    public static final String DEFAULT_NAME = "default";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final long DEFAULT_MAXIMUM_ENTRIES = 10_000;
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
    public static final int DEFAULT_HOT_KEY_CAPACITY = 64;

    /** The default tiers, in order: config 24 h, reference 12 h, user 1 h, query 30 min. */
    public static final Map<String, Duration> DEFAULT_TIERS;

    static {
        var tiers = new LinkedHashMap<String, Duration>();
        tiers.put(TIER_CONFIG, Duration.ofHours(24));
        tiers.put(TIER_REFERENCE, Duration.ofHours(12));
        tiers.put(TIER_USER, Duration.ofHours(1));
        tiers.put(TIER_QUERY, Duration.ofMinutes(30));
        DEFAULT_TIERS = Collections.unmodifiableMap(tiers);
    }

    private final String name;
    private final long maximumEntries;
    private final long maximumBytes;
    private final Duration defaultTtl;
    private final Map<String, Duration> tiers;
    private final Duration negativeTtl;
    private final int hotKeyCapacity;
    private final Ticker ticker;

    private CacheConfig(Builder b) {
        this.name = b.name;
        this.maximumEntries = b.maximumEntries;
        this.maximumBytes = b.maximumBytes;
        this.defaultTtl = b.defaultTtl;
        this.tiers = Collections.unmodifiableMap(new LinkedHashMap<>(b.tiers));
        this.negativeTtl = b.negativeTtl;
        this.hotKeyCapacity = b.hotKeyCapacity;
        this.ticker = b.ticker;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration. */
    public static CacheConfig defaults() {
        return builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The cache's name, used in stats, metrics and logs, and by the Redis caches in every key ({@code
     * <prefix><name>:<key>}), so caches with different names never share entries.
     */
    public String name() {
        return name;
    }

    /** The maximum number of entries, if bounded by count. */
    public OptionalLong maximumEntries() {
        return maximumEntries > 0 ? OptionalLong.of(maximumEntries) : OptionalLong.empty();
    }

    /** The maximum estimated bytes of keys and values, if bounded by memory. */
    public OptionalLong maximumBytes() {
        return maximumBytes > 0 ? OptionalLong.of(maximumBytes) : OptionalLong.empty();
    }

    /** The TTL of entries written without an explicit TTL or tier. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** The named TTL tiers, in the order they were defined. */
    public Map<String, Duration> tiers() {
        return tiers;
    }

    /**
     * The TTL of a named tier.
     *
     * @throws IllegalArgumentException naming the tier and the known tiers, if there is no such tier
     */
    public Duration tierTtl(String tier) {
        Duration ttl = tiers.get(tier);
        if (ttl == null) {
            throw new IllegalArgumentException("tier must be one of " + tiers.keySet() + ", was '" + tier + "'");
        }
        return ttl;
    }

    /**
     * The TTL that the given options give an entry: the explicit TTL, else the tier's, else the
     * default.
     *
     * @throws IllegalArgumentException if the options name an unknown tier
     */
    public Duration ttlOf(WriteOptions options) {
        if (options.ttl().isPresent()) {
            return options.ttl().get();
        }
        if (options.tier().isPresent()) {
            return tierTtl(options.tier().get());
        }
        return defaultTtl;
    }

    /** How long {@link Cache#rememberOptional} remembers that a value is absent. */
    public Duration negativeTtl() {
        return negativeTtl;
    }

    /** How many of the most-read keys are tracked for {@link Cache#topKeys}. */
    public int hotKeyCapacity() {
        return hotKeyCapacity;
    }

    /** The time source for in-process expiry and for the load times in {@link CacheStats}. */
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public String toString() {
        return "CacheConfig[name=" + name + ", maximumEntries=" + maximumEntries() + ", maximumBytes="
                + maximumBytes() + ", defaultTtl=" + defaultTtl + ", tiers=" + tiers + ", negativeTtl="
                + negativeTtl + ", hotKeyCapacity=" + hotKeyCapacity + "]";
    }

    /** Builds a {@link CacheConfig}; each setter validates its argument at once. Not thread safe. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private long maximumEntries = DEFAULT_MAXIMUM_ENTRIES;
        private long maximumBytes;
        private Duration defaultTtl = DEFAULT_TTL;
        private final Map<String, Duration> tiers = new LinkedHashMap<>(DEFAULT_TIERS);
        private Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
        private int hotKeyCapacity = DEFAULT_HOT_KEY_CAPACITY;
        private Ticker ticker = Ticker.system();

        private Builder() {}

        private Builder(CacheConfig c) {
            name = c.name;
            maximumEntries = c.maximumEntries;
            maximumBytes = c.maximumBytes;
            defaultTtl = c.defaultTtl;
            tiers.clear();
            tiers.putAll(c.tiers);
            negativeTtl = c.negativeTtl;
            hotKeyCapacity = c.hotKeyCapacity;
            ticker = c.ticker;
        }

        /** The cache's name; not blank. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * The maximum number of entries (the original's {@code maxSize}).
         *
         * @throws IllegalArgumentException if {@code maximumEntries} is not positive
         */
        public Builder maximumEntries(long maximumEntries) {
            if (maximumEntries <= 0) {
                throw new IllegalArgumentException("maximumEntries must be > 0, was " + maximumEntries);
            }
            this.maximumEntries = maximumEntries;
            return this;
        }

        /** Removes the bound on the number of entries; a byte bound, if set, still applies. */
        public Builder unboundedEntries() {
            this.maximumEntries = 0;
            return this;
        }

        /**
         * The maximum estimated bytes of keys and values together.
         *
         * @throws IllegalArgumentException if {@code maximumBytes} is not positive
         */
        public Builder maximumBytes(long maximumBytes) {
            if (maximumBytes <= 0) {
                throw new IllegalArgumentException("maximumBytes must be > 0, was " + maximumBytes);
            }
            this.maximumBytes = maximumBytes;
            return this;
        }

        /**
         * The maximum estimated memory in mebibytes (the store-bot manager's {@code max_size_mb}).
         *
         * @throws IllegalArgumentException if {@code maximumMegabytes} is not positive or too large
         */
        public Builder maximumMegabytes(long maximumMegabytes) {
            if (maximumMegabytes <= 0 || maximumMegabytes > Long.MAX_VALUE / (1024 * 1024)) {
                throw new IllegalArgumentException("maximumMegabytes must be > 0, was " + maximumMegabytes);
            }
            return maximumBytes(maximumMegabytes * 1024 * 1024);
        }

        /**
         * The TTL of entries written without an explicit TTL or tier.
         *
         * @throws IllegalArgumentException if {@code ttl} is zero or negative
         */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = checkTtl("defaultTtl", ttl);
            return this;
        }

        /**
         * Defines or redefines a named TTL tier.
         *
         * @throws IllegalArgumentException if the name is blank or the TTL is not positive
         */
        public Builder tier(String tier, Duration ttl) {
            Objects.requireNonNull(tier, "tier");
            if (tier.isBlank()) {
                throw new IllegalArgumentException("tier must not be blank, was '" + tier + "'");
            }
            tiers.put(tier, checkTtl("tier '" + tier + "' ttl", ttl));
            return this;
        }

        /**
         * Changes the TTL of an existing tier.
         *
         * @throws IllegalArgumentException if there is no such tier, or the TTL is not positive
         */
        public Builder tierTtl(String tier, Duration ttl) {
            Objects.requireNonNull(tier, "tier");
            if (!tiers.containsKey(tier)) {
                throw new IllegalArgumentException("tier must be one of " + tiers.keySet() + ", was '" + tier + "'");
            }
            return tier(tier, ttl);
        }

        /**
         * How long an absence is remembered by {@link Cache#rememberOptional}.
         *
         * @throws IllegalArgumentException if {@code ttl} is zero or negative
         */
        public Builder negativeTtl(Duration ttl) {
            this.negativeTtl = checkTtl("negativeTtl", ttl);
            return this;
        }

        /**
         * How many hot keys are tracked for {@link Cache#topKeys}; 0 turns tracking off.
         *
         * @throws IllegalArgumentException if the capacity is negative or above 10,000
         */
        public Builder hotKeyCapacity(int capacity) {
            if (capacity < 0 || capacity > 10_000) {
                throw new IllegalArgumentException("hotKeyCapacity must be between 0 and 10000, was " + capacity);
            }
            this.hotKeyCapacity = capacity;
            return this;
        }

        /**
         * The time source for in-process expiry and for the load times in {@link CacheStats}; tests
         * pass a manual one. Redis expiry runs on the server's clock.
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public CacheConfig build() {
            return new CacheConfig(this);
        }

        private static Duration checkTtl(String field, Duration ttl) {
            Objects.requireNonNull(ttl, field);
            if (ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException(field + " must be > 0, was " + ttl);
            }
            return ttl;
        }
    }
}

package dev.voicetrack.cache.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to reach Redis and how to lay out keys there. Immutable and thread safe; create one with
 * {@link #builder()} or {@link #fromEnvironment()}, change one with {@link #toBuilder()}.
 *
 * <p>Defaults, each documented once, here:
 *
 * <ul>
 *   <li>{@link #DEFAULT_URL} {@code redis://localhost:6379}, the original library's default; URLs
 *       may be {@code redis://} or {@code rediss://} (TLS) and carry a password and a database
 *       ({@code redis://:secret@host:6379/2});
 *   <li>{@link #DEFAULT_KEY_PREFIX} {@code vt:}: a namespace of the toolkit's own, not the tracker's.
 *       The original library's {@code keyPrefix} {@code voice:} is the bot's ({@code REDIS_KEY_PREFIX}),
 *       and a library user sharing that Redis should not land in it by default. Each cache's keys
 *       are further under its name ({@code <prefix><name>:}), rate limits under {@code <prefix>rl:}
 *       and sessions under {@code <prefix>ss:};
 *   <li>{@link #DEFAULT_COMMAND_TIMEOUT} 1 s: no call waits longer for Redis, so a stalled server
 *       cannot hang the bot;
 *   <li>{@link #DEFAULT_CONNECT_TIMEOUT} 2 s;
 *   <li>{@link #DEFAULT_TIMEOUT_BACKOFF} 2 s: after a command timed out (a hung server), Redis is
 *       bypassed and calls are served by the in-process fallback at once; a background {@code PING}
 *       checks the server this often, and the first answer puts Redis back in use (see {@link
 *       Builder#timeoutBackoff});
 *   <li>reconnect backoff from {@link #DEFAULT_RECONNECT_MIN_DELAY} 100 ms doubling up to {@link
 *       #DEFAULT_RECONNECT_MAX_DELAY} 5 s;
 *   <li>{@link #DEFAULT_SIZE_REFRESH} 30 s: the number of keys under the prefix is counted with SCAN
 *       at most this often, never on every stats call;
 *   <li>{@link #DEFAULT_DIRECT_CONNECTIONS} 8 blocking connections for cache reads and writes (see
 *       {@link Builder#directConnections}).
 * </ul>
 */
public final class RedisCacheConfig {

    public static final String DEFAULT_URL = "redis://localhost:6379";
    public static final String DEFAULT_KEY_PREFIX = "vt:";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TIMEOUT_BACKOFF = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SIZE_REFRESH = Duration.ofSeconds(30);
    public static final int DEFAULT_DIRECT_CONNECTIONS = 8;

    /** The environment variable {@link #fromEnvironment()} reads, as in the original library. */
    public static final String ENV_URL = "REDIS_URL";

    private final List<String> urls;
    private final boolean cluster;
    private final String keyPrefix;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final Duration timeoutBackoff;
    private final Duration reconnectMinDelay;
    private final Duration reconnectMaxDelay;
    private final Duration sizeRefresh;
    private final Clock clock;
    private final @Nullable Path trustedCertificates;
    private final int directConnections;

    private RedisCacheConfig(Builder b) {
        this.urls = List.copyOf(b.urls);
        this.cluster = b.cluster;
        this.keyPrefix = b.keyPrefix;
        this.commandTimeout = b.commandTimeout;
        this.connectTimeout = b.connectTimeout;
        this.timeoutBackoff = b.timeoutBackoff;
        this.reconnectMinDelay = b.reconnectMinDelay;
        this.reconnectMaxDelay = b.reconnectMaxDelay;
        this.sizeRefresh = b.sizeRefresh;
        this.clock = b.clock;
        this.trustedCertificates = b.trustedCertificates;
        this.directConnections = b.directConnections;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults with the URL from the {@code REDIS_URL} environment variable, if it is set and not
     * blank.
     *
     * @throws IllegalArgumentException if {@code REDIS_URL} is set to something that is not a Redis URL
     */
    public static RedisCacheConfig fromEnvironment() {
        Builder b = builder();
        String url = System.getenv(ENV_URL);
        if (url != null && !url.isBlank()) {
            b.url(url.trim());
        }
        return b.build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The server URL, or for a cluster the seed URLs; never empty. */
    public List<String> urls() {
        return urls;
    }

    /** Whether the URLs are seeds of a Redis Cluster. */
    public boolean cluster() {
        return cluster;
    }

    /**
     * The prefix of every key and pub/sub channel this library writes; a cache's keys are further
     * under its name, {@code <prefix><name>:}.
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long Redis is bypassed after a command timed out, between background probes. */
    public Duration timeoutBackoff() {
        return timeoutBackoff;
    }

    public Duration reconnectMinDelay() {
        return reconnectMinDelay;
    }

    public Duration reconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    /** How often, at most, the keys under the prefix are counted for stats. */
    public Duration sizeRefresh() {
        return sizeRefresh;
    }

    /** The wall clock of health timestamps. */
    public Clock clock() {
        return clock;
    }

    /**
     * PEM certificates to trust for {@code rediss://} connections instead of the JVM's default trust
     * store (for a private CA), if set.
     */
    public Optional<Path> trustedCertificates() {
        return Optional.ofNullable(trustedCertificates);
    }

    /** At most how many blocking connections serve cache reads and writes; 0 turns them off. */
    public int directConnections() {
        return directConnections;
    }

    @Override
    public String toString() {
        return "RedisCacheConfig[urls="
                + urls.stream().map(RedisCacheConfig::redact).toList() + ", cluster=" + cluster
                + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout + ", connectTimeout="
                + connectTimeout + ", timeoutBackoff=" + timeoutBackoff + ", reconnect=" + reconnectMinDelay + ".."
                + reconnectMaxDelay
                + ", directConnections="
                + directConnections + "]";
    }

    /** The URL without its password, for logs and messages. */
    public static String redact(String url) {
        int at = url.lastIndexOf('@');
        int scheme = url.indexOf("://");
        return at > 0 && scheme > 0 ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }

    /** Builds a {@link RedisCacheConfig}; each setter validates at once. Not thread safe. */
    public static final class Builder {
        private List<String> urls = List.of(DEFAULT_URL);
        private boolean cluster;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration timeoutBackoff = DEFAULT_TIMEOUT_BACKOFF;
        private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
        private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
        private Duration sizeRefresh = DEFAULT_SIZE_REFRESH;
        private Clock clock = Clock.systemUTC();
        private @Nullable Path trustedCertificates;
        private int directConnections = DEFAULT_DIRECT_CONNECTIONS;

        private Builder() {}

        private Builder(RedisCacheConfig c) {
            urls = c.urls;
            cluster = c.cluster;
            keyPrefix = c.keyPrefix;
            commandTimeout = c.commandTimeout;
            connectTimeout = c.connectTimeout;
            timeoutBackoff = c.timeoutBackoff;
            reconnectMinDelay = c.reconnectMinDelay;
            reconnectMaxDelay = c.reconnectMaxDelay;
            sizeRefresh = c.sizeRefresh;
            clock = c.clock;
            trustedCertificates = c.trustedCertificates;
            directConnections = c.directConnections;
        }

        /**
         * One standalone server: {@code redis://[:password@]host[:port][/database]} or {@code
         * rediss://...} for TLS.
         *
         * @throws IllegalArgumentException if the URL is not such a URL
         */
        public Builder url(String url) {
            this.urls = List.of(checkUrl(url));
            this.cluster = false;
            return this;
        }

        /**
         * The seed nodes of a Redis Cluster; the client discovers the rest.
         *
         * @throws IllegalArgumentException if the list is empty or an element is not a Redis URL
         */
        public Builder clusterUrls(List<String> seeds) {
            Objects.requireNonNull(seeds, "seeds");
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("clusterUrls must not be empty, was []");
            }
            this.urls = seeds.stream().map(Builder::checkUrl).toList();
            this.cluster = true;
            return this;
        }

        /**
         * The key prefix; not blank, no whitespace, at most 64 characters.
         *
         * @throws IllegalArgumentException if the prefix is blank, too long or contains whitespace
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isBlank()
                    || keyPrefix.length() > 64
                    || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "keyPrefix must be 1 to 64 characters without whitespace, was '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** @throws IllegalArgumentException if the timeout is under 10 ms or over 1 minute */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = between("commandTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(1));
            return this;
        }

        /** @throws IllegalArgumentException if the timeout is under 10 ms or over 1 minute */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = between("connectTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(1));
            return this;
        }

        /**
         * How long Redis is bypassed after a command timed out. A server that accepts connections but
         * does not answer (paused, swapping, stopped with SIGSTOP) is not seen as disconnected, so
         * without this every call would wait the full command timeout. After a timeout the connector
         * reports Redis unhealthy and every call is served by the in-process fallback without touching
         * Redis; a {@code PING} bounded by the command timeout is sent every {@code backoff} in the
         * background, and the first that is answered puts Redis back in use (as after a reconnect: the
         * fallback's copies are dropped).
         *
         * @throws IllegalArgumentException if the backoff is under 10 ms or over 5 minutes
         */
        public Builder timeoutBackoff(Duration backoff) {
            this.timeoutBackoff = between("timeoutBackoff", backoff, Duration.ofMillis(10), Duration.ofMinutes(5));
            return this;
        }

        /**
         * The reconnect backoff: the first delay, doubled after each failed attempt up to {@code max}.
         *
         * @throws IllegalArgumentException if {@code min} is under 1 ms, or {@code max} is under {@code
         *     min} or over 5 minutes
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            between("reconnectMinDelay", min, Duration.ofMillis(1), Duration.ofMinutes(5));
            between("reconnectMaxDelay", max, min, Duration.ofMinutes(5));
            this.reconnectMinDelay = min;
            this.reconnectMaxDelay = max;
            return this;
        }

        /** @throws IllegalArgumentException if the interval is under 1 s or over 1 hour */
        public Builder sizeRefresh(Duration interval) {
            this.sizeRefresh = between("sizeRefresh", interval, Duration.ofSeconds(1), Duration.ofHours(1));
            return this;
        }

        /**
         * Trusts the PEM certificates in {@code pemFile} for TLS ({@code rediss://}).
         *
         * @throws IllegalArgumentException if the file is not readable
         */
        public Builder trustedCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile");
            if (!Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("trustedCertificates must be a readable file, was " + pemFile);
            }
            this.trustedCertificates = pemFile;
            return this;
        }

        /**
         * At most how many blocking connections a standalone plain-TCP server gets for the
         * single-key reads and writes of caches ({@code get}, {@code put}); 0 turns them off. With
         * one request in flight a blocking round trip costs about half of a Lettuce one, which hands
         * each command to its event-loop thread and back. They are used only while at most {@code
         * count} callers are in a get or put; beyond that every caller uses the Lettuce connection,
         * which pipelines their commands and which everything else (pub/sub, scans, rate limits,
         * sessions) uses anyway. Clusters and {@code rediss://} always use Lettuce alone.
         *
         * @throws IllegalArgumentException if the count is negative or over 256
         */
        public Builder directConnections(int count) {
            if (count < 0 || count > 256) {
                throw new IllegalArgumentException("directConnections must be between 0 and 256, was " + count);
            }
            this.directConnections = count;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public RedisCacheConfig build() {
            return new RedisCacheConfig(this);
        }

        private static Duration between(String field, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, field);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + d);
            }
            return d;
        }

        private static String checkUrl(String url) {
            Objects.requireNonNull(url, "url");
            Optional<String> problem = urlProblem(url);
            if (problem.isPresent()) {
                throw new IllegalArgumentException(
                        "url must be redis://[:password@]host[:port][/database] or rediss://..., " + problem.get()
                                + ", was '" + redact(url) + "'");
            }
            return url;
        }

        private static Optional<String> urlProblem(String url) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                return Optional.of("not a URI");
            }
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                return Optional.of("scheme is '" + uri.getScheme() + "'");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                return Optional.of("no host");
            }
            String path = uri.getPath();
            if (path != null
                    && !path.isEmpty()
                    && !path.equals("/")
                    && !path.substring(1).matches("\\d{1,2}")) {
                return Optional.of("database '" + path.substring(1) + "' is not a number");
            }
            return Optional.empty();
        }
    }
}

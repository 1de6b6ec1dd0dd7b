package dev.voicetrack.storage.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of the PostgreSQL store: a JDBC URL (or host, port and database), credentials, a pool
 * size and timeouts. Immutable and thread safe; build with {@link #builder()}, change with {@link
 * #toBuilder()}. Every setter validates at once and throws {@link IllegalArgumentException} naming
 * the field and the value. Tables are created in the connection's default schema, all named {@code
 * vt_*}.
 *
 * <h2>Timeouts</h2>
 *
 * Four bounds keep a caller from waiting on an unreachable or hung server:
 *
 * <ul>
 *   <li>{@link #connectionTimeout()}: how long a call waits for a pooled connection (the pool's own
 *       bound; with the server refusing connections, this is how long a call takes to fail);
 *   <li>{@link #connectTimeout()}: opening one connection, TCP connect and login (the driver's {@code
 *       connectTimeout} and {@code loginTimeout}, whole seconds, rounded up);
 *   <li>{@link #socketTimeout()}: how long the driver waits for any reply on an open connection (its
 *       {@code socketTimeout}, whole seconds, rounded up); off by default. When it fires during a
 *       {@code COMMIT} the outcome is unknown (the server may have committed), so keep it well above
 *       the longest statement; it exists to free a connection stuck on a server that stopped answering;
 *   <li>{@link #statementTimeout()}: the server cancels a statement running longer (the session's
 *       {@code statement_timeout}, set at login); off by default. A cancelled statement rolls its
 *       transaction back: nothing of it is written.
 * </ul>
 *
 * Parameters given in {@link Builder#jdbcUrl} win over these (the driver reads the URL last).
 */
public final class PostgresOptions {

    /** The server on this machine. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** PostgreSQL's own port. */
    public static final int DEFAULT_PORT = 5432;

    public static final String DEFAULT_DATABASE = "voicetrack";

    /** The superuser a fresh server has; use a role of your own in production. */
    public static final String DEFAULT_USER = "postgres";

    /** Pooled connections: PostgreSQL writes run concurrently, under row locks. */
    public static final int DEFAULT_POOL_SIZE = 10;

    /** How long a caller waits for a pooled connection before failing. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    /** How long opening one connection (TCP connect, then login) may take: the driver's default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** No bound on waiting for a reply on an open connection (the driver's default). */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ZERO;

    /** No server-side bound on a statement (PostgreSQL's default). */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ZERO;

    private static final PostgresOptions DEFAULTS = new Builder().build();

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int poolSize;
    private final Duration connectionTimeout;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final Duration statementTimeout;
    private final Clock clock;
    private final boolean readOnly;

    private PostgresOptions(Builder b) {
        this.jdbcUrl = b.jdbcUrl != null
                ? b.jdbcUrl
                : "jdbc:postgresql://" + (b.host.contains(":") ? "[" + b.host + "]" : b.host) + ":" + b.port + "/"
                        + b.database;
        this.user = b.user;
        this.password = b.password;
        this.poolSize = b.poolSize;
        this.connectionTimeout = b.connectionTimeout;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
        this.statementTimeout = b.statementTimeout;
        this.clock = b.clock;
        this.readOnly = b.readOnly;
    }

    /**
     * Every default: database {@code voicetrack} on {@code 127.0.0.1:5432} as {@code postgres} without
     * a password, 10 connections, a 30 s wait for one, a 10 s connect timeout, no socket or statement
     * timeout, the system clock, read-write.
     */
    public static PostgresOptions defaults() {
        return DEFAULTS;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The JDBC URL, given or built from host, port and database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** The password, empty for none (trust or peer authentication). */
    public String password() {
        return password;
    }

    public int poolSize() {
        return poolSize;
    }

    /** How long a call waits for a pooled connection before failing. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** How long opening one connection may take (TCP connect and login). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long the driver waits for a reply on an open connection; zero for no bound. */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** The server-side bound on one statement; zero for none. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Whether the store only reads: every connection is read-only ({@code readOnlyMode=always}, so
     * PostgreSQL refuses any write), no table is created and no migration runs; the schema must exist.
     * Default false.
     */
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public String toString() {
        return "PostgresOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "***") + ", poolSize=" + poolSize + ", connectionTimeout="
                + connectionTimeout + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout
                + ", statementTimeout=" + statementTimeout + ", readOnly=" + readOnly + "]";
    }

    /** Builds {@link PostgresOptions}; not thread safe. */
    public static final class Builder {
        private @Nullable String jdbcUrl;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String database = DEFAULT_DATABASE;
        private String user = DEFAULT_USER;
        private String password = "";
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private boolean readOnly;

        private Builder() {}

        private Builder(PostgresOptions o) {
            jdbcUrl = o.jdbcUrl;
            user = o.user;
            password = o.password;
            poolSize = o.poolSize;
            connectionTimeout = o.connectionTimeout;
            connectTimeout = o.connectTimeout;
            socketTimeout = o.socketTimeout;
            statementTimeout = o.statementTimeout;
            clock = o.clock;
            readOnly = o.readOnly;
        }

        /**
         * A full JDBC URL; it wins over host, port and database.
         *
         * @throws IllegalArgumentException unless it starts with {@code jdbc:postgresql:}
         */
        public Builder jdbcUrl(String value) {
            Objects.requireNonNull(value, "jdbcUrl must not be null");
            if (!value.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:, was '" + value + "'");
            }
            jdbcUrl = value;
            return this;
        }

        /** @throws IllegalArgumentException if blank */
        public Builder host(String value) {
            Objects.requireNonNull(value, "host must not be null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("host must not be blank, was '" + value + "'");
            }
            host = value;
            jdbcUrl = null;
            return this;
        }

        /** @throws IllegalArgumentException unless 1..65535 */
        public Builder port(int value) {
            if (value < 1 || value > 65_535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + value);
            }
            port = value;
            jdbcUrl = null;
            return this;
        }

        /** @throws IllegalArgumentException if blank or containing '/', '?' or whitespace */
        public Builder database(String value) {
            Objects.requireNonNull(value, "database must not be null");
            if (value.isBlank() || value.chars().anyMatch(c -> c == '/' || c == '?' || Character.isWhitespace(c))) {
                throw new IllegalArgumentException(
                        "database must be a non-blank name without '/', '?' or spaces, was '" + value + "'");
            }
            database = value;
            jdbcUrl = null;
            return this;
        }

        /** @throws IllegalArgumentException if blank */
        public Builder user(String value) {
            Objects.requireNonNull(value, "user must not be null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("user must not be blank, was '" + value + "'");
            }
            user = value;
            return this;
        }

        /** The password; empty for none. */
        public Builder password(String value) {
            password = Objects.requireNonNull(value, "password must not be null");
            return this;
        }

        /** @throws IllegalArgumentException unless 1..256 */
        public Builder poolSize(int value) {
            if (value < 1 || value > 256) {
                throw new IllegalArgumentException("poolSize must be between 1 and 256, was " + value);
            }
            poolSize = value;
            return this;
        }

        /** @throws IllegalArgumentException unless 250 ms..10 minutes */
        public Builder connectionTimeout(Duration value) {
            Objects.requireNonNull(value, "connectionTimeout must not be null");
            if (value.toMillis() < 250 || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "connectionTimeout must be between 250 ms and 10 minutes, was " + value.toMillis() + " ms");
            }
            connectionTimeout = value;
            return this;
        }

        /** @throws IllegalArgumentException unless 1 s..10 minutes */
        public Builder connectTimeout(Duration value) {
            Objects.requireNonNull(value, "connectTimeout must not be null");
            if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "connectTimeout must be between 1 s and 10 minutes, was " + value.toMillis() + " ms");
            }
            connectTimeout = value;
            return this;
        }

        /** Zero for no bound. @throws IllegalArgumentException unless zero or 1 s..1 hour */
        public Builder socketTimeout(Duration value) {
            Objects.requireNonNull(value, "socketTimeout must not be null");
            if (!value.isZero()
                    && (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0)) {
                throw new IllegalArgumentException(
                        "socketTimeout must be 0 (none) or between 1 s and 1 hour, was " + value.toMillis() + " ms");
            }
            socketTimeout = value;
            return this;
        }

        /** Zero for none. @throws IllegalArgumentException unless zero or 1 ms..1 hour */
        public Builder statementTimeout(Duration value) {
            Objects.requireNonNull(value, "statementTimeout must not be null");
            if (value.isNegative()
                    || value.compareTo(Duration.ofHours(1)) > 0
                    || !value.isZero() && value.toMillis() < 1) {
                throw new IllegalArgumentException("statementTimeout must be 0 (none) or between 1 ms and 1 hour, was "
                        + value.toMillis() + " ms");
            }
            statementTimeout = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock must not be null");
            return this;
        }

        /** See {@link PostgresOptions#readOnly()}. */
        public Builder readOnly(boolean value) {
            readOnly = value;
            return this;
        }

        public PostgresOptions build() {
            return new PostgresOptions(this);
        }
    }
}

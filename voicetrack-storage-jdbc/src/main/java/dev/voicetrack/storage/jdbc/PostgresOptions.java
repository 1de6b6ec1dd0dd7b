package dev.voicetrack.storage.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of the PostgreSQL store: a JDBC URL (or host, port and database), credentials and a pool
 * size. Immutable and thread safe; build with {@link #builder()}, change with {@link #toBuilder()}.
 * Every setter validates at once and throws {@link IllegalArgumentException} naming the field and
 * the value. Tables are created in the connection's default schema, all named {@code vt_*}.
 */
public final class PostgresOptions {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_DATABASE = "voicetrack";
    public static final String DEFAULT_USER = "postgres";
    public static final int DEFAULT_POOL_SIZE = 10;

    /** How long a caller waits for a pooled connection before failing. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final int poolSize;
    private final Duration connectionTimeout;
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
        this.clock = b.clock;
        this.readOnly = b.readOnly;
    }

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

    public Duration connectionTimeout() {
        return connectionTimeout;
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
                + connectionTimeout + ", readOnly=" + readOnly + "]";
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
        private Clock clock = Clock.systemUTC();
        private boolean readOnly;

        private Builder() {}

        private Builder(PostgresOptions o) {
            jdbcUrl = o.jdbcUrl;
            user = o.user;
            password = o.password;
            poolSize = o.poolSize;
            connectionTimeout = o.connectionTimeout;
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

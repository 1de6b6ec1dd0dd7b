package dev.voicetrack.storage.jdbc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of the SQLite store, the original {@code SQLiteStorage}'s {@code filename} and {@code
 * timeout} plus a pool size. Immutable and thread safe; build with {@link #builder()}, change with
 * {@link #toBuilder()}. Every setter validates at once and throws {@link IllegalArgumentException}
 * naming the field and the value.
 */
public final class SqliteOptions {

    /** The original's zero-config database file, relative to the working directory. */
    public static final Path DEFAULT_FILE = Path.of("data", "voice-tracker.db");

    /**
     * How long a statement waits for a lock held by another connection or process before failing
     * with {@code SQLITE_BUSY}: 5 s, the original's {@code timeout} default.
     */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofMillis(5000);

    /** Pooled connections: WAL lets readers run beside the one writer. */
    public static final int DEFAULT_POOL_SIZE = 4;

    private static final SqliteOptions DEFAULTS = new Builder().build();

    private final Path file;
    private final Duration busyTimeout;
    private final int poolSize;
    private final Clock clock;

    private SqliteOptions(Builder b) {
        this.file = b.file;
        this.busyTimeout = b.busyTimeout;
        this.poolSize = b.poolSize;
        this.clock = b.clock;
    }

    /** Every default: {@code ./data/voice-tracker.db}, 5 s busy timeout, 4 connections. */
    public static SqliteOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The database file; its directory is created on {@link JdbcStorage#init()} if needed. */
    public Path file() {
        return file;
    }

    public Duration busyTimeout() {
        return busyTimeout;
    }

    public int poolSize() {
        return poolSize;
    }

    /** The clock of the {@code created}/{@code updated} and migration timestamps. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "SqliteOptions[file=" + file + ", busyTimeout=" + busyTimeout + ", poolSize=" + poolSize + "]";
    }

    /** Builds {@link SqliteOptions}; not thread safe. */
    public static final class Builder {
        private Path file = DEFAULT_FILE;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        private Builder(SqliteOptions o) {
            file = o.file;
            busyTimeout = o.busyTimeout;
            poolSize = o.poolSize;
            clock = o.clock;
        }

        /**
         * The database file (the original's {@code filename}).
         *
         * @throws IllegalArgumentException if the path is empty or names a directory
         */
        public Builder file(Path value) {
            Objects.requireNonNull(value, "file must not be null");
            if (value.toString().isEmpty() || value.getFileName() == null) {
                throw new IllegalArgumentException("file must name a file, was '" + value + "'");
            }
            if (java.nio.file.Files.isDirectory(value)) {
                throw new IllegalArgumentException("file must not be a directory, was '" + value + "'");
            }
            file = value;
            return this;
        }

        /** Same as {@link #file(Path)} with {@link Path#of(String, String...)}. */
        public Builder filename(String value) {
            Objects.requireNonNull(value, "filename must not be null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("filename must not be blank, was '" + value + "'");
            }
            return file(Path.of(value));
        }

        /**
         * The busy timeout (the original's {@code timeout}); raise it if {@code SQLITE_BUSY} errors
         * appear because another process writes the same file.
         *
         * @throws IllegalArgumentException if negative or above 10 minutes
         */
        public Builder busyTimeout(Duration value) {
            Objects.requireNonNull(value, "busyTimeout must not be null");
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "busyTimeout must be between 0 and 10 minutes, was " + value.toMillis() + " ms");
            }
            busyTimeout = value;
            return this;
        }

        /** @throws IllegalArgumentException unless 1..64 */
        public Builder poolSize(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("poolSize must be between 1 and 64, was " + value);
            }
            poolSize = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock must not be null");
            return this;
        }

        public SqliteOptions build() {
            return new SqliteOptions(this);
        }
    }
}

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

    /**
     * How long the integrity check of an existing file at {@link JdbcStorage#init()} may run: 10 s.
     * {@code PRAGMA quick_check} of a 215 MB database in the page cache took 0.8 s on the reference
     * machine idle and 3 s with its two cores busy, so files up to about 1 GB (2 GB on an idle
     * machine) are checked to the end.
     */
    public static final Duration DEFAULT_OPEN_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private static final SqliteOptions DEFAULTS = new Builder().build();

    private final Path file;
    private final Duration busyTimeout;
    private final int poolSize;
    private final Clock clock;
    private final boolean readOnly;
    private final boolean mustExist;
    private final Duration openCheckTimeout;

    private SqliteOptions(Builder b) {
        this.file = b.file;
        this.busyTimeout = b.busyTimeout;
        this.poolSize = b.poolSize;
        this.clock = b.clock;
        this.readOnly = b.readOnly;
        this.mustExist = b.mustExist;
        this.openCheckTimeout = b.openCheckTimeout;
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

    /**
     * The database file; unless {@link #mustExist()}, it and its directory are created on {@link
     * JdbcStorage#init()} if needed.
     */
    public Path file() {
        return file;
    }

    /**
     * Whether the store only reads: connections are opened read-only ({@code SQLITE_OPEN_READONLY}),
     * no journal-mode pragma is set and no migration runs, so the file's bytes are never changed; every
     * write fails with a {@code StorageException}. A file of an older schema version is read as it is.
     * Implies {@link #mustExist()}. Default false.
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Whether {@link JdbcStorage#init()} refuses a file that does not exist instead of creating it (and
     * its directory). Default false; true when {@link #readOnly()}.
     */
    public boolean mustExist() {
        return mustExist || readOnly;
    }

    /**
     * The time budget of the integrity check ({@code PRAGMA quick_check}) that {@link
     * JdbcStorage#init()} runs on an existing file before anything else touches it; zero skips the
     * check. See {@link #DEFAULT_OPEN_CHECK_TIMEOUT}.
     */
    public Duration openCheckTimeout() {
        return openCheckTimeout;
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
        return "SqliteOptions[file=" + file + ", busyTimeout=" + busyTimeout + ", poolSize=" + poolSize
                + ", readOnly=" + readOnly + ", mustExist=" + mustExist() + ", openCheckTimeout=" + openCheckTimeout
                + "]";
    }

    /** Builds {@link SqliteOptions}; not thread safe. */
    public static final class Builder {
        private Path file = DEFAULT_FILE;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Clock clock = Clock.systemUTC();
        private boolean readOnly;
        private boolean mustExist;
        private Duration openCheckTimeout = DEFAULT_OPEN_CHECK_TIMEOUT;

        private Builder() {}

        private Builder(SqliteOptions o) {
            file = o.file;
            busyTimeout = o.busyTimeout;
            poolSize = o.poolSize;
            clock = o.clock;
            readOnly = o.readOnly;
            mustExist = o.mustExist;
            openCheckTimeout = o.openCheckTimeout;
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

        /** See {@link SqliteOptions#readOnly()}. */
        public Builder readOnly(boolean value) {
            readOnly = value;
            return this;
        }

        /** See {@link SqliteOptions#mustExist()}. */
        public Builder mustExist(boolean value) {
            mustExist = value;
            return this;
        }

        /**
         * See {@link SqliteOptions#openCheckTimeout()}.
         *
         * @throws IllegalArgumentException if negative or above 1 hour
         */
        public Builder openCheckTimeout(Duration value) {
            Objects.requireNonNull(value, "openCheckTimeout must not be null");
            if (value.isNegative() || value.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(
                        "openCheckTimeout must be between 0 and 1 hour, was " + value.toMillis() + " ms");
            }
            openCheckTimeout = value;
            return this;
        }

        public SqliteOptions build() {
            return new SqliteOptions(this);
        }
    }
}

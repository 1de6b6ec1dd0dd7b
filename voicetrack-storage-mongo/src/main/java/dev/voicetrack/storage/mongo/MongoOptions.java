package dev.voicetrack.storage.mongo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Options of a {@link MongoStorage}: the database, whether it only reads, and how the batch journal
 * cuts and cleans up its entries. Immutable and thread safe; build with {@link #builder()}, change
 * with {@link #toBuilder()}. Every setter validates at once and throws {@link
 * IllegalArgumentException} naming the field and the value.
 *
 * <pre>{@code
 * MongoStorage storage = MongoStorage.create(uri, MongoOptions.builder().database("guild_stats").build());
 * }</pre>
 *
 * <p>The connection itself (hosts, credentials, timeouts, TLS) is the MongoDB URI's or the {@code
 * MongoClient}'s business, not an option here.
 */
public final class MongoOptions {

    /** The database name the original used: {@code new MongoStorage(uri, 'voicetracker')}. */
    public static final String DEFAULT_DATABASE = "voicetracker";

    /**
     * Updates per journal chunk document and per bulk write: 1,000. A chunk of member updates stays
     * far below MongoDB's 16 MB document limit (a member update is a few hundred bytes plus about 50
     * per channel), and a bulk write of that size is one round trip.
     */
    public static final int DEFAULT_JOURNAL_CHUNK_SIZE = 1_000;

    /** The largest {@link Builder#journalChunkSize(int)}: larger chunks risk the 16 MB document limit. */
    public static final int MAX_JOURNAL_CHUNK_SIZE = 10_000;

    /**
     * How old a journal chunk whose batch was never committed must be before {@link MongoStorage#init()}
     * deletes it: 1 hour. A younger one may belong to another process's batch still being written.
     */
    public static final Duration DEFAULT_ORPHAN_CHUNK_AGE = Duration.ofHours(1);

    /** The characters a MongoDB server on Linux forbids in a database name, and its byte limit. */
    private static final Pattern FORBIDDEN_IN_DATABASE = Pattern.compile("[/\\\\. \"$\\x00]");

    private static final int MAX_DATABASE_BYTES = 63;

    private static final MongoOptions DEFAULTS = new Builder().build();

    private final String database;
    private final boolean readOnly;
    private final int journalChunkSize;
    private final Duration orphanChunkAge;
    private final Clock clock;

    private MongoOptions(Builder b) {
        this.database = b.database;
        this.readOnly = b.readOnly;
        this.journalChunkSize = b.journalChunkSize;
        this.orphanChunkAge = b.orphanChunkAge;
        this.clock = b.clock;
    }

    /** Every default: database {@code voicetracker}, read-write, chunks of 1,000, orphans after 1 h. */
    public static MongoOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The database that holds VoiceTrack's collections. Default {@link #DEFAULT_DATABASE}. */
    public String database() {
        return database;
    }

    /**
     * Whether the storage only reads, for the source of a migration: {@link MongoStorage#init()}
     * creates no index and writes nothing (it refuses a database without VoiceTrack data, and one with
     * a batch that only a read-write open completes), and every write throws a {@code
     * StorageException}. Default false.
     */
    public boolean readOnly() {
        return readOnly;
    }

    /** Updates per journal chunk and bulk write. Default {@link #DEFAULT_JOURNAL_CHUNK_SIZE}. */
    public int journalChunkSize() {
        return journalChunkSize;
    }

    /** Age after which an uncommitted journal chunk is deleted. Default {@link #DEFAULT_ORPHAN_CHUNK_AGE}. */
    public Duration orphanChunkAge() {
        return orphanChunkAge;
    }

    /** The clock of the journal's {@code created} timestamps and of the orphan cut-off. Default UTC system clock. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "MongoOptions[database=" + database + ", readOnly=" + readOnly + ", journalChunkSize=" + journalChunkSize
                + ", orphanChunkAge=" + orphanChunkAge + "]";
    }

    /** Builds {@link MongoOptions}; not thread safe. */
    public static final class Builder {
        private String database = DEFAULT_DATABASE;
        private boolean readOnly;
        private int journalChunkSize = DEFAULT_JOURNAL_CHUNK_SIZE;
        private Duration orphanChunkAge = DEFAULT_ORPHAN_CHUNK_AGE;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        private Builder(MongoOptions o) {
            database = o.database;
            readOnly = o.readOnly;
            journalChunkSize = o.journalChunkSize;
            orphanChunkAge = o.orphanChunkAge;
            clock = o.clock;
        }

        /**
         * See {@link MongoOptions#database()}.
         *
         * @throws NullPointerException if null
         * @throws IllegalArgumentException if blank, longer than 63 bytes, or holding a character
         *     MongoDB forbids in database names ({@code / \ . " $}, space, NUL)
         */
        public Builder database(String value) {
            Objects.requireNonNull(value, "database must not be null");
            if (value.isBlank()) {
                throw new IllegalArgumentException("database must not be blank, was '" + value + "'");
            }
            if (FORBIDDEN_IN_DATABASE.matcher(value).find()) {
                throw new IllegalArgumentException(
                        "database must not contain / \\ . \" $ space or NUL," + " was '" + value + "'");
            }
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_DATABASE_BYTES) {
                throw new IllegalArgumentException(
                        "database must be at most " + MAX_DATABASE_BYTES + " bytes, was '" + value + "'");
            }
            database = value;
            return this;
        }

        /** See {@link MongoOptions#readOnly()}. */
        public Builder readOnly(boolean value) {
            readOnly = value;
            return this;
        }

        /**
         * See {@link MongoOptions#journalChunkSize()}; a small size makes a crash land between chunks
         * in tests.
         *
         * @throws IllegalArgumentException unless between 1 and {@link #MAX_JOURNAL_CHUNK_SIZE}
         */
        public Builder journalChunkSize(int value) {
            if (value < 1 || value > MAX_JOURNAL_CHUNK_SIZE) {
                throw new IllegalArgumentException(
                        "journalChunkSize must be between 1 and " + MAX_JOURNAL_CHUNK_SIZE + ", was " + value);
            }
            journalChunkSize = value;
            return this;
        }

        /**
         * See {@link MongoOptions#orphanChunkAge()}. Keep it well above the longest batch write of any
         * process sharing the database.
         *
         * @throws IllegalArgumentException if under 1 minute or over 30 days
         */
        public Builder orphanChunkAge(Duration value) {
            Objects.requireNonNull(value, "orphanChunkAge must not be null");
            if (value.compareTo(Duration.ofMinutes(1)) < 0 || value.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException(
                        "orphanChunkAge must be between 1 minute and 30 days, was " + value.toMillis() + " ms");
            }
            orphanChunkAge = value;
            return this;
        }

        /** See {@link MongoOptions#clock()}. */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock must not be null");
            return this;
        }

        public MongoOptions build() {
            return new MongoOptions(this);
        }
    }
}

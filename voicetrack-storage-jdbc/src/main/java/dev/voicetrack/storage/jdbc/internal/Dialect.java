package dev.voicetrack.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the databases. The SQL of the store is otherwise shared: both accept {@code
 * INSERT ... ON CONFLICT (...) DO UPDATE SET x = table.x + excluded.x}, CTEs and {@code LIMIT ...
 * OFFSET}.
 */
enum Dialect {
    SQLITE("sqlite", "sqlite"),
    POSTGRES("postgresql", "postgres");

    /** An arbitrary constant: the advisory lock that serialises migrations across processes. */
    private static final long MIGRATION_LOCK_KEY = 0x766f696365747261L; // "voicetra"

    private final String kind;
    private final String migrationsDir;

    Dialect(String kind, String migrationsDir) {
        this.kind = kind;
        this.migrationsDir = migrationsDir;
    }

    String kind() {
        return kind;
    }

    String migrationsResourceDir() {
        return "dev/voicetrack/storage/jdbc/migrations/" + migrationsDir;
    }

    /**
     * SQLite has one writer per file: writes of this process queue on a Java lock instead of spinning
     * in the busy handler. PostgreSQL writes run concurrently under row locks.
     */
    boolean serializesWrites() {
        return this == SQLITE;
    }

    /** Appended to a SELECT that reads rows the transaction then updates. */
    String forUpdate() {
        return this == POSTGRES ? " FOR UPDATE" : "";
    }

    /** Holds other processes' migrations off until this transaction ends. */
    void lockMigrations(Connection c) throws SQLException {
        if (this == POSTGRES) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")");
            }
        }
    }

    /** Whether a failed transaction may simply be run again (deadlock or serialization failure). */
    boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return this == POSTGRES && ("40001".equals(state) || "40P01".equals(state));
    }

    /**
     * Whether a statement failed because a sum left the 64-bit integer range: PostgreSQL raises
     * {@code numeric_value_out_of_range}; SQLite turns the sum into a REAL, which a STRICT integer
     * column refuses ({@code SQLITE_CONSTRAINT_DATATYPE}).
     */
    boolean isOverflow(SQLException e) {
        if (this == POSTGRES) {
            return "22003".equals(e.getSQLState());
        }
        String message = e.getMessage();
        return message != null && message.contains("SQLITE_CONSTRAINT_DATATYPE");
    }
}

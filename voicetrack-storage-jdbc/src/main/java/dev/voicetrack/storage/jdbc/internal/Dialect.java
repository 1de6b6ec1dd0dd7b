package dev.voicetrack.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

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

    /** Completes {@code ... AND user_id } to match a list of ids bound as one parameter. */
    String inIdList() {
        return this == POSTGRES ? "= ANY (?)" : "IN (SELECT value FROM json_each(?))";
    }

    /** Binds a list of ids for {@link #inIdList()}. */
    void bindIdList(Connection c, PreparedStatement ps, int index, List<Long> ids) throws SQLException {
        if (this == POSTGRES) {
            ps.setArray(index, c.createArrayOf("bigint", ids.toArray()));
        } else {
            var json = new StringBuilder(ids.size() * 20 + 2).append('[');
            for (int i = 0; i < ids.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(ids.get(i).longValue());
            }
            ps.setString(index, json.append(']').toString());
        }
    }

    /** Whether a failed transaction may simply be run again (deadlock or serialization failure). */
    boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return this == POSTGRES && ("40001".equals(state) || "40P01".equals(state));
    }
}

package dev.voicetrack.storage.jdbc;

import java.time.Duration;

/**
 * What {@link JdbcStorage#optimize()} did. Immutable.
 *
 * @param vacuumed whether the database was rewritten (SQLite {@code VACUUM}, PostgreSQL {@code
 *     VACUUM (ANALYZE)})
 * @param sizeBeforeBytes database size before: on SQLite the bytes on disk of the database file plus
 *     its WAL; on PostgreSQL {@code pg_database_size}
 * @param sizeAfterBytes database size after, measured the same way (on SQLite after the WAL was
 *     checkpointed and truncated, so the WAL adds nothing then)
 * @param took how long the call ran
 */
public record OptimizeResult(boolean vacuumed, long sizeBeforeBytes, long sizeAfterBytes, Duration took) {}

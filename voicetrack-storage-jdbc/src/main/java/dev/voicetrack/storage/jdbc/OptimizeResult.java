package dev.voicetrack.storage.jdbc;

import java.time.Duration;

/**
 * What {@link JdbcStorage#optimize()} did. Immutable.
 *
 * @param vacuumed whether the database was rewritten (SQLite {@code VACUUM}, PostgreSQL {@code
 *     VACUUM (ANALYZE)})
 * @param sizeBeforeBytes database size before, as {@link StorageStats#databaseSizeBytes()}
 * @param sizeAfterBytes database size after
 * @param took how long the call ran
 */
public record OptimizeResult(boolean vacuumed, long sizeBeforeBytes, long sizeAfterBytes, Duration took) {}

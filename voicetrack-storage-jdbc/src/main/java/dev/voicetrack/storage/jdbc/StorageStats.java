package dev.voicetrack.storage.jdbc;

/**
 * What a {@link JdbcStorage} holds, the original's {@code getStats()} ({@code guilds, users,
 * sessions, databaseSize, filename}). Immutable.
 *
 * @param guilds guilds with a stored config or member data
 * @param users stored members, over all guilds
 * @param sessions stored session rows, open and closed
 * @param databaseSizeBytes the size of the database: pages in use times page size for SQLite, {@code
 *     pg_database_size} for PostgreSQL
 * @param filename the SQLite file (absolute path), or the PostgreSQL JDBC URL (without password)
 */
public record StorageStats(long guilds, long users, long sessions, long databaseSizeBytes, String filename) {}

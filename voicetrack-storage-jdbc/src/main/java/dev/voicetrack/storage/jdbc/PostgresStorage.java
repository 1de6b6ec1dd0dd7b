package dev.voicetrack.storage.jdbc;

/**
 * A {@link JdbcStorage} on a PostgreSQL server ({@link PostgresOptions}), made by {@link
 * JdbcStorage#postgres}. It has no backup or restore method: the server's own tools ({@code pg_dump},
 * {@code pg_restore}, continuous archiving) do that better than a client could, without stopping
 * writers. Its maintenance is {@link #stats()} and {@link #optimize()} ({@code VACUUM (ANALYZE)}); it
 * is not a {@link dev.voicetrack.core.storage.StorageBackup}.
 *
 * <pre>{@code
 * PostgresStorage storage = JdbcStorage.postgres(PostgresOptions.builder()
 *         .host("db.internal").database("voicetrack").user("bot").password(secret)
 *         .build());
 * storage.init();
 * }</pre>
 */
public non-sealed interface PostgresStorage extends JdbcStorage {}

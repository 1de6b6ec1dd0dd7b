/**
 * SQLite and PostgreSQL storage for VoiceTrack through one JDBC store: {@link
 * dev.voicetrack.storage.jdbc.JdbcStorage#sqlite(SqliteOptions)} and {@link
 * dev.voicetrack.storage.jdbc.JdbcStorage#postgres(PostgresOptions)}.
 */
@NullMarked
package dev.voicetrack.storage.jdbc;

import org.jspecify.annotations.NullMarked;

package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.OptimizeResult;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.PostgresStorage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The {@link PostgresStorage}: a {@link JdbcStore} on a server; its only maintenance is {@link #optimize()}. */
public final class PostgresStore extends JdbcStore implements PostgresStorage {

    PostgresStore(PostgresOptions options, String migrationsDir) {
        super(new PostgresTarget(options), migrationsDir, options.clock());
    }

    @Override
    long databaseSize(Connection c) throws SQLException {
        return Database.count(c, "SELECT pg_database_size(current_database())");
    }

    /** {@code VACUUM (ANALYZE)} of the VoiceTrack tables, which blocks nobody. */
    @Override
    public OptimizeResult optimize() {
        db.refuseIfReadOnly("optimize");
        long started = System.nanoTime();
        return db.withPool(ds -> {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                long before = databaseSize(c);
                s.execute("VACUUM (ANALYZE) vt_guilds, vt_members, vt_member_channels, vt_member_metadata,"
                        + " vt_daily_activity, vt_sessions, vt_schema_version");
                return new OptimizeResult(true, before, databaseSize(c), Duration.ofNanos(System.nanoTime() - started));
            } catch (SQLException e) {
                throw new StorageException("optimize failed: " + e.getMessage(), e);
            }
        });
    }
}

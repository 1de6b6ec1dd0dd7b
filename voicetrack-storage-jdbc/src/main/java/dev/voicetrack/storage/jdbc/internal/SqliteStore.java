package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.storage.jdbc.OptimizeResult;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The {@link SqliteStorage}: a {@link JdbcStore} on a file, with {@link SqliteMaintenance}. */
public final class SqliteStore extends JdbcStore implements SqliteStorage {

    private final SqliteMaintenance maintenance;

    SqliteStore(SqliteOptions options, String migrationsDir) {
        this(new SqliteTarget(options), migrationsDir);
    }

    private SqliteStore(SqliteTarget target, String migrationsDir) {
        super(target, migrationsDir, target.options().clock());
        this.maintenance = new SqliteMaintenance(db, target, ranks);
    }

    @Override
    long databaseSize(Connection c) throws SQLException {
        return Database.count(c, "PRAGMA page_count") * Database.count(c, "PRAGMA page_size");
    }

    @Override
    public boolean safeBackup(Path target) {
        return maintenance.safeBackup(target);
    }

    @Override
    public Optional<Path> restore(Path backup) {
        return maintenance.restore(backup);
    }

    @Override
    public OptimizeResult optimize() {
        return maintenance.optimize();
    }
}

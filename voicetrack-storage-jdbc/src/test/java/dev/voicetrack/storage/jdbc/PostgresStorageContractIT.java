package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The storage contract against a real PostgreSQL server ({@link PostgresServer#shared()}): each
 * storage gets its own throwaway database, dropped after the test.
 */
class PostgresStorageContractIT extends StorageContractTest {

    private final List<PostgresServer.Database> databases = new ArrayList<>();

    @Override
    protected Storage newStorage() {
        PostgresServer.Database db = PostgresServer.freshDatabase();
        databases.add(db);
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(4)
                .build());
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(PostgresServer.Database::close);
        databases.clear();
    }
}

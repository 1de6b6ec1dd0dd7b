package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The storage contract against a real PostgreSQL server ({@link PostgresServer#shared()}), with every
 * all-time rank answered by the in-memory rank indexes; each storage gets its own throwaway database.
 */
class PostgresRankIndexContractIT extends StorageContractTest {

    private final List<PostgresServer.Database> databases = new ArrayList<>();

    @Override
    protected Storage newStorage() {
        PostgresServer.Database db = PostgresServer.freshDatabase();
        databases.add(db);
        JdbcStore store = JdbcStore.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(4)
                .build());
        store.rankIndexMinMembers(0);
        return store;
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(PostgresServer.Database::close);
        databases.clear();
    }
}

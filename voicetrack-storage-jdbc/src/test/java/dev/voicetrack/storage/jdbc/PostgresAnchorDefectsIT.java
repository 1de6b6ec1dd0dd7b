package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterEach;

class PostgresAnchorDefectsIT extends AnchorDefectsRegressionTest {

    private PostgresServer.Database db;

    @Override
    Storage newStorage() {
        db = PostgresServer.freshDatabase();
        return reopen();
    }

    @Override
    Storage reopen() {
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .build());
    }

    @AfterEach
    void drop() {
        storage.close();
        db.close();
    }
}

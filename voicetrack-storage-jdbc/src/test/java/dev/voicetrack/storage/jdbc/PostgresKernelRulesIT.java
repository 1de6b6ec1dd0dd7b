package dev.voicetrack.storage.jdbc;

import dev.voicetrack.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;

/** {@link JdbcKernelRulesCheck} on a real PostgreSQL server, a throwaway database per test. */
class PostgresKernelRulesIT extends JdbcKernelRulesCheck {

    private PostgresServer.Database db;

    @Override
    JdbcStorage newStorage() {
        db = PostgresServer.freshDatabase();
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .build());
    }

    @Override
    Connection connect() throws SQLException {
        return db.connect();
    }

    @Override
    void dispose() {
        db.close();
    }
}

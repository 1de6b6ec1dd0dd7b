package dev.voicetrack.storage.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcKernelRulesCheck} on a SQLite file. */
class SqliteKernelRulesTest extends JdbcKernelRulesCheck {

    @TempDir
    Path dir;

    @Override
    JdbcStorage newStorage() {
        return JdbcStorage.sqlite(
                SqliteOptions.builder().file(dir.resolve("rules.db")).build());
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rules.db"));
    }
}

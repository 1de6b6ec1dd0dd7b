package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.testkit.postgres.PostgresServer;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The kernel's streak and last-seen SQL forms, run by a real PostgreSQL, give what its Java rule gives. */
class PostgresKernelCompatibilityIT {

    @Test
    void sqlStreakAndLastSeen_matchTheJavaRule_onPostgres() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase();
                Connection c = db.connect()) {
            KernelCompatibilityTest.checkSqlFormsAgainstTheJavaRule(c, "BIGINT");
        }
    }
}

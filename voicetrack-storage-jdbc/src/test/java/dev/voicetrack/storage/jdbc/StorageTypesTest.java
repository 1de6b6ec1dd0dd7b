package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageOptimizer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two JDBC storage types: backup and restore belong to {@link SqliteStorage}, so code decides by
 * type; {@link PostgresStorage} has neither method (its server-backed behaviour is in {@code
 * PostgresOperationsIT}). Each backend has an options object with defaults.
 */
class StorageTypesTest {

    static final long G = 3;
    static final Instant T = Instant.parse("2024-06-01T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void jdbcStorage_isEitherSqliteOrPostgres() {
        assertThat(JdbcStorage.class.isSealed()).isTrue();
        assertThat(JdbcStorage.class.getPermittedSubclasses())
                .containsExactlyInAnyOrder(SqliteStorage.class, PostgresStorage.class);
    }

    @Test
    void backupAndRestore_areSqliteStorageMethods_only() {
        assertThat(methodNames(SqliteStorage.class)).contains("safeBackup", "restore");
        assertThat(methodNames(JdbcStorage.class)).doesNotContain("safeBackup", "restore");
        assertThat(methodNames(PostgresStorage.class)).doesNotContain("safeBackup", "restore");
    }

    @Test
    void sqliteStorage_backsUpAsStorageMaintenance_andRestoresThroughItsType() {
        Path live = dir.resolve("live.db");
        Path backup = dir.resolve("backups").resolve("one.db");
        try (SqliteStorage sqlite =
                JdbcStorage.sqlite(SqliteOptions.builder().file(live).build())) {
            sqlite.init();
            credit(sqlite, 1, 40);

            // what the JDA /backup command and the bot see: a Storage that offers maintenance
            Storage asStorage = sqlite;
            assertThat(asStorage).isInstanceOf(SqliteStorage.class);
            assertThat(asStorage).isInstanceOf(StorageBackup.class);
            assertThat(((StorageBackup) asStorage).backup(backup)).isTrue();
            assertThat(backup).isRegularFile();

            credit(sqlite, 1, 60);
            credit(sqlite, 2, 5);
            assertThat(sqlite.member(G, 1).orElseThrow().xp()).isEqualTo(100);

            assertThat(sqlite.restore(backup)).isEmpty(); // the replaced file was sound, so nothing was kept
            assertThat(sqlite.member(G, 1).orElseThrow().xp()).isEqualTo(40);
            assertThat(sqlite.member(G, 2)).isEmpty();
            assertThat(sqlite.memberCount(G)).isEqualTo(1);
            credit(sqlite, 1, 2); // the restored database takes writes
            assertThat(sqlite.member(G, 1).orElseThrow().xp()).isEqualTo(42);
        }
    }

    @Test
    void postgresOptions_defaults_areTheDocumentedConstants() {
        PostgresOptions o = PostgresOptions.defaults();
        assertThat(o).isSameAs(PostgresOptions.defaults());
        assertThat(o.jdbcUrl())
                .isEqualTo("jdbc:postgresql://" + PostgresOptions.DEFAULT_HOST + ":" + PostgresOptions.DEFAULT_PORT
                        + "/" + PostgresOptions.DEFAULT_DATABASE);
        assertThat(o.user()).isEqualTo(PostgresOptions.DEFAULT_USER);
        assertThat(o.password()).isEmpty();
        assertThat(o.poolSize()).isEqualTo(PostgresOptions.DEFAULT_POOL_SIZE);
        assertThat(o.connectionTimeout()).isEqualTo(PostgresOptions.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(o.connectTimeout()).isEqualTo(PostgresOptions.DEFAULT_CONNECT_TIMEOUT);
        assertThat(o.socketTimeout()).isEqualTo(PostgresOptions.DEFAULT_SOCKET_TIMEOUT);
        assertThat(o.statementTimeout()).isEqualTo(PostgresOptions.DEFAULT_STATEMENT_TIMEOUT);
        assertThat(o.readOnly()).isFalse();
        assertThat(o.toBuilder().poolSize(3).build().poolSize()).isEqualTo(3);
    }

    @Test
    void postgresFactory_returnsPostgresStorage_withoutConnecting() {
        try (PostgresStorage pg = JdbcStorage.postgres(PostgresOptions.defaults())) {
            assertThat(pg.databaseKind()).isEqualTo("postgresql");
            assertThat(pg).isNotInstanceOf(StorageBackup.class).isInstanceOf(StorageOptimizer.class);
        }
    }

    private static void credit(Storage s, long user, long xp) {
        s.apply(new Batch(
                List.of(new MemberDelta(G, user, 7, LocalDate.of(2024, 6, 1), 1000, xp, 0, 0, T)), List.of()));
    }

    private static List<String> methodNames(Class<?> type) {
        return Arrays.stream(type.getMethods()).map(Method::getName).toList();
    }
}

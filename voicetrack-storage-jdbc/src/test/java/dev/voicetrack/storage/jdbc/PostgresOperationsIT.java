package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL operations: stats, optimize, migrations, and the backup it does not have. */
class PostgresOperationsIT {

    PostgresServer.Database db;
    PostgresStorage storage;

    private PostgresStorage open() {
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .build());
    }

    @BeforeEach
    void setUp() {
        db = PostgresServer.freshDatabase();
        storage = open();
        storage.init();
    }

    @AfterEach
    void tearDown() {
        storage.close();
        db.close();
    }

    private void fill(int members) {
        var deltas = new ArrayList<MemberDelta>();
        for (long u = 1; u <= members; u++) {
            deltas.add(new MemberDelta(
                    5, u, 7, LocalDate.of(2024, 6, 1), u, u, 0, 1, Instant.parse("2024-06-01T00:00:00.5Z")));
        }
        storage.apply(new Batch(deltas, List.of()));
    }

    @Test
    void stats_andOptimize_work() {
        fill(1000);
        StorageStats stats = storage.stats();
        assertThat(stats.guilds()).isEqualTo(1);
        assertThat(stats.users()).isEqualTo(1000);
        assertThat(stats.databaseSizeBytes()).isGreaterThan(0);
        assertThat(stats.filename()).isEqualTo(db.jdbcUrl());
        assertThat(storage.databaseKind()).isEqualTo("postgresql");
        storage.deleteGuild(5);
        assertThat(storage.optimize().vacuumed()).isTrue();
        fill(1);
        assertThat(storage.member(5, 1).orElseThrow().xp()).isEqualTo(1);
    }

    @Test
    void postgresStorage_offersStatsAndOptimize_butNoBackup_asStorageMaintenance() {
        fill(10);
        dev.voicetrack.core.storage.StorageOptimizer m = storage;
        var stats = m.maintenanceStats();
        assertThat(stats.backend()).isEqualTo("PostgreSQL");
        assertThat(stats.users()).isEqualTo(10);
        assertThat(stats.location()).isEqualTo(db.jdbcUrl());
        assertThat(m.optimizeStorage().sizeBytesAfter()).isPositive();
        assertThat(m).isNotInstanceOf(dev.voicetrack.core.storage.StorageBackup.class);
    }

    @Test
    void postgresStorage_isNoSqliteStorage_andHasNoBackupOrRestoreMethod() {
        JdbcStorage asJdbc = storage;
        assertThat(asJdbc).isInstanceOf(PostgresStorage.class).isNotInstanceOf(SqliteStorage.class);
        assertThat(Arrays.stream(PostgresStorage.class.getMethods()).map(Method::getName))
                .doesNotContain("safeBackup", "restore")
                .contains("optimize", "stats");
    }

    @Test
    void migrations_areRecorded_andANewerDatabaseIsRefused() throws Exception {
        JdbcStorage second = open();
        second.init(); // a second process starting on the same database applies nothing twice
        second.close();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM vt_schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getInt(2)).isEqualTo(3);
            }
            s.execute("INSERT INTO vt_schema_version VALUES (7, 'future', 0)");
        }
        JdbcStorage newer = open();
        assertThatThrownBy(newer::init)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("database schema version 7 is newer than this VoiceTrack supports (3)");
        newer.close();
    }

    private JdbcStorage openReadOnly(String jdbcUrl) {
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(jdbcUrl)
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .readOnly(true)
                .build());
    }

    @Test
    void readOnly_readsButRefusesWrites_evenInTheDatabase() throws Exception {
        fill(10);
        try (JdbcStorage ro = openReadOnly(db.jdbcUrl())) {
            ro.init();
            assertThat(ro.exportGuild(5).memberCount()).isEqualTo(10);
            assertThatThrownBy(() -> ro.setXp(5, 1, 99, 0)).hasMessageContaining("read-only");
            assertThatThrownBy(ro::optimize).hasMessageContaining("read-only");
        }
        assertThat(storage.member(5, 1).orElseThrow().xp()).isEqualTo(1);
    }

    @Test
    void readOnly_onAnEmptyDatabase_refusesAndCreatesNoTable() throws Exception {
        try (PostgresServer.Database empty = PostgresServer.freshDatabase();
                JdbcStorage ro = openReadOnly(empty.jdbcUrl())) {
            assertThatThrownBy(ro::init).hasMessageContaining("is not a VoiceTrack database");
            try (Connection c = java.sql.DriverManager.getConnection(empty.jdbcUrl(), db.user(), db.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'vt\\_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}

package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.internal.JdbcStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned migrations: applied at start, in order, atomically; a newer database is refused. */
class SqliteMigrationsTest {

    @TempDir
    Path dir;

    private static final MemberDelta DELTA =
            new MemberDelta(1, 2, 3, LocalDate.of(2024, 1, 1), 100, 10, 0, 0, Instant.parse("2024-01-01T00:00:00Z"));

    private SqliteOptions options() {
        return SqliteOptions.builder().file(dir.resolve("m.db")).build();
    }

    private List<Integer> versions() throws Exception {
        var out = new ArrayList<Integer>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("m.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM vt_schema_version ORDER BY version")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private boolean tableExists(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("m.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aNewDatabase_getsEveryMigration_once() throws Exception {
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            store.init();
            store.init();
            assertThat(store.migrationVersion()).isEqualTo(3);
        }
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            store.init();
        }
        assertThat(versions()).containsExactly(1, 2, 3);
    }

    @Test
    void anOlderDatabase_isMigratedForwardAtStart_keepingItsData() throws Exception {
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            store.init();
            store.apply(new Batch(List.of(DELTA), List.of()));
        }
        try (JdbcStore store = JdbcStore.sqlite(options(), "testmigrations/good/sqlite")) {
            store.init();
            assertThat(store.migrationVersion()).isEqualTo(4);
            assertThat(store.member(1, 2).orElseThrow().xp()).isEqualTo(10);
        }
        assertThat(versions()).containsExactly(1, 2, 3, 4);
        assertThat(tableExists("vt_test_extra")).isTrue();
    }

    @Test
    void aFailingMigration_rollsBackEntirely_andInitFails() throws Exception {
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            store.init();
            store.apply(new Batch(List.of(DELTA), List.of()));
        }
        try (JdbcStore store = JdbcStore.sqlite(options(), "testmigrations/bad/sqlite")) {
            assertThatThrownBy(store::init)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("testmigrations/bad/sqlite/V4.sql failed");
        }
        assertThat(versions()).containsExactly(1, 2, 3);
        assertThat(tableExists("vt_half_done")).isFalse();
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            store.init();
            assertThat(store.member(1, 2).orElseThrow().xp()).isEqualTo(10);
        }
    }

    @Test
    void aDatabaseOfANewerSchema_isRefused_andNotTouched() throws Exception {
        try (JdbcStore store = JdbcStore.sqlite(options(), "testmigrations/good/sqlite")) {
            store.init();
        }
        try (JdbcStore store = JdbcStore.sqlite(options())) {
            assertThatThrownBy(store::init)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("database schema version 4 is newer than this VoiceTrack supports (3)");
        }
        assertThat(versions()).containsExactly(1, 2, 3, 4);
    }
}

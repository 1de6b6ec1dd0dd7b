package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL database written by the previous release (commit c6b66f4; {@code
 * forward-migration/v1/postgres.sql}, its plain {@code pg_dump}, see {@link
 * ForwardMigrationFixtureGenerator}) is loaded into a throwaway database, opened with today's code,
 * migrated forward, read back value by value, and takes new writes that continue its totals and
 * streaks.
 */
class PostgresForwardMigrationIT {

    static final String FIXTURE = "/forward-migration/v1/" + ForwardMigrationFixtureGenerator.POSTGRES_DUMP;

    private PostgresServer.Database db;

    @BeforeEach
    void loadDump() throws Exception {
        db = PostgresServer.freshDatabase();
        String dump;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(FIXTURE), FIXTURE)) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Lines starting with a backslash are psql meta-commands (the restrict/unrestrict guard lines
        // newer pg_dump releases write), not SQL; the rest is plain statements, run one after another.
        String sql = dump.lines().filter(l -> !l.startsWith("\\")).collect(Collectors.joining("\n"));
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private PostgresStorage open() {
        return JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .build());
    }

    @Test
    void dumpOfThePreviousRelease_opensMigratesAndReadsBackEveryValue() throws Exception {
        List<List<Long>> before = versions();
        assertThat(before).extracting(v -> v.get(0)).containsExactly(1L, 2L);
        assertThat(count("vt_members")).isEqualTo(31);
        try (PostgresStorage storage = open()) {
            storage.init();
            ForwardMigrationFixture.verify(storage);
        }
        List<List<Long>> after = versions();
        assertThat(after.subList(0, 2)).containsExactlyElementsOf(before);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.get(i).get(0)).isEqualTo(i + 1L);
        }
    }

    @Test
    void dumpOfThePreviousRelease_takesNewWrites_thatContinueTotalsAndStreaks() {
        try (PostgresStorage storage = open()) {
            storage.init();
            ForwardMigrationFixture.continueAndVerify(storage);
        }
        try (PostgresStorage reopened = open()) {
            reopened.init();
            assertThat(ForwardMigrationFixture.observed(reopened))
                    .isEqualTo(ForwardMigrationFixture.expectedAfterContinuation());
        }
    }

    private List<List<Long>> versions() throws Exception {
        var out = new ArrayList<List<Long>>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT version, applied_at_ms FROM vt_schema_version ORDER BY version")) {
            while (rs.next()) {
                out.add(List.of(rs.getLong(1), rs.getLong(2)));
            }
        }
        return out;
    }

    private long count(String table) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package dev.voicetrack.storage.jdbc;

import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes the forward-migration fixtures of this module with the code of the commit it runs on: the
 * {@link ForwardMigrationFixture} history into a SQLite file and into a PostgreSQL database, which
 * is then dumped as plain SQL with {@code pg_dump}. Not a test: run by hand, once per stored format.
 *
 * <p>The committed fixtures under {@code src/test/resources/forward-migration/v1/} were produced at
 * commit c6b66f4 with (from the repository root; PostgreSQL at {@code PGHOST}/{@code PGPORT} or
 * self-started, {@code pg_dump} on the PATH):
 *
 * <pre>
 * ./mvnw -o -X -pl voicetrack-storage-jdbc -am test-compile &gt; /tmp/build.log   # after touching a test source
 * CP=$(grep -o -- '-classpath [^ ]*voicetrack-storage-jdbc/target/test-classes[^ ]*' /tmp/build.log | tail -1 | cut -d' ' -f2)
 * java -cp "$CP" dev.voicetrack.storage.jdbc.ForwardMigrationFixtureGenerator voicetrack-storage-jdbc/src/test/resources/forward-migration/v1
 * </pre>
 *
 * (that is the module's test classpath, reactor modules as {@code target/classes}; {@code
 * dependency:build-classpath} gives the same where the plugin is available). The expected values,
 * {@code forward-migration-v1-expected.txt} in the testkit, come from {@code
 * ForwardMigrationFixture.main} on the same classpath, not from any storage.
 */
public final class ForwardMigrationFixtureGenerator {

    static final String SQLITE_FILE = "voicetrack.db";
    static final String POSTGRES_DUMP = "postgres.sql";

    private ForwardMigrationFixtureGenerator() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Clock clock = Clock.fixed(ForwardMigrationFixture.WRITTEN_AT, ZoneOffset.UTC);
        Path db = out.resolve(SQLITE_FILE);
        if (Files.exists(db)) {
            throw new IllegalStateException(db + " exists; delete it first");
        }
        try (SqliteStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).clock(clock).build())) {
            storage.init();
            ForwardMigrationFixture.write(storage);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            s.execute("PRAGMA journal_mode=DELETE"); // one self-contained file, no -wal/-shm
        }
        for (String suffix : List.of("-wal", "-shm", ".lock")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
        checkNoLeftovers(db);
        System.out.println("wrote " + db + " (" + Files.size(db) + " bytes)");

        try (PostgresServer.Database pg = PostgresServer.freshDatabase()) {
            try (PostgresStorage storage = JdbcStorage.postgres(PostgresOptions.builder()
                    .jdbcUrl(pg.jdbcUrl())
                    .user(pg.user())
                    .password(pg.password())
                    .clock(clock)
                    .build())) {
                storage.init();
                ForwardMigrationFixture.write(storage);
            }
            Path dump = out.resolve(POSTGRES_DUMP);
            var cmd = new ArrayList<>(List.of(
                    "pg_dump",
                    "--host=" + pg.host(),
                    "--port=" + pg.port(),
                    "--username=" + pg.user(),
                    "--no-owner",
                    "--no-privileges",
                    "--no-comments",
                    "--inserts",
                    "--file=" + dump,
                    pg.name()));
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pg_dump failed: " + cmd);
            }
            String header = "-- VoiceTrack forward-migration fixture: the ForwardMigrationFixture history written by\n"
                    + "-- PostgresStorage at commit c6b66f4 and dumped with pg_dump (see\n"
                    + "-- ForwardMigrationFixtureGenerator). Do not edit: it is what the previous release wrote.\n";
            Files.writeString(dump, header + Files.readString(dump, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            System.out.println("wrote " + dump + " (" + Files.size(dump) + " bytes)");
        }
    }

    static void checkNoLeftovers(Path db) throws IOException {
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            if (Files.exists(Path.of(db + suffix))) {
                throw new IllegalStateException(db + suffix + " left next to the fixture");
            }
        }
    }
}

package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import dev.voicetrack.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack migrate}, {@code backup}, {@code restore} and {@code stats}, run in-process. */
class MigrateCommandTest {
    private static final long GUILD = 111_111_111_111L;

    @TempDir
    Path tmp;

    private String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                Map.of("VOICETRACK_ENV_FILE", tmp.resolve("none.env").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path seedSqlite() {
        Path db = tmp.resolve("source.db");
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(storage)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                for (long user = 1; user <= 25; user++) {
                    tracker.addXp(GUILD, 900_000_000_000L + user, user * 10);
                }
            }
        }
        return db;
    }

    @Test
    void migrate_sqliteToJsonToMongo_copiesAndVerifies_withProgress() throws Exception {
        Path db = seedSqlite();
        Path json = tmp.resolve("json");
        String out = run("migrate", "--from", "sqlite:" + db, "--to", "json:" + json);
        assertThat(out).contains("1/1 guilds").contains("Done and verified: 1 guilds, 25 members");
        try (JsonStorage storage = JsonStorage.open(json)) {
            storage.init();
            MemberStats m = storage.member(GUILD, 900_000_000_025L).orElseThrow();
            assertThat(m.xp()).isEqualTo(250);
            assertThat(storage.memberCount(GUILD)).isEqualTo(25);
        }

        MongoServer mongo = new MongoServer(new MemoryBackend());
        try {
            mongo.bind("127.0.0.1", 0);
            var address = mongo.getLocalAddress();
            String uri = "mongodb://127.0.0.1:" + address.getPort();
            String again = run("migrate", "--from", "json:" + json, "--to", "mongo:" + uri);
            assertThat(again).contains("Done and verified: 1 guilds, 25 members");
            try (MongoStorage storage = MongoStorage.create(uri, "voicetracker")) {
                storage.init();
                assertThat(storage.member(GUILD, 900_000_000_007L).orElseThrow().xp())
                        .isEqualTo(70);
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void backupThenRestore_roundTrips_andStatsCounts() throws Exception {
        Path db = seedSqlite();
        Map<String, String> env = Map.of("SQLITE_DB_PATH", db.toString());
        Path backup = tmp.resolve("b/manual.db");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[] {"backup", "--to", backup.toString()}, env, ps, System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("verified");
        assertThat(backup).exists();

        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            storage.deleteGuild(GUILD);
        }
        assertThat(Main.run(new String[] {"restore", "--from", backup.toString()}, env, ps, System.err))
                .isZero();
        out.reset();
        assertThat(Main.run(new String[] {"stats"}, env, ps, System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("guilds:   1").contains("users:    25");
    }

    @Test
    void migrate_badSpec_namesTheOption() {
        assertThatThrownBy(() -> run("migrate", "--from", "oracle:x", "--to", "json:" + tmp))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from")
                .hasMessageContaining("oracle:x");
    }
}

package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import dev.voicetrack.testkit.dvt.DvtFixture;
import dev.voicetrack.testkit.dvt.DvtFixture.Precision;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code voicetrack import} through the real CLI entry point: each of discord-vc-tracker's formats
 * (JSON files, SQLite, MongoDB) into each backend (SQLite, PostgreSQL from the testkit's launcher,
 * JSON, MongoDB on the in-process wire-protocol server), every number checked through VoiceTrack's
 * own queries after each import. The three imports run one after another into the same target, so
 * each also shows that an import replaces the guilds it brings and never doubles them.
 */
class ImportCommandIT {
    enum Target {
        SQLITE,
        POSTGRES,
        JSON,
        MONGO
    }

    private static MongoServer mongo;
    private static String mongoUri;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startMongo() {
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        mongoUri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
        try (MongoClient client = MongoClients.create(mongoUri)) {
            var db = client.getDatabase("voicetracker");
            DvtFixture.mongoDocuments().forEach((name, docs) -> db.getCollection(name)
                    .insertMany(docs.stream().map(Document::new).toList()));
        }
    }

    @AfterAll
    static void stopMongo() {
        mongo.shutdownNow();
    }

    private String run(Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(env);
        all.put("VOICETRACK_ENV_FILE", tmp.resolve("none.env").toString());
        int code = Main.run(
                args,
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err.toString(StandardCharsets.UTF_8)).isZero();
        return text;
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void everyDvtFormat_intoEveryBackend_readsBackExactly(Target target) throws Exception {
        Path json = tmp.resolve("dvt-json");
        DvtFixture.writeJson(json);
        Path sqlite = DvtFixture.writeSqlite(tmp.resolve("dvt-sqlite/voice-tracker.db"));
        Map<String, String> env = new HashMap<>();
        String to;
        Supplier<Storage> open;
        PostgresServer.Database pg = null;
        switch (target) {
            case SQLITE -> {
                Path db = tmp.resolve("vt/voice-tracker.db");
                to = "sqlite:" + db;
                open = () -> JdbcStorage.sqlite(SqliteOptions.builder().file(db).build());
            }
            case POSTGRES -> {
                PostgresServer.Database db = PostgresServer.freshDatabase();
                pg = db;
                env.put("POSTGRES_USER", db.user());
                env.put("POSTGRES_PASSWORD", db.password());
                to = "postgres:" + db.jdbcUrl();
                open = () -> JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(db.jdbcUrl())
                        .user(db.user())
                        .password(db.password())
                        .build());
            }
            case JSON -> {
                Path dir = tmp.resolve("vt-json");
                to = "json:" + dir;
                open = () -> JsonStorage.open(dir);
            }
            default -> {
                env.put("MONGODB_DATABASE", "vt");
                to = "mongo:" + mongoUri;
                open = () -> MongoStorage.create(mongoUri, "vt");
            }
        }
        try {
            List<String[]> sources = List.of(
                    new String[] {"dvt-json:" + json, Precision.MILLIS.name()},
                    new String[] {"dvt-sqlite:" + sqlite, Precision.SECONDS.name()},
                    new String[] {"dvt-mongo:" + mongoUri + "#voicetracker", Precision.MILLIS.name()});
            for (String[] source : sources) {
                String out = run(env, "import", "--from", source[0], "--to", to);
                assertThat(out)
                        .contains("Checked: 2 guilds, 3 members, 4 channels, 4 sessions")
                        .contains("2/2 guilds")
                        .contains(
                                "Done: 2 guilds, 3 members, 4 channels, 4 sessions; 3 skipped, 3 changed, 2 inconsistent")
                        .contains("INCONSISTENT guild " + DvtFixture.GUILD_A + " user " + DvtFixture.USER_2);
                try (Storage s = open.get()) {
                    s.init();
                    DvtFixture.check(s, Precision.valueOf(source[1]));
                    assertThat(s.guildIds()).containsExactlyInAnyOrderElementsOf(DvtFixture.guildIds());
                }
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }
}

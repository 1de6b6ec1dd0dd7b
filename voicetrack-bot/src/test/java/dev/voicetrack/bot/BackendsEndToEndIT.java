package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 24, "Every backend end to end": the packaged bot ({@code java -jar voicetrack.jar run}) against the
 * emulator on SQLite, PostgreSQL (a throwaway database), JSON (a temporary directory) and MongoDB (an in-process
 * wire-protocol server on a loopback port), with the storages' own maintenance behind {@code /dbstats}, {@code
 * /backup} and {@code /optimize}. For each: a member joins voice and accrues, {@code /stats} and the admin API
 * agree, the maintenance commands answer, and a SIGTERM followed by a restart resumes the open session exactly
 * once. Every run has its own emulator, work directory and database.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BackendsEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHECK_MS = 300;
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);

    /** One backend: how the bot is pointed at it, how the test reads it afterwards, and what it supports. */
    enum Backend {
        SQLITE("SQLite", true, true),
        POSTGRES("PostgreSQL", false, true),
        JSON("JSON", false, false),
        MONGO("MongoDB", false, false);

        final String name;
        final boolean backup;
        final boolean optimize;

        Backend(String name, boolean backup, boolean optimize) {
            this.name = name;
            this.backup = backup;
            this.optimize = optimize;
        }
    }

    @TempDir
    Path tmp;

    private DiscordEmulator discord;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel lounge;
    private EmulatedMember owner;
    private EmulatedMember alice;
    private Path work;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("backends");
        general = guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        owner = guild.addMember("owner", false);
        owner.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
        alice = guild.addMember("alice", false);
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        discord.close();
    }

    /** Starts what the backend needs; returns the bot's settings and a way to open the same data in the test. */
    private Map<String, String> prepare(Backend backend, List<Supplier<Storage>> reader) {
        Map<String, String> env = new LinkedHashMap<>(BotProcess.emulatorEnv(discord, CHECK_MS + "ms"));
        // These tests prove exact values through each backend, not time bounds (StorageOutageIT does):
        // at a 300 ms interval "auto" allows a storage call 250 ms, which a loaded 2-core CI machine can
        // exceed on the in-process MongoDB server, failing a query that would have answered.
        env.put("STORAGE_TIMEOUT", "10s");
        switch (backend) {
            case SQLITE -> {
                Path db = work.resolve("data/voice-tracker.db");
                env.put("VOICETRACK_STORAGE", "sqlite");
                env.put("SQLITE_DB_PATH", db.toString());
                reader.add(() ->
                        JdbcStorage.sqlite(SqliteOptions.builder().file(db).build()));
            }
            case POSTGRES -> {
                PostgresServer.Database db = PostgresServer.freshDatabase();
                resources.add(db);
                env.put("VOICETRACK_STORAGE", "postgres");
                env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
                env.put("POSTGRES_USER", db.user());
                env.put("POSTGRES_PASSWORD", db.password());
                reader.add(() -> JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(db.jdbcUrl())
                        .user(db.user())
                        .password(db.password())
                        .build()));
            }
            case JSON -> {
                Path dir = tmp.resolve("json-data");
                env.put("VOICETRACK_STORAGE", "json");
                env.put("JSON_DATA_DIR", dir.toString());
                reader.add(() -> JsonStorage.open(dir));
            }
            case MONGO -> {
                MongoServer mongo = new MongoServer(new MemoryBackend());
                mongo.bind("127.0.0.1", 0);
                resources.add(mongo::shutdownNow);
                String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
                env.put("VOICETRACK_STORAGE", "mongo");
                env.put("MONGODB_URI", uri);
                env.put("MONGODB_DATABASE", "voicetrack_e2e");
                reader.add(() -> MongoStorage.create(uri, "voicetrack_e2e"));
            }
        }
        return env;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void packagedBot_tracksAnswersMaintainsAndResumes(Backend backend) throws Exception {
        List<Supplier<Storage>> reader = new ArrayList<>();
        Map<String, String> env = prepare(backend, reader);
        String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
        long atTerm;
        String openSession;
        try (BotProcess bot = BotProcess.start(work, env, "run")) {
            bot.awaitLine("voicetrack: ready");

            // a first session: join, accrue, leave; then the numbers stand still
            alice.joinVoice(lounge);
            BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);
            BotProcess.await(
                    "some accrual", () -> api(bot, user).get("voiceTimeMs").asLong() >= 3 * CHECK_MS);
            leaveAndAwaitATick(bot);
            JsonNode stored = api(bot, user);
            assertThat(stored.get("sessions").asInt()).isEqualTo(1);

            // /stats through the emulator's interactions agrees with the admin API
            RecordedMessage stats =
                    alice.invokeCommand(general, "stats", Map.of()).awaitReply(WAIT);
            Map<String, String> fields = fields(stats);
            assertThat(title(stats)).isEqualTo("Voice stats for alice");
            assertThat(fields)
                    .containsEntry(
                            "Voice time",
                            LevelCalculator.formatVoiceTime(
                                    stored.get("voiceTimeMs").asLong()))
                    .containsEntry(
                            "XP",
                            String.format(Locale.ROOT, "%,d", stored.get("xp").asLong()))
                    .containsEntry("Level", stored.get("level").asText())
                    .containsEntry("Rank", "#" + stored.get("rank").asInt());

            // the storage's own maintenance behind the admin commands
            RecordedMessage dbstats =
                    owner.invokeCommand(general, "dbstats", Map.of()).awaitReply(WAIT);
            assertThat(dbstats.ephemeral()).isTrue();
            assertThat(title(dbstats)).as(dbstats.content()).isEqualTo(backend.name + " statistics");
            assertThat(fields(dbstats))
                    .containsEntry("Guilds", "1")
                    .containsEntry("Users", "1")
                    .containsEntry("Sessions", "1")
                    .containsKey("Size");

            RecordedMessage backup =
                    owner.invokeCommand(general, "backup", Map.of()).awaitReply(WAIT);
            assertThat(backup.ephemeral()).isTrue();
            if (backend.backup) {
                assertThat(backup.content()).startsWith("✅ Backup written: `");
                String file = backup.content().substring("✅ Backup written: `".length());
                Path written = work.resolve(file.substring(0, file.indexOf('`')));
                assertThat(written).isRegularFile();
                try (JdbcStorage copy =
                        JdbcStorage.sqlite(SqliteOptions.builder().file(written).build())) {
                    copy.init();
                    assertThat(copy.member(guild.id(), alice.user().id())
                                    .orElseThrow()
                                    .voiceTimeMs())
                            .isEqualTo(stored.get("voiceTimeMs").asLong());
                }
            } else {
                assertThat(backup.content()).isEqualTo("❌ /backup is not supported by " + backend.name + " storage.");
            }

            RecordedMessage optimize =
                    owner.invokeCommand(general, "optimize", Map.of()).awaitReply(WAIT);
            assertThat(optimize.ephemeral()).isTrue();
            if (backend.optimize) {
                assertThat(optimize.content()).startsWith("✅ Storage optimized in ");
            } else {
                assertThat(optimize.content())
                        .isEqualTo("❌ /optimize is not supported by " + backend.name + " storage.");
            }

            // a second session, open when the bot is stopped
            long before = stored.get("voiceTimeMs").asLong();
            alice.joinVoice(lounge);
            BotProcess.await(
                    "the second session", () -> api(bot, user).get("sessions").asInt() == 2);
            BotProcess.await(
                    "accrual in the second session",
                    () -> api(bot, user).get("voiceTimeMs").asLong() >= before + 3 * CHECK_MS);
            assertThat(bot.terminate()).as(bot.stderr()).isIn(0, 143);
            assertThat(bot.stdoutLines()).as(bot.stderr()).contains("voicetrack: stopped");
        }
        try (Storage storage = open(reader)) {
            atTerm = storage.member(guild.id(), alice.user().id()).orElseThrow().voiceTimeMs();
            List<VoiceSession> open = storage.openSessions();
            assertThat(open)
                    .extracting(VoiceSession::userId)
                    .containsExactly(alice.user().id());
            openSession = open.get(0).id();
        }

        // restart with alice still in voice: the stored open session is resumed, once
        try (BotProcess bot = BotProcess.start(work, env, "run")) {
            bot.awaitLine("voicetrack: ready");
            BotProcess.await(
                    "accrual after the restart",
                    () -> api(bot, user).get("voiceTimeMs").asLong() > atTerm + 2 * CHECK_MS);
            assertThat(api(bot, user).get("sessions").asInt()).isEqualTo(2);
            leaveAndAwaitATick(bot);
            assertThat(bot.terminate()).as(bot.stderr()).isIn(0, 143);
        }
        try (Storage storage = open(reader)) {
            MemberStats m = storage.member(guild.id(), alice.user().id()).orElseThrow();
            List<VoiceSession> sessions =
                    storage.sessions(guild.id(), alice.user().id(), 10);
            assertThat(sessions).hasSize(2).noneMatch(VoiceSession::open);
            assertThat(sessions)
                    .extracting(VoiceSession::id)
                    .containsOnlyOnce(openSession)
                    .doesNotHaveDuplicates();
            assertThat(m.sessions()).isEqualTo(2);
            assertThat(m.voiceTimeMs()).isGreaterThan(atTerm);
            assertThat(storage.openSessions()).isEmpty();
        }
    }

    private static Storage open(List<Supplier<Storage>> reader) {
        Storage s = reader.get(0).get();
        s.init();
        return s;
    }

    private static JsonNode api(BotProcess bot, String path) throws Exception {
        return JSON.readTree(bot.get(path).body());
    }

    /** Alice leaves voice; returns once a tick that started after the leave has finished. */
    private void leaveAndAwaitATick(BotProcess bot) throws Exception {
        Instant left = Instant.now();
        alice.leaveVoice();
        BotProcess.await("a tick after the leave", () -> {
            JsonNode h = JSON.readTree(bot.get("/health").body());
            return h.has("lastTick")
                    && Instant.parse(h.get("lastTick").get("at").asText()).isAfter(left.plusMillis(CHECK_MS));
        });
    }

    private static String title(RecordedMessage m) {
        assertThat(m.embeds()).as(m.content()).hasSize(1);
        return String.valueOf(m.embeds().get(0).get("title"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(RecordedMessage m) {
        assertThat(m.embeds()).as(m.content()).hasSize(1);
        Map<String, String> out = new LinkedHashMap<>();
        Object fields = m.embeds().get(0).get("fields");
        if (fields instanceof List<?> list) {
            for (Object f : list) {
                Map<String, Object> field = (Map<String, Object>) f;
                out.put(String.valueOf(field.get("name")), String.valueOf(field.get("value")));
            }
        }
        return out;
    }
}

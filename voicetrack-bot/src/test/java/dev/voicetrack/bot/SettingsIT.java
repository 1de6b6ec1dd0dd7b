package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings problems as an operator meets them with the packaged bot: exit status, stderr, files. */
class SettingsIT {
    @TempDir
    Path tmp;

    DiscordEmulator discord;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        discord = DiscordEmulator.start();
        discord.createGuild("settings").createVoiceChannel("Lounge");
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void tearDown() {
        discord.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(BotProcess.emulatorEnv(discord, "500ms"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private List<Path> filesIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).toList();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<String> voicetrackLines(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("voicetrack:")).toList();
    }

    @Test
    void runWithoutToken_printsTheTokenMessageAlone_noShutdownLines() throws Exception {
        try (BotProcess bot = BotProcess.start(work, Map.of(), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stdoutLines()).isEmpty();
            assertThat(bot.stderr().lines().toList())
                    .singleElement()
                    .asString()
                    .startsWith("voicetrack: DISCORD_BOT_TOKEN is not set");
        }
        assertThat(filesIn(work)).isEmpty();
    }

    @Test
    void backupIntervalOfOneMillisecond_isRefused_withTheMinimum_writingNothing() throws Exception {
        try (BotProcess bot = BotProcess.start(work, env("BACKUP_INTERVAL", "1ms"), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(voicetrackLines(bot.stderr()))
                    .containsExactly("voicetrack: BACKUP_INTERVAL must be at least 1m (or 0 for off), was '1ms'");
        }
        assertThat(filesIn(work)).isEmpty();
        assertThat(discord.gatewayStats().identifies()).isZero();
    }

    @Test
    void redisUrlWithPortOutOfRange_exits2_namingRedisUrl() throws Exception {
        try (BotProcess bot = BotProcess.start(work, env("REDIS_URL", "redis://:hunter2@localhost:99999"), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stderr()).contains("REDIS_URL").contains("1..65535").doesNotContain("hunter2");
        }
        assertThat(filesIn(work)).isEmpty();
    }

    @Test
    void blankDiscordToken_isRefused_namingIt() throws Exception {
        try (BotProcess bot = BotProcess.start(work, env("DISCORD_BOT_TOKEN", " ".repeat(16)), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(voicetrackLines(bot.stderr()))
                    .singleElement()
                    .asString()
                    .contains("DISCORD_BOT_TOKEN")
                    .contains("blank");
        }
        assertThat(filesIn(work)).isEmpty();
    }

    @Test
    void tenThousandDigitValue_isCutInTheMessage() throws Exception {
        try (BotProcess bot = BotProcess.start(work, env("CACHE_MAX_ENTRIES", "7".repeat(10_000)), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stderr()).contains("CACHE_MAX_ENTRIES").contains("... (10000 characters)");
            assertThat(bot.stderr().length()).isLessThan(500);
        }
    }

    @Test
    void adminPortInUse_failsBeforeDiscordAndStorage_exit2_namingTheAddress_writingNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String address = "127.0.0.1:" + taken.getLocalPort();
            try (BotProcess bot = BotProcess.start(work, env("ADMIN_API_BIND", address), "run")) {
                assertThat(bot.awaitExit()).isEqualTo(2);
                assertThat(voicetrackLines(bot.stderr()))
                        .singleElement()
                        .asString()
                        .contains("ADMIN_API_BIND")
                        .contains(address);
                assertThat(bot.stdoutLines()).noneMatch(l -> l.contains("shutdown-backup"));
            }
        }
        assertThat(filesIn(work)).isEmpty();
        assertThat(discord.gatewayStats().identifies()).isZero();
    }

    @Test
    void adminApiOnEveryInterface_isWarnedAboutAtStart() throws Exception {
        try (BotProcess bot = BotProcess.start(work, env("ADMIN_API_BIND", "0.0.0.0:0"), "run")) {
            bot.awaitLine("voicetrack: ready");
            assertThat(bot.stderr())
                    .contains("WARN")
                    .contains("ADMIN_API_BIND=0.0.0.0:0 makes the admin API reachable from every network interface");
            assertThat(bot.terminate()).isIn(0, 143);
        }
    }

    @Test
    void unreachableRedis_logsAWarningNamingTheUrlWithoutPassword_andTheBotRuns() throws Exception {
        String url = "redis://:hunter2@127.0.0.1:" + freePort();
        try (BotProcess bot = BotProcess.start(work, env("REDIS_URL", url), "run")) {
            bot.awaitLine("voicetrack: ready");
            String stderr = bot.stderr();
            assertThat(stderr)
                    .contains("Redis at redis://****@127.0.0.1:")
                    .contains("not reachable")
                    .contains("in-process cache tier")
                    .doesNotContain("hunter2");
            assertThat(bot.terminate()).isIn(0, 143);
        }
    }

    @Test
    void unreachableMongo_failsWithOneLineNamingMongodbUri_passwordMasked_noStackTrace() throws Exception {
        String uri = "mongodb://bob:pa55word@127.0.0.1:" + freePort();
        try (BotProcess bot = BotProcess.start(work, env("MONGODB_URI", uri), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(1);
            String stderr = bot.stderr();
            assertThat(voicetrackLines(stderr))
                    .singleElement()
                    .asString()
                    .contains("MONGODB_URI")
                    .contains("mongodb://****@127.0.0.1:")
                    .contains("within 5 s");
            assertThat(stderr).doesNotContain("pa55word").doesNotContain("\tat ");
        }
    }

    @Test
    void postgresDatabaseHoldingOtherTables_isRefused_unlessShared_andNothingIsCreated() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase()) {
            try (Connection c = db.connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id int)");
            }
            Map<String, String> pg = env(
                    "VOICETRACK_JDBC_URL", db.jdbcUrl(),
                    "POSTGRES_USER", db.user(),
                    "POSTGRES_PASSWORD", db.password(),
                    "ADMIN_API_BIND", "off");
            try (BotProcess bot = BotProcess.start(work, pg, "run")) {
                assertThat(bot.awaitExit()).isEqualTo(2);
                assertThat(voicetrackLines(bot.stderr()))
                        .singleElement()
                        .asString()
                        .contains("VOICETRACK_JDBC_URL")
                        .contains(db.name())
                        .contains("orders")
                        .contains("POSTGRES_SHARED_DATABASE=true");
            }
            assertThat(tables(db)).containsExactly("orders");

            pg.put("POSTGRES_SHARED_DATABASE", "true");
            try (BotProcess bot = BotProcess.start(work, pg, "run")) {
                bot.awaitLine("voicetrack: ready");
                assertThat(bot.terminate()).isIn(0, 143);
            }
            assertThat(tables(db)).contains("orders", "vt_members", "vt_schema_version");
        }
    }

    @Test
    void postgresDatabaseOfItsOwn_orItsOwnSchema_isAccepted() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase()) {
            try (Connection c = db.connect();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id int)");
                s.execute("CREATE SCHEMA voicetrack");
            }
            Map<String, String> pg = env(
                    "VOICETRACK_JDBC_URL",
                    db.jdbcUrl() + "?currentSchema=voicetrack",
                    "POSTGRES_USER",
                    db.user(),
                    "POSTGRES_PASSWORD",
                    db.password(),
                    "ADMIN_API_BIND",
                    "off");
            for (int run = 0; run < 2; run++) { // the second start finds only VoiceTrack's own tables
                try (BotProcess bot = BotProcess.start(work, pg, "run")) {
                    bot.awaitLine("voicetrack: ready");
                    assertThat(bot.terminate()).isIn(0, 143);
                }
            }
            assertThat(tables(db)).contains("orders", "voicetrack.vt_members");
        }
    }

    @Test
    void stats_onAnEmptyPostgresDatabase_createsNoTables() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase()) {
            Map<String, String> pg = env(
                    "VOICETRACK_JDBC_URL", db.jdbcUrl(),
                    "POSTGRES_USER", db.user(),
                    "POSTGRES_PASSWORD", db.password());
            try (BotProcess stats = BotProcess.start(work, pg, "stats")) {
                assertThat(stats.awaitExit()).as(stats.stderr()).isIn(1, 2);
                assertThat(stats.stderr()).contains("voicetrack:");
            }
            assertThat(tables(db)).isEmpty();
        }
    }

    private static List<String> tables(PostgresServer.Database db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                        + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")) {
            while (rs.next()) {
                out.add((rs.getString(1).equals("public") ? "" : rs.getString(1) + ".") + rs.getString(2));
            }
        }
        return out;
    }
}

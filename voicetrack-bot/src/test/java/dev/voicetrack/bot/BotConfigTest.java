package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BotConfigTest {
    @TempDir
    Path tmp;

    private static BotConfig env(Map<String, String> env) {
        return BotConfig.load(env, null, null, Map.of());
    }

    @Test
    void defaults_needNothing_sqliteAndInProcessCache() {
        BotConfig c = env(Map.of());
        assertThat(c.storageKind()).isEqualTo(BotConfig.StorageKind.SQLITE);
        assertThat(c.storage().sqlitePath()).isEqualTo(Path.of("./data/voice-tracker.db"));
        assertThat(c.tracking().checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.backup().interval()).isEqualTo(Duration.ofHours(6));
        assertThat(c.backup().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.backup().optimizeInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(c.adminApi().bind().orElseThrow().getAddress().isLoopbackAddress())
                .isTrue();
        assertThat(c.adminApi().bind().orElseThrow().getPort()).isEqualTo(8787);
    }

    @Test
    void storageTimeout_autoIsHalfTheCheckInterval_between250msAnd2s_andBadValuesAreNamed() {
        assertThat(env(Map.of()).storage().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(env(Map.of("CHECK_INTERVAL", "2s")).storage().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(env(Map.of("CHECK_INTERVAL", "200ms")).storage().timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(env(Map.of("STORAGE_TIMEOUT", "3s")).storage().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> env(Map.of("STORAGE_TIMEOUT", "100ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STORAGE_TIMEOUT")
                .hasMessageContaining("'100ms'");
        assertThatThrownBy(() -> env(Map.of("STORAGE_TIMEOUT", "2m")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("STORAGE_TIMEOUT must be auto or between 250ms and 1m, was '2m'");
    }

    @Test
    void urls_selectTheStorage() {
        assertThat(env(Map.of("MONGODB_URI", "mongodb://localhost:27017")).storageKind())
                .isEqualTo(BotConfig.StorageKind.MONGO);
        assertThat(env(Map.of("VOICETRACK_JDBC_URL", "jdbc:postgresql://localhost/vt"))
                        .storageKind())
                .isEqualTo(BotConfig.StorageKind.POSTGRES);
        assertThat(env(Map.of("VOICETRACK_STORAGE", "json")).storageKind()).isEqualTo(BotConfig.StorageKind.JSON);
    }

    @Test
    void invalidValues_nameTheSettingAndTheValue() {
        assertThatThrownBy(() -> env(Map.of("CHECK_INTERVAL", "50ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHECK_INTERVAL")
                .hasMessageContaining("'50ms'");
        assertThatThrownBy(() -> env(Map.of("VOICETRACK_STORAGE", "oracle")))
                .hasMessageContaining("VOICETRACK_STORAGE")
                .hasMessageContaining("'oracle'");
        assertThatThrownBy(() -> env(Map.of("ADMIN_API_BIND", "localhost:99999")))
                .hasMessageContaining("ADMIN_API_BIND");
        assertThatThrownBy(() -> env(Map.of("LOW_HIT_RATE", "2")))
                .hasMessageContaining("LOW_HIT_RATE")
                .hasMessageContaining("'2'");
        assertThatThrownBy(() -> env(Map.of("VOICETRACK_STORAGE", "postgres")))
                .hasMessageContaining("VOICETRACK_JDBC_URL");
        assertThatThrownBy(() -> env(Map.of("SESSION_WRITE_INTERVAL", "-1m")))
                .hasMessageContaining("SESSION_WRITE_INTERVAL")
                .hasMessageContaining("'-1m'");
        assertThatThrownBy(() -> env(Map.of("SESSION_WRITE_INTERVAL", "2d")))
                .hasMessageContaining("SESSION_WRITE_INTERVAL")
                .hasMessageContaining("'2d'");
    }

    @Test
    void sessionWriteInterval_defaultsToOneMinute_andZeroMeansEveryTick() {
        assertThat(env(Map.of()).tracking().sessionWriteInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(env(Map.of("SESSION_WRITE_INTERVAL", "0")).tracking().sessionWriteInterval())
                .isZero();
        assertThat(env(Map.of("SESSION_WRITE_INTERVAL", "30s")).tracking().sessionWriteInterval())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shortAdminToken_isRefused_withoutPrintingIt() {
        assertThatThrownBy(() -> env(Map.of("ADMIN_API_TOKEN", "secret")))
                .hasMessageContaining("ADMIN_API_TOKEN")
                .hasMessageNotContaining("secret");
    }

    @Test
    void environmentWins_overDotEnv_overConfigFile() throws Exception {
        Path dotEnv = tmp.resolve(".env");
        Files.writeString(dotEnv, "# comment\nCHECK_INTERVAL=7s\nCACHE_TTL='9m'\nexport BACKUP_MAX_COUNT=3\n");
        Path json = tmp.resolve("voicetrack.json");
        Files.writeString(json, "{\"CHECK_INTERVAL\": \"8s\", \"DB_SIZE_WARN_MB\": 5, \"CACHE_TTL\": \"1m\"}");
        BotConfig c = BotConfig.load(Map.of("CHECK_INTERVAL", "6s", "PATH", "/bin"), dotEnv, json, Map.of());
        assertThat(c.tracking().checkInterval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.cache().ttl()).isEqualTo(Duration.ofMinutes(9));
        assertThat(c.backup().maxCount()).isEqualTo(3);
        assertThat(c.monitor().dbSizeWarnMb()).isEqualTo(5);
    }

    @Test
    void unknownSettingInConfigFile_isRefused() throws Exception {
        Path props = tmp.resolve("voicetrack.properties");
        Files.writeString(props, "CHECK_INTERVALL=5s\n");
        assertThatThrownBy(() -> BotConfig.load(Map.of(), null, props, Map.of()))
                .hasMessageContaining("CHECK_INTERVALL");
    }

    @Test
    void dump_masksTokensAndUrlPasswords() {
        BotConfig c = env(Map.of(
                "DISCORD_BOT_TOKEN", "abc.def.ghi-secret",
                "ADMIN_API_TOKEN", "0123456789abcdef0123",
                "REDIS_URL", "rediss://user:hunter2@redis.example:6380",
                "MONGODB_URI", "mongodb+srv://bob:pa55@cluster.example/"));
        String dump = c.dump();
        assertThat(dump).doesNotContain("abc.def.ghi-secret", "0123456789abcdef0123", "hunter2", "pa55");
        assertThat(dump).contains("redis.example", "cluster.example");
    }

    @Test
    void everyCommand_hasHelp() throws Exception {
        for (String command : new String[] {"run", "demo", "migrate", "backup", "restore", "stats"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(
                    new String[] {command, "--help"},
                    Map.of(),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err);
            assertThat(code).as(command).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: voicetrack " + command);
        }
    }

    @Test
    void unknownArgument_isAUsageError() {
        assertThatThrownBy(() -> Main.run(new String[] {"demo", "--sped", "3"}, Map.of(), System.out, System.err))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--sped");
        assertThatThrownBy(() -> Main.run(new String[] {"demo", "--speed", "0"}, Map.of(), System.out, System.err))
                .hasMessageContaining("--speed")
                .hasMessageContaining("'0'");
    }

    // ---- issue 15 / 16: settings validation ----

    private static Duration schedule(BotConfig c, String name) {
        return switch (name) {
            case "BACKUP_INTERVAL" -> c.backup().interval();
            case "OPTIMIZE_INTERVAL" -> c.backup().optimizeInterval();
            case "CACHE_WARM_INTERVAL" -> c.cache().warmInterval();
            case "MONITOR_INTERVAL" -> c.monitor().interval();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void schedulesBelowTheirMinimum_areRefused_namingTheSettingTheValueAndTheMinimum() {
        Map<String, String> minimums = Map.of(
                "BACKUP_INTERVAL", "1m",
                "OPTIMIZE_INTERVAL", "1h",
                "CACHE_WARM_INTERVAL", "1m",
                "MONITOR_INTERVAL", "5s");
        minimums.forEach((name, min) -> {
            assertThatThrownBy(() -> env(Map.of(name, "1ms")))
                    .as(name)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("'1ms'")
                    .hasMessageContaining("at least " + min);
            assertThat(schedule(env(Map.of(name, min)), name))
                    .as(name)
                    .isEqualTo(BotConfig.SCHEDULE_MINIMUMS.get(name));
        });
        for (String name : List.of("BACKUP_INTERVAL", "OPTIMIZE_INTERVAL", "CACHE_WARM_INTERVAL")) {
            assertThat(schedule(env(Map.of(name, "0")), name)).as(name).isZero();
        }
        assertThatThrownBy(() -> env(Map.of("MONITOR_INTERVAL", "0"))).hasMessageContaining("MONITOR_INTERVAL");
    }

    @Test
    void jdbcUrlWithoutADatabase_isRefused_namingTheSetting() {
        for (String url : List.of(
                "jdbc:postgresql:",
                "jdbc:postgresql://localhost:5432/",
                "jdbc:postgresql://localhost",
                "jdbc:postgresql:/?ssl=true")) {
            assertThatThrownBy(() -> env(Map.of("VOICETRACK_JDBC_URL", url)))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("VOICETRACK_JDBC_URL must name a database")
                    .hasMessageContaining("'" + url + "'");
        }
        assertThat(BotConfig.postgresDatabase("jdbc:postgresql://db1:5432,db2:5432/voice%20track?ssl=true"))
                .isEqualTo("voice track");
        assertThat(BotConfig.postgresDatabase("jdbc:postgresql:voicetrack")).isEqualTo("voicetrack");
        assertThat(env(Map.of("VOICETRACK_JDBC_URL", "jdbc:postgresql://localhost/voicetrack"))
                        .storageKind())
                .isEqualTo(BotConfig.StorageKind.POSTGRES);
    }

    @Test
    void jdbcUrlOfTheServersPostgresDatabase_isRefused_unlessShared() {
        assertThatThrownBy(() -> env(Map.of("VOICETRACK_JDBC_URL", "jdbc:postgresql://localhost/postgres")))
                .hasMessageContaining("VOICETRACK_JDBC_URL")
                .hasMessageContaining("POSTGRES_SHARED_DATABASE=true");
        assertThat(env(Map.of(
                                "VOICETRACK_JDBC_URL", "jdbc:postgresql://localhost/postgres",
                                "POSTGRES_SHARED_DATABASE", "true"))
                        .storage()
                        .postgresSharedDatabase())
                .isTrue();
    }

    @Test
    void demoDurationErrors_nameDurationTheValueAndTheForm_notShutdownTimeout() {
        for (String bad : List.of("-1s", "0", "5 minutes", "0s", "10ms")) {
            assertThatThrownBy(
                            () -> Main.run(new String[] {"demo", "--duration", bad}, Map.of(), System.out, System.err))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("--duration")
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("30s, 5m or 2h")
                    .hasMessageNotContaining("SHUTDOWN_TIMEOUT");
        }
        assertThat(Main.demoDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Main.demoDuration("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void adminApiOnEveryInterface_isWarned_andPrintConfigShowsTheWarning() throws Exception {
        assertThat(env(Map.of()).warnings()).isEmpty();
        assertThat(env(Map.of("ADMIN_API_BIND", "127.0.0.1:9000")).warnings()).isEmpty();
        for (String bind : List.of("0.0.0.0:8787", "[::]:8787")) {
            assertThat(env(Map.of("ADMIN_API_BIND", bind)).warnings())
                    .as(bind)
                    .singleElement()
                    .asString()
                    .contains("ADMIN_API_BIND=" + bind)
                    .contains("every network interface")
                    .contains("loopback");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(
                    new String[] {"run", "--print-config"},
                    Map.of(
                            "ADMIN_API_BIND",
                            bind,
                            "VOICETRACK_ENV_FILE",
                            tmp.resolve("none.env").toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err);
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("warning: ADMIN_API_BIND=" + bind);
        }
    }

    @Test
    void blankTokens_areRefused_namingTheSetting_butAnEmptyOneIsUnset() {
        for (String name : List.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN")) {
            assertThatThrownBy(() -> env(Map.of(name, " ".repeat(16))))
                    .as(name)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("blank");
            assertThatThrownBy(() -> env(Map.of(name, "\t \t"))).as(name).hasMessageContaining(name);
        }
        assertThat(env(Map.of("DISCORD_BOT_TOKEN", "")).discord().token()).isEmpty();
        assertThat(env(Map.of("ADMIN_API_TOKEN", "")).adminApi().token()).isEmpty();
    }

    @Test
    void redisUrlWithoutRedisSchemeHostOrValidPort_isRefusedByTheConfig_namingRedisUrl() {
        for (String url : List.of(
                "localhost:6379",
                "http://localhost:6379",
                "redis://localhost:99999",
                "redis://localhost:0",
                "redis://:hunter2@host:123456789012",
                "redis:///0",
                "redis://localhost:6379/x")) {
            assertThatThrownBy(() -> env(Map.of("REDIS_URL", url)))
                    .as(url)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("REDIS_URL")
                    .hasMessageContaining("redis://")
                    .hasMessageNotContaining("hunter2");
        }
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://localhost:99999")))
                .hasMessageContaining("1..65535");
        for (String url : List.of("redis://localhost", "rediss://:pw@cache.example:6380/2", "redis://[::1]:6379")) {
            assertThat(env(Map.of("REDIS_URL", url)).cache().redisUrl()).contains(url);
        }
    }

    @Test
    void redisUrlNamingSeveralNodes_isACluster_eachNodeCheckedAndThePasswordKeptForEach() {
        var c = env(Map.of("REDIS_URL", "redis://:hunter2@10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002"))
                .cache();
        assertThat(c.redisCluster()).isTrue();
        assertThat(c.redisNodes())
                .containsExactly(
                        "redis://:hunter2@10.0.0.1:7000",
                        "redis://:hunter2@10.0.0.2:7001",
                        "redis://:hunter2@[::1]:7002");
        var one = env(Map.of("REDIS_URL", "redis://h:6379/2")).cache();
        assertThat(one.redisCluster()).isFalse();
        assertThat(one.redisNodes()).containsExactly("redis://h:6379/2");
        var seed = env(Map.of("REDIS_URL", "rediss://cfg.example:6379", "REDIS_CLUSTER", "true"))
                .cache();
        assertThat(seed.redisCluster()).isTrue();
        assertThat(seed.redisNodes()).containsExactly("rediss://cfg.example:6379");
        assertThat(env(Map.of()).cache().redisNodes()).isEmpty();
    }

    @Test
    void badClusterSettings_areRefused_namingTheSettingAndValue_withoutThePassword() {
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://:hunter2@h1:7000,h2:99999")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageContaining("1..65535")
                .hasMessageContaining("redis://****@h1:7000,h2:99999")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://h1:7000,,h3:7002")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageContaining("a node names no host");
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://h1:7000,h2:7001/3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("only database 0")
                .hasMessageContaining("'redis://h1:7000,h2:7001/3'");
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://h1:7000,h2:7001", "REDIS_CLUSTER", "false")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_CLUSTER=false")
                .hasMessageContaining("2 nodes");
        assertThatThrownBy(() -> env(Map.of("REDIS_CLUSTER", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_CLUSTER=true needs REDIS_URL");
        assertThatThrownBy(() -> env(Map.of("REDIS_URL", "redis://h:1", "REDIS_CLUSTER", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_CLUSTER must be auto, true or false, was 'maybe'");
    }

    @Test
    void mongodbUriWithAnotherScheme_isRefused_namingMongodbUri() {
        assertThatThrownBy(() -> env(Map.of("MONGODB_URI", "http://bob:pa55@localhost:27017")))
                .hasMessageContaining("MONGODB_URI")
                .hasMessageNotContaining("pa55");
        assertThat(env(Map.of("MONGODB_URI", "mongodb+srv://bob:pa55@cluster.example/"))
                        .storageKind())
                .isEqualTo(BotConfig.StorageKind.MONGO);
    }

    @Test
    void hugeValues_areCutInErrorMessages() {
        String digits = "9".repeat(10_000);
        for (String name : List.of("CHECK_INTERVAL", "CACHE_MAX_ENTRIES", "LOW_HIT_RATE", "ADMIN_API_BIND")) {
            assertThatThrownBy(() -> env(Map.of(name, digits)))
                    .as(name)
                    .hasMessageContaining(name)
                    .hasMessageContaining("9".repeat(BotConfig.ECHO_LIMIT) + "... (10000 characters)")
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
        }
        assertThatThrownBy(() -> Main.run(new String[] {"demo", "--speed", digits}, Map.of(), System.out, System.err))
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    @Test
    void misspelledSettingInDotEnv_isNamedInAWarning_withTheSettingItWasMeantToBe() throws Exception {
        java.nio.file.Path env = java.nio.file.Files.writeString(
                tmp.resolve("typo.env"), "CHEK_INTERVAL=10s\nOTHER_TOOL_TOKEN=x\nCHECK_INTERVAL=7s\n");
        BotConfig config = BotConfig.load(Map.of(), env, null, Map.of());
        assertThat(config.tracking().checkInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.warnings())
                .anySatisfy(w -> assertThat(w)
                        .contains("CHEK_INTERVAL")
                        .contains("was ignored")
                        .contains("did you mean CHECK_INTERVAL?"))
                .anySatisfy(w -> assertThat(w).contains("OTHER_TOOL_TOKEN").doesNotContain("did you mean"));
    }
}

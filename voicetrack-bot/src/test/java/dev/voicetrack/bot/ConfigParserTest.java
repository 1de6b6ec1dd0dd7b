package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting of {@link BotConfig#SETTINGS}, read by the parser into its typed field: its default,
 * a valid value, and a bad value refused naming the setting (and the value, unless it is a secret).
 */
class ConfigParserTest {

    /**
     * One setting's expectations.
     *
     * @param field where the typed value lands
     * @param bad a refused value, null for free text that any value is good for
     */
    record Case(
            String name,
            Function<BotConfig, Object> field,
            Object defaultValue,
            String valid,
            Object parsed,
            @Nullable String bad) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Set<String> SECRETS = Set.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN");

    static List<Case> cases() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8787);
        InetSocketAddress other = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9000);
        return List.of(
                new Case(
                        "DISCORD_BOT_TOKEN",
                        c -> c.discord().token(),
                        Optional.empty(),
                        "abc.def",
                        Optional.of("abc.def"),
                        "   "),
                new Case(
                        "DISCORD_API_URL",
                        c -> c.discord().apiUrl(),
                        Optional.empty(),
                        "http://127.0.0.1:1/api",
                        Optional.of("http://127.0.0.1:1/api"),
                        "no url"),
                new Case(
                        "DISCORD_GATEWAY_URL",
                        c -> c.discord().gatewayUrl(),
                        Optional.empty(),
                        "ws://127.0.0.1:2",
                        Optional.of("ws://127.0.0.1:2"),
                        "127.0.0.1"),
                new Case(
                        "VOICETRACK_STORAGE",
                        BotConfig::storageKind,
                        BotConfig.StorageKind.SQLITE,
                        "json",
                        BotConfig.StorageKind.JSON,
                        "oracle"),
                new Case(
                        "SQLITE_DB_PATH",
                        c -> c.storage().sqlitePath(),
                        Path.of("./data/voice-tracker.db"),
                        "/tmp/a b.db",
                        Path.of("/tmp/a b.db"),
                        "a\0b"),
                new Case(
                        "VOICETRACK_JDBC_URL",
                        c -> c.storage().jdbcUrl(),
                        Optional.empty(),
                        "jdbc:postgresql://h/vt",
                        Optional.of("jdbc:postgresql://h/vt"),
                        "jdbc:mysql://h/vt"),
                new Case("POSTGRES_USER", c -> c.storage().postgresUser(), "postgres", "bob", "bob", null),
                new Case("POSTGRES_PASSWORD", c -> c.storage().postgresPassword(), "", "s3cret", "s3cret", null),
                new Case(
                        "POSTGRES_SHARED_DATABASE",
                        c -> c.storage().postgresSharedDatabase(),
                        false,
                        "yes",
                        true,
                        "maybe"),
                new Case(
                        "JSON_DATA_DIR",
                        c -> c.storage().jsonDir(),
                        Path.of("./data/json"),
                        "/srv/vt",
                        Path.of("/srv/vt"),
                        "a\0b"),
                new Case(
                        "MONGODB_URI",
                        c -> c.storage().mongoUri(),
                        Optional.empty(),
                        "mongodb://h:27017",
                        Optional.of("mongodb://h:27017"),
                        "http://h:27017"),
                new Case("MONGODB_DATABASE", c -> c.storage().mongoDatabase(), "voicetracker", "vt", "vt", null),
                new Case(
                        "REDIS_URL",
                        c -> c.cache().redisUrl(),
                        Optional.empty(),
                        "redis://h:6379/1",
                        Optional.of("redis://h:6379/1"),
                        "redis://h:6379/x"),
                new Case("REDIS_CLUSTER", c -> c.cache().redisCluster(), false, "false", false, "maybe"),
                new Case("REDIS_KEY_PREFIX", c -> c.cache().redisKeyPrefix(), "voice:", "bot2:", "bot2:", null),
                new Case("CACHE_MAX_ENTRIES", c -> c.cache().maxEntries(), 10_000L, "500", 500L, "0"),
                new Case(
                        "CACHE_TTL",
                        c -> c.cache().ttl(),
                        Duration.ofMinutes(5),
                        "90s",
                        Duration.ofSeconds(90),
                        "500ms"),
                new Case(
                        "CACHE_WARM_INTERVAL",
                        c -> c.cache().warmInterval(),
                        Duration.ofHours(6),
                        "0",
                        Duration.ZERO,
                        "30s"),
                new Case(
                        "CHECK_INTERVAL",
                        c -> c.tracking().checkInterval(),
                        Duration.ofSeconds(5),
                        "250",
                        Duration.ofMillis(250),
                        "50ms"),
                new Case(
                        "STORAGE_TIMEOUT",
                        c -> c.storage().timeout(),
                        Duration.ofSeconds(2),
                        "3s",
                        Duration.ofSeconds(3),
                        "100ms"),
                new Case(
                        "SESSION_WRITE_INTERVAL",
                        c -> c.tracking().sessionWriteInterval(),
                        Duration.ofMinutes(1),
                        "off",
                        Duration.ZERO,
                        "2d"),
                new Case("TRACK_MESSAGES", c -> c.tracking().trackMessages(), true, "off", false, "nope"),
                new Case("TRACK_MEMBER_UPDATES", c -> c.tracking().trackMemberUpdates(), true, "0", false, "2"),
                new Case(
                        "ADMIN_API_BIND",
                        c -> c.adminApi().bind(),
                        Optional.of(loopback),
                        "127.0.0.1:9000",
                        Optional.of(other),
                        "nohost"),
                new Case(
                        "ADMIN_API_TOKEN",
                        c -> c.adminApi().token(),
                        Optional.empty(),
                        "0123456789abcdef",
                        Optional.of("0123456789abcdef"),
                        "short"),
                new Case(
                        "DASHBOARD_URL",
                        c -> c.adminApi().dashboardUrl(),
                        Optional.empty(),
                        "https://stats.example.org/",
                        Optional.of("https://stats.example.org"),
                        "stats.example.org"),
                new Case(
                        "ANNOUNCEMENTS_FILE",
                        BotConfig::announcementsFile,
                        Path.of("./data/announcements.properties"),
                        "a.properties",
                        Path.of("a.properties"),
                        "a\0b"),
                new Case("HOURLY_RETENTION_DAYS", c -> c.storage().hourlyRetentionDays(), 90, "30", 30, "3661"),
                new Case(
                        "BACKUP_DIR",
                        c -> c.backup().dir(),
                        Path.of("./data/backups"),
                        "/backups",
                        Path.of("/backups"),
                        "a\0b"),
                new Case(
                        "BACKUP_INTERVAL",
                        c -> c.backup().interval(),
                        Duration.ofHours(6),
                        "2h",
                        Duration.ofHours(2),
                        "59s"),
                new Case(
                        "BACKUP_RETENTION",
                        c -> c.backup().retention(),
                        Duration.ofDays(7),
                        "30d",
                        Duration.ofDays(30),
                        "30m"),
                new Case("BACKUP_MAX_COUNT", c -> c.backup().maxCount(), 60, "5", 5, "-1"),
                new Case("SHUTDOWN_BACKUP", c -> c.backup().onShutdown(), true, "false", false, "sometimes"),
                new Case(
                        "OPTIMIZE_INTERVAL",
                        c -> c.backup().optimizeInterval(),
                        Duration.ofHours(24),
                        "off",
                        Duration.ZERO,
                        "10m"),
                new Case(
                        "MONITOR_INTERVAL",
                        c -> c.monitor().interval(),
                        Duration.ofSeconds(60),
                        "5s",
                        Duration.ofSeconds(5),
                        "0"),
                new Case("LOW_HIT_RATE", c -> c.monitor().lowHitRate(), 0.6, "0.25", 0.25, "1.5"),
                new Case("DB_SIZE_WARN_MB", c -> c.monitor().dbSizeWarnMb(), 100, "2048", 2048, "lots"),
                new Case(
                        "SHUTDOWN_TIMEOUT",
                        BotConfig::shutdownTimeout,
                        Duration.ofSeconds(20),
                        "1m",
                        Duration.ofMinutes(1),
                        "500ms"),
                new Case("SHARD_COUNT", c -> c.shards().count(), OptionalInt.empty(), "6", OptionalInt.of(6), "0"),
                new Case("SHARD_IDS", c -> c.shards().ids(), List.of(), "0-2,5", List.of(0, 1, 2, 5), "3-1"),
                new Case(
                        "SHARD_LEASE_TIME",
                        c -> c.shards().leaseTime(),
                        Duration.ofSeconds(30),
                        "10s",
                        Duration.ofSeconds(10),
                        "500ms"));
    }

    /** What a setting needs set beside it to be valid: shard ids need a count, and a part of the shards Redis and a shared storage. */
    private static final Map<String, Map<String, String>> NEEDS = Map.of(
            "SHARD_IDS",
            Map.of("SHARD_COUNT", "8", "REDIS_URL", "redis://h:6379", "VOICETRACK_JDBC_URL", "jdbc:postgresql://h/vt"));

    private static BotConfig with(String name, String value) {
        Map<String, String> env = new java.util.HashMap<>(NEEDS.getOrDefault(name, Map.of()));
        env.put(name, value);
        return BotConfig.load(env, null, null, Map.of());
    }

    private static BotConfig load(String... nameValues) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            env.put(nameValues[i], nameValues[i + 1]);
        }
        return BotConfig.load(env, null, null, Map.of());
    }

    @Test
    void shards_unsetIsOneConnection_autoIsDiscordsCount_idsDefaultToAll() {
        assertThat(load().shards().sharded()).isFalse();
        BotConfig auto = load("SHARD_COUNT", "auto");
        assertThat(auto.shards().sharded()).isTrue();
        assertThat(auto.shards().count()).isEmpty();
        assertThat(auto.shards().partial()).isFalse();
        BotConfig all = load("SHARD_COUNT", "4");
        assertThat(all.shards().idsOf(4)).containsExactly(0, 1, 2, 3);
        assertThat(all.shards().partial()).isFalse();
        assertThat(load("SHARD_COUNT", "4", "SHARD_IDS", "0-3").shards().partial())
                .as("every shard named: one process")
                .isFalse();
        BotConfig part = load(
                "SHARD_COUNT",
                "8",
                "SHARD_IDS",
                "4,5,6,7",
                "REDIS_URL",
                "redis://h:6379",
                "MONGODB_URI",
                "mongodb://h");
        assertThat(part.shards().ids()).containsExactly(4, 5, 6, 7);
        assertThat(part.shards().partial()).isTrue();
    }

    @Test
    void shardIds_areRefused_namingTheSettingAndValue_whenOutOfCountDuplicatedOrMalformed() {
        String[][] bad = {
            {"0-8", "names shard 8, but SHARD_COUNT=8 has shards 0-7"},
            {"1,2,2", "names shard 2 twice"},
            {"0-3,3", "names shard 3 twice"},
            {"a-b", "must be shard numbers and ranges"},
            {"1,,2", "must be shard numbers and ranges"},
            {"5-2", "runs backwards"},
        };
        for (String[] c : bad) {
            assertThatThrownBy(() -> with("SHARD_IDS", c[0]))
                    .as(c[0])
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("SHARD_IDS")
                    .hasMessageContaining(c[1])
                    .hasMessageContaining("'" + c[0] + "'");
        }
        assertThatThrownBy(() -> load("SHARD_IDS", "0-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SHARD_IDS needs SHARD_COUNT");
        assertThatThrownBy(() -> load("SHARD_COUNT", "auto", "SHARD_IDS", "0-1", "REDIS_URL", "redis://h"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SHARD_IDS needs a fixed SHARD_COUNT")
                .hasMessageContaining("'0-1'");
        assertThatThrownBy(() -> load("SHARD_COUNT", "many"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SHARD_COUNT must be auto or a whole number")
                .hasMessageContaining("'many'");
    }

    @Test
    void dashboardUrl_isAnHttpAddressWithoutQuery_keptWithoutItsTrailingSlash() {
        assertThat(load().adminApi().dashboardUrl()).isEmpty();
        assertThat(load("DASHBOARD_URL", "https://stats.example.org/vt/")
                        .adminApi()
                        .dashboardUrl())
                .contains("https://stats.example.org/vt");
        for (String bad : new String[] {"stats.example.org", "ftp://stats.example.org", "https://h/?a=1", "http://"}) {
            assertThatThrownBy(() -> load("DASHBOARD_URL", bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("DASHBOARD_URL")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void aPartOfTheShards_needsRedisAndAStorageEveryProcessReaches() {
        assertThatThrownBy(() ->
                        load("SHARD_COUNT", "6", "SHARD_IDS", "0-2", "VOICETRACK_JDBC_URL", "jdbc:postgresql://h/vt"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SHARD_IDS=0-2 leaves the other shards of SHARD_COUNT=6")
                .hasMessageContaining("needs REDIS_URL");
        assertThatThrownBy(() -> load("SHARD_COUNT", "6", "SHARD_IDS", "0-2", "REDIS_URL", "redis://h"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PostgreSQL")
                .hasMessageContaining("was VOICETRACK_STORAGE=sqlite");
        assertThat(load("SHARD_COUNT", "6", "SHARD_IDS", "0-5").shards().ids())
                .as("all shards in one process: SQLite is fine")
                .hasSize(6);
    }

    @Test
    void theFilesAndFoldersTheBotWrites_mustBeDifferentPaths(@TempDir Path dir) throws Exception {
        String db = dir.resolve("data/voice-tracker.db").toString();
        assertThatThrownBy(
                        () -> load("SQLITE_DB_PATH", db, "ANNOUNCEMENTS_FILE", dir + "/data/../data/voice-tracker.db"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ANNOUNCEMENTS_FILE and SQLITE_DB_PATH must be different paths")
                .hasMessageContaining("'" + db + "'");
        assertThatThrownBy(() -> load(
                        "VOICETRACK_STORAGE",
                        "json",
                        "JSON_DATA_DIR",
                        dir + "/same",
                        "ANNOUNCEMENTS_FILE",
                        dir + "/same/"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ANNOUNCEMENTS_FILE and JSON_DATA_DIR must be different paths");

        Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        assertThatThrownBy(() -> load("SQLITE_DB_PATH", dir + "/link", "BACKUP_DIR", dir + "/real"))
                .as("a symbolic link to the backup folder is the backup folder")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SQLITE_DB_PATH and BACKUP_DIR must be different paths");

        assertThatCode(ConfigParserTest::load).as("the defaults are apart").doesNotThrowAnyException();
        assertThat(load("SQLITE_DB_PATH", dir + "/data/x.db", "BACKUP_DIR", dir + "/data")
                        .backup()
                        .dir())
                .as("the backup folder may be the data folder: rotation deletes only the backups it recorded")
                .isEqualTo(Path.of(dir + "/data"));
        assertThat(load("VOICETRACK_STORAGE", "json", "BACKUP_DIR", dir + "/json", "JSON_DATA_DIR", dir + "/json")
                        .storage()
                        .jsonDir())
                .as("backups are SQLite's: a JSON store may share their unused folder setting")
                .isEqualTo(Path.of(dir + "/json"));
    }

    @Test
    void everySetting_hasACase() throws Exception {
        assertThat(cases().stream().map(Case::name).collect(Collectors.toList()))
                .containsExactlyElementsOf(BotConfig.SETTINGS.keySet());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void default_isTheDocumentedOne(Case c) {
        BotConfig config = BotConfig.load(Map.of(), null, null, Map.of());
        assertThat(c.field().apply(config)).isEqualTo(c.defaultValue());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void validValue_landsInItsTypedField(Case c) {
        assertThat(c.field().apply(with(c.name(), c.valid()))).isEqualTo(c.parsed());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void badValue_isRefused_namingTheSettingAndTheValue(Case c) {
        if (c.bad() == null) {
            assertThat(c.field().apply(with(c.name(), "any text #1"))).isEqualTo("any text #1");
            return;
        }
        var refused = assertThatThrownBy(() -> with(c.name(), c.bad()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(c.name());
        if (SECRETS.contains(c.name())) {
            refused.satisfies(e -> assertThat(e.getMessage()).doesNotContain("'" + c.bad() + "'"));
        } else if (!c.bad().contains("\0")) {
            refused.hasMessageContaining("'" + c.bad() + "'");
        }
    }

    @Test
    void withDefaults_appliesOnlyToSettingsNoSourceGave() {
        BotConfig base = BotConfig.load(Map.of("BACKUP_DIR", "/mine"), null, null, Map.of());
        BotConfig demo = base.withDefaults(Map.of("BACKUP_DIR", "/demo", "JSON_DATA_DIR", "/demo/json"));
        assertThat(demo.backup().dir()).isEqualTo(Path.of("/mine"));
        assertThat(demo.storage().jsonDir()).isEqualTo(Path.of("/demo/json"));
        assertThat(demo.dump()).contains("/demo/json");
    }

    @Test
    void with_validatesTheChangedValues() {
        BotConfig base = BotConfig.load(Map.of(), null, null, Map.of());
        assertThat(base.with(Map.of("CHECK_INTERVAL", "1s")).tracking().checkInterval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> base.with(Map.of("CHECK_INTERVAL", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CHECK_INTERVAL")
                .hasMessageContaining("'1'");
        assertThatThrownBy(() -> base.with(Map.of("CHECK_INTERVALL", "1s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting CHECK_INTERVALL");
    }

    @Test
    void storageDescription_masksPasswords() {
        BotConfig c = BotConfig.load(Map.of("MONGODB_URI", "mongodb://bob:pa55@db.example/"), null, null, Map.of());
        assertThat(c.storage().describe()).isEqualTo("mongodb://****@db.example/");
        assertThat(Stream.of(BotConfig.maskSecret(""), BotConfig.maskSecret("x".repeat(30))))
                .containsExactly("", "**** (30 chars)");
    }
}

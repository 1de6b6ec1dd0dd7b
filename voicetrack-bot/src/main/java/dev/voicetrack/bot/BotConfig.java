package dev.voicetrack.bot;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * The bot's settings, read from environment variables, a {@code .env} file and an optional config
 * file (properties or flat JSON) with the same names; the first of those that sets a name wins. {@link
 * #load} reads every setting once into typed sections ({@link #storage()}, {@link #cache()}, {@link
 * #tracking()}, {@link #backup()}, {@link #adminApi()}, {@link #monitor()}, {@link #discord()}, {@link
 * #shards()}): a bad
 * value throws {@link ConfigException} naming the setting and the value, before anything is opened or
 * written. The rest of the bot reads the sections' typed fields and never a setting by name. Immutable
 * and thread safe.
 *
 * <p>The names of the original library are kept where it has them ({@code DISCORD_BOT_TOKEN}, {@code
 * MONGODB_URI}, {@code REDIS_URL}, {@code SQLITE_DB_PATH}). {@link #SETTINGS} is the one table of every
 * name with its default and meaning ({@code --help} prints it); each section's record says which
 * setting feeds which field.
 */
public final class BotConfig {

    /** Where the storage lives. */
    public enum StorageKind {
        SQLITE,
        POSTGRES,
        JSON,
        MONGO,
        MEMORY
    }

    /**
     * One documented setting.
     *
     * @param defaultValue the default, {@code ""} when there is none
     * @param description one line for {@code --help}
     */
    public record Setting(String defaultValue, String description) {}

    /** Every setting by name, in the order {@code --help} lists them. Unmodifiable. */
    public static final Map<String, Setting> SETTINGS;

    static {
        Map<String, Setting> s = new LinkedHashMap<>();
        s.put("DISCORD_BOT_TOKEN", new Setting("", "the bot token (Discord developer portal -> your app -> Bot)"));
        s.put("DISCORD_API_URL", new Setting("", "REST base URL; only to point the bot at a Discord emulator"));
        s.put("DISCORD_GATEWAY_URL", new Setting("", "gateway URL; only to point the bot at a Discord emulator"));
        s.put(
                "VOICETRACK_STORAGE",
                new Setting("", "sqlite|postgres|json|mongo|memory (default: from the URLs set, else sqlite)"));
        s.put("SQLITE_DB_PATH", new Setting("./data/voice-tracker.db", "SQLite database file"));
        s.put(
                "VOICETRACK_JDBC_URL",
                new Setting("", "PostgreSQL JDBC URL naming a database (jdbc:postgresql://host:5432/voicetrack)"));
        s.put("POSTGRES_USER", new Setting("postgres", "PostgreSQL user"));
        s.put("POSTGRES_PASSWORD", new Setting("", "PostgreSQL password"));
        s.put(
                "POSTGRES_SHARED_DATABASE",
                new Setting(
                        "false",
                        "true: allow a database (or schema) that holds tables other than VoiceTrack's vt_* tables"));
        s.put("JSON_DATA_DIR", new Setting("./data/json", "directory of the JSON storage"));
        s.put("MONGODB_URI", new Setting("", "MongoDB connection string; selects MongoDB storage"));
        s.put("MONGODB_DATABASE", new Setting("voicetracker", "MongoDB database"));
        s.put(
                "REDIS_URL",
                new Setting(
                        "",
                        "redis://[:password@]host[:port][/db] or rediss://..., or a Redis Cluster's nodes"
                                + " redis://[:password@]host1:port1,host2:port2,...; switches on the two-tier cache"));
        s.put(
                "REDIS_CLUSTER",
                new Setting(
                        "auto",
                        "whether REDIS_URL is a Redis Cluster (auto: when it names several nodes; true: one seed"
                                + " node of a cluster)"));
        s.put("REDIS_KEY_PREFIX", new Setting("voice:", "namespace of the Redis keys"));
        s.put("CACHE_MAX_ENTRIES", new Setting("10000", "in-process cache bound (entries)"));
        s.put("CACHE_TTL", new Setting("5m", "cache TTL of user and leaderboard entries"));
        s.put("CACHE_WARM_INTERVAL", new Setting("6h", "cache warming period (>= 1m; 0 = only at start)"));
        s.put("CHECK_INTERVAL", new Setting("5s", "tick interval (>= 100ms; plain numbers are milliseconds)"));
        s.put(
                "STORAGE_TIMEOUT",
                new Setting(
                        "auto",
                        "longest wait for one storage call of a tick, a query or the health probe (auto: half"
                                + " of CHECK_INTERVAL, between 250ms and 2s)"));
        s.put(
                "SESSION_WRITE_INTERVAL",
                new Setting("1m", "how often the row of an open voice session is rewritten (0 = every tick)"));
        s.put("TRACK_MESSAGES", new Setting("true", "count messages (needs the GUILD_MESSAGES intent)"));
        s.put(
                "TRACK_MEMBER_UPDATES",
                new Setting("true", "follow role and boost changes (privileged GUILD_MEMBERS intent)"));
        s.put(
                "ADMIN_API_BIND",
                new Setting("127.0.0.1:8787", "host:port of the admin HTTP API (meant for loopback), or off"));
        s.put(
                "ADMIN_API_TOKEN",
                new Setting("", "bearer token of the /api/admin routes (unset: admin routes refuse all)"));
        s.put(
                "DASHBOARD_URL",
                new Setting(
                        "",
                        "public http(s) address of the dashboard (the admin API's server); when set, /leaderboard"
                                + " and /rank link to its pages"));
        s.put(
                "ANNOUNCEMENTS_FILE",
                new Setting("./data/announcements.properties", "level-up announcement settings (/config levelup)"));
        s.put(
                "HOURLY_RETENTION_DAYS",
                new Setting("90", "days of hourly activity kept for the dashboard's guild overview (1 to 3660)"));
        s.put("BACKUP_DIR", new Setting("./data/backups", "where SQLite backups go"));
        s.put("BACKUP_INTERVAL", new Setting("6h", "automatic backup period (>= 1m; 0 = off)"));
        s.put("BACKUP_RETENTION", new Setting("7d", "backups older than this are removed after a good backup"));
        s.put("BACKUP_MAX_COUNT", new Setting("60", "at most this many automatic backups are kept"));
        s.put("SHUTDOWN_BACKUP", new Setting("true", "write a backup when the bot stops"));
        s.put("OPTIMIZE_INTERVAL", new Setting("24h", "optimize (VACUUM) period (>= 1h; 0 = off)"));
        s.put("MONITOR_INTERVAL", new Setting("60s", "period of the cache hit-rate and database size checks (>= 5s)"));
        s.put(
                "LOW_HIT_RATE",
                new Setting(
                        "0.6",
                        "warn when the hit rate over MONITOR_INTERVAL (over 100 reads) is below this while the cache evicts for size"));
        s.put("DB_SIZE_WARN_MB", new Setting("100", "warn when the database is larger than this"));
        s.put("SHUTDOWN_TIMEOUT", new Setting("20s", "bound on a graceful shutdown"));
        s.put(
                "SHARD_COUNT",
                new Setting(
                        "",
                        "the bot's gateway shard count, or auto (Discord's recommendation); unset: one connection"));
        s.put(
                "SHARD_IDS",
                new Setting("", "this process's shards, e.g. 0-3 or 4,5,6,7 (unset: all); others need REDIS_URL"));
        s.put(
                "SHARD_LEASE_TIME",
                new Setting("30s", "how long a dead process's shards stay claimed before another takes them over"));
        SETTINGS = Collections.unmodifiableMap(s);
    }

    /**
     * The shortest period of each schedule; {@code 0} still turns a schedule off (except {@code
     * MONITOR_INTERVAL}, which always runs). Shorter periods only burn I/O: a backup every millisecond
     * wrote 60 files in 8 seconds.
     */
    public static final Map<String, Duration> SCHEDULE_MINIMUMS = Map.of(
            "BACKUP_INTERVAL", Duration.ofMinutes(1),
            "OPTIMIZE_INTERVAL", Duration.ofHours(1),
            "CACHE_WARM_INTERVAL", Duration.ofMinutes(1),
            "MONITOR_INTERVAL", Duration.ofSeconds(5));

    /** Longest value echoed in an error message; longer ones are cut and end with "...". */
    static final int ECHO_LIMIT = 60;

    // ---- the sections ----

    /**
     * Discord.
     *
     * @param token {@code DISCORD_BOT_TOKEN}
     * @param apiUrl {@code DISCORD_API_URL}, set only to point the bot at an emulator
     * @param gatewayUrl {@code DISCORD_GATEWAY_URL}, likewise
     */
    public record DiscordSettings(Optional<String> token, Optional<String> apiUrl, Optional<String> gatewayUrl) {}

    /**
     * Where data is kept.
     *
     * @param kind {@code VOICETRACK_STORAGE}, else chosen by the URLs set ({@code MONGODB_URI}, then
     *     {@code VOICETRACK_JDBC_URL}), else SQLite
     * @param sqlitePath {@code SQLITE_DB_PATH}
     * @param jdbcUrl {@code VOICETRACK_JDBC_URL}, checked to name a PostgreSQL database of its own
     * @param postgresUser {@code POSTGRES_USER}
     * @param postgresPassword {@code POSTGRES_PASSWORD}, {@code ""} when unset
     * @param postgresSharedDatabase {@code POSTGRES_SHARED_DATABASE}
     * @param jsonDir {@code JSON_DATA_DIR}
     * @param mongoUri {@code MONGODB_URI}
     * @param mongoDatabase {@code MONGODB_DATABASE}
     * @param timeout {@code STORAGE_TIMEOUT}: the longest wait for one storage call; {@code auto} is half
     *     the check interval, between 250 ms and 2 s, so that a tick's write gives up before the next tick
     * @param hourlyRetentionDays {@code HOURLY_RETENTION_DAYS}: days of hourly activity kept
     */
    public record StorageSettings(
            StorageKind kind,
            Path sqlitePath,
            Optional<String> jdbcUrl,
            String postgresUser,
            String postgresPassword,
            boolean postgresSharedDatabase,
            Path jsonDir,
            Optional<String> mongoUri,
            String mongoDatabase,
            Duration timeout,
            int hourlyRetentionDays) {

        /** Where the data is, as a log line may show it: paths as given, passwords masked. */
        public String describe() {
            return switch (kind) {
                case SQLITE -> sqlitePath.toString();
                case POSTGRES -> maskUrl(jdbcUrl.orElse(""));
                case JSON -> jsonDir.toString();
                case MONGO -> maskUrl(mongoUri.orElse(""));
                case MEMORY -> "in memory: nothing is kept after the bot stops";
            };
        }
    }

    /**
     * The cache.
     *
     * @param maxEntries {@code CACHE_MAX_ENTRIES}, the in-process bound
     * @param ttl {@code CACHE_TTL}
     * @param redisUrl {@code REDIS_URL}; when set, the two-tier cache in front of Redis
     * @param redisNodes {@code REDIS_URL} as one URL per node it names (one for a standalone server,
     *     the seed nodes for a cluster); empty without {@code REDIS_URL}
     * @param redisCluster whether the nodes are a Redis Cluster's ({@code REDIS_CLUSTER})
     * @param redisKeyPrefix {@code REDIS_KEY_PREFIX}
     * @param warmInterval {@code CACHE_WARM_INTERVAL}, zero when warming runs only at start
     */
    public record CacheSettings(
            long maxEntries,
            Duration ttl,
            Optional<String> redisUrl,
            List<String> redisNodes,
            boolean redisCluster,
            String redisKeyPrefix,
            Duration warmInterval) {
        public CacheSettings {
            redisNodes = List.copyOf(redisNodes);
        }
    }

    /**
     * What the tracker follows and how often.
     *
     * @param checkInterval {@code CHECK_INTERVAL}, the tick period
     * @param sessionWriteInterval {@code SESSION_WRITE_INTERVAL}, zero for every tick
     * @param trackMessages {@code TRACK_MESSAGES}
     * @param trackMemberUpdates {@code TRACK_MEMBER_UPDATES}
     */
    public record TrackingSettings(
            Duration checkInterval, Duration sessionWriteInterval, boolean trackMessages, boolean trackMemberUpdates) {}

    /**
     * SQLite backups and maintenance.
     *
     * @param dir {@code BACKUP_DIR}
     * @param interval {@code BACKUP_INTERVAL}, zero when off
     * @param retention {@code BACKUP_RETENTION}
     * @param maxCount {@code BACKUP_MAX_COUNT}
     * @param onShutdown {@code SHUTDOWN_BACKUP}
     * @param optimizeInterval {@code OPTIMIZE_INTERVAL}, zero when off
     */
    public record BackupSettings(
            Path dir,
            Duration interval,
            Duration retention,
            int maxCount,
            boolean onShutdown,
            Duration optimizeInterval) {

        /** Whether any backup is due: a schedule or the shutdown backup. */
        public boolean any() {
            return !interval.isZero() || onShutdown;
        }
    }

    /**
     * The admin HTTP API.
     *
     * @param bind {@code ADMIN_API_BIND}, empty when off
     * @param token {@code ADMIN_API_TOKEN}, at least 16 characters; empty when the admin routes refuse all
     * @param dashboardUrl {@code DASHBOARD_URL} without a trailing slash: where members reach the dashboard, for the
     *     links of {@code /leaderboard} and {@code /rank}; empty: no links
     */
    public record AdminApiSettings(
            Optional<InetSocketAddress> bind, Optional<String> token, Optional<String> dashboardUrl) {}

    /**
     * The periodic checks.
     *
     * @param interval {@code MONITOR_INTERVAL}
     * @param lowHitRate {@code LOW_HIT_RATE}, in 0..1
     * @param dbSizeWarnMb {@code DB_SIZE_WARN_MB}
     */
    public record MonitorSettings(Duration interval, double lowHitRate, int dbSizeWarnMb) {}

    /**
     * The gateway shards of this process: with {@code SHARD_COUNT} set, the bot connects through JDA's
     * shard manager; several processes on one storage each take a part of the shards ({@code SHARD_IDS})
     * and claim each with a lease in Redis.
     *
     * @param sharded whether {@code SHARD_COUNT} is set; unset: one gateway connection, as before sharding
     * @param count {@code SHARD_COUNT}; empty when unset or {@code auto} (Discord's recommendation, read
     *     from {@code /gateway/bot} at connect)
     * @param ids {@code SHARD_IDS}, ascending without duplicates; empty for every shard of the count (always
     *     empty with {@code auto}: processes that split the shards must agree on one fixed count)
     * @param leaseTime {@code SHARD_LEASE_TIME}: how long a shard's lease lasts unrenewed (renewed every
     *     third of it), so how long after a {@code kill -9} another process may take the shard over
     */
    public record ShardSettings(boolean sharded, OptionalInt count, List<Integer> ids, Duration leaseTime) {

        public ShardSettings {
            ids = List.copyOf(ids);
        }

        /** This process's shards out of {@code total}: {@link #ids}, or all of them when none are named. */
        public List<Integer> idsOf(int total) {
            return ids.isEmpty() ? IntStream.range(0, total).boxed().toList() : ids;
        }

        /** Whether other processes run the other shards: {@code SHARD_IDS} names fewer than all shards. */
        public boolean partial() {
            return !ids.isEmpty() && count.isPresent() && ids.size() < count.getAsInt();
        }
    }

    private final RawSettings raw;
    private final DiscordSettings discord;
    private final StorageSettings storage;
    private final CacheSettings cache;
    private final TrackingSettings tracking;
    private final BackupSettings backup;
    private final AdminApiSettings adminApi;
    private final MonitorSettings monitor;
    private final Path announcementsFile;
    private final Duration shutdownTimeout;
    private final ShardSettings shards;

    BotConfig(
            RawSettings raw,
            DiscordSettings discord,
            StorageSettings storage,
            CacheSettings cache,
            TrackingSettings tracking,
            BackupSettings backup,
            AdminApiSettings adminApi,
            MonitorSettings monitor,
            Path announcementsFile,
            Duration shutdownTimeout,
            ShardSettings shards) {
        this.raw = raw;
        this.discord = discord;
        this.storage = storage;
        this.cache = cache;
        this.tracking = tracking;
        this.backup = backup;
        this.adminApi = adminApi;
        this.monitor = monitor;
        this.announcementsFile = announcementsFile;
        this.shutdownTimeout = shutdownTimeout;
        this.shards = shards;
    }

    /**
     * Reads the settings: environment, then {@code dotEnv} (if it exists), then {@code configFile}
     * (required to exist when given), then defaults; then {@code overrides} replace all of those.
     *
     * @throws ConfigException naming the setting and the value if anything is invalid
     */
    public static BotConfig load(
            Map<String, String> environment,
            @Nullable Path dotEnv,
            @Nullable Path configFile,
            Map<String, String> overrides) {
        Objects.requireNonNull(environment, "environment must not be null");
        Objects.requireNonNull(overrides, "overrides must not be null");
        return ConfigParser.parse(RawSettings.read(environment, dotEnv, configFile, overrides));
    }

    /** A copy with some settings replaced, validated again. */
    public BotConfig with(Map<String, String> changes) {
        return ConfigParser.parse(raw.with(changes, "override"));
    }

    /** A copy with those of {@code defaults} applied whose setting no source gave, validated again. */
    public BotConfig withDefaults(Map<String, String> defaults) {
        return ConfigParser.parse(raw.withDefaults(defaults, "override"));
    }

    public DiscordSettings discord() {
        return discord;
    }

    public StorageSettings storage() {
        return storage;
    }

    public CacheSettings cache() {
        return cache;
    }

    public TrackingSettings tracking() {
        return tracking;
    }

    public BackupSettings backup() {
        return backup;
    }

    public AdminApiSettings adminApi() {
        return adminApi;
    }

    public MonitorSettings monitor() {
        return monitor;
    }

    /** {@code ANNOUNCEMENTS_FILE}: the level-up announcement settings. */
    public Path announcementsFile() {
        return announcementsFile;
    }

    /** {@code SHUTDOWN_TIMEOUT}: the bound on a graceful shutdown. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** {@code SHARD_COUNT}, {@code SHARD_IDS}, {@code SHARD_LEASE_TIME}: this process's gateway shards. */
    public ShardSettings shards() {
        return shards;
    }

    /** Shorthand for {@code storage().kind()}. */
    public StorageKind storageKind() {
        return storage.kind();
    }

    /**
     * Things that are allowed but probably not meant, for the log at start and {@code --print-config}:
     * names in {@code .env} that are no setting, an admin API reachable from other machines.
     */
    public List<String> warnings() {
        return ConfigParser.warnings(raw, adminApi.bind());
    }

    /** Every setting with its (masked) value and where it came from, one per line. */
    public String dump() {
        return raw.dump();
    }

    // ---- text helpers shared with the runtime's messages ----

    /** A secret as it may be printed: {@code ****}, with the length when it is long; {@code ""} when unset. */
    public static String maskSecret(String secret) {
        if (secret.isEmpty()) {
            return "";
        }
        return "****" + (secret.length() >= 24 ? " (" + secret.length() + " chars)" : "");
    }

    /** A URL as it may be printed: the user info and any {@code password=} parameter masked. */
    public static String maskUrl(String url) {
        return url.replaceAll("(?<=://)[^/@]*@", "****@").replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    /** {@code value} cut to {@value #ECHO_LIMIT} characters plus "..." and the length when longer. */
    public static String abbreviate(String value) {
        return value.length() <= ECHO_LIMIT
                ? value
                : value.substring(0, ECHO_LIMIT) + "... (" + value.length() + " characters)";
    }

    /** A duration in the largest whole unit of the settings' form: {@code 7d}, {@code 6h}, {@code 500ms}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return d.toDays() + "d";
        }
        if (ms % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (ms % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (ms % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return ms + "ms";
    }

    /**
     * The database a PostgreSQL JDBC URL names ({@code jdbc:postgresql://host:port/NAME?...} or {@code
     * jdbc:postgresql:NAME}), {@code ""} when it names none (the driver would then use a default one).
     */
    public static String postgresDatabase(String jdbcUrl) {
        String rest = jdbcUrl.substring(Math.min(jdbcUrl.length(), "jdbc:postgresql:".length()));
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        String db;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            db = slash < 0 ? "" : rest.substring(slash + 1);
        } else {
            db = rest.startsWith("/") ? rest.substring(1) : rest;
        }
        try {
            return java.net.URLDecoder.decode(db, StandardCharsets.UTF_8).strip();
        } catch (IllegalArgumentException e) {
            return db.strip(); // a stray '%': the name as written
        }
    }

    @Override
    public String toString() {
        return "BotConfig{storage=" + storage.kind() + ", checkInterval=" + human(tracking.checkInterval()) + "}";
    }
}

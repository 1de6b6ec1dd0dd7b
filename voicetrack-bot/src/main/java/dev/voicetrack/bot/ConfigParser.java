package dev.voicetrack.bot;

import dev.voicetrack.bot.BotConfig.AdminApiSettings;
import dev.voicetrack.bot.BotConfig.BackupSettings;
import dev.voicetrack.bot.BotConfig.CacheSettings;
import dev.voicetrack.bot.BotConfig.DiscordSettings;
import dev.voicetrack.bot.BotConfig.MonitorSettings;
import dev.voicetrack.bot.BotConfig.StorageKind;
import dev.voicetrack.bot.BotConfig.StorageSettings;
import dev.voicetrack.bot.BotConfig.TrackingSettings;
import dev.voicetrack.core.storage.kernel.HourlyRule;
import dev.voicetrack.jda.DashboardLinks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every setting of a {@link RawSettings} once into the typed {@link BotConfig}; the only place
 * that looks settings up by name. Each value is checked as it is read, and a bad one throws {@link
 * ConfigException} naming the setting and the value (secrets masked, long values cut).
 */
final class ConfigParser {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Set<String> MAINTENANCE_DATABASES = Set.of("postgres", "template0", "template1");
    private static final Duration LONGEST = Duration.ofDays(3650);

    private final RawSettings raw;

    private ConfigParser(RawSettings raw) {
        this.raw = raw;
    }

    /** @throws ConfigException naming the first bad setting and its value */
    static BotConfig parse(RawSettings raw) {
        return new ConfigParser(raw).parse();
    }

    private BotConfig parse() {
        StorageKind kind = storageKind();
        Duration checkInterval = checkInterval();
        Duration storageTimeout = storageTimeout(checkInterval);
        Duration sessionWriteInterval = sessionWriteInterval();
        long cacheMaxEntries = positiveInt("CACHE_MAX_ENTRIES");
        Duration cacheTtl = cacheTtl();
        Duration warmInterval = schedule("CACHE_WARM_INTERVAL");
        Duration backupInterval = schedule("BACKUP_INTERVAL");
        Duration optimizeInterval = schedule("OPTIMIZE_INTERVAL");
        Duration monitorInterval = schedule("MONITOR_INTERVAL");
        Optional<InetSocketAddress> adminBind = adminBind();
        Duration retention = duration("BACKUP_RETENTION", Duration.ofHours(1));
        int maxBackups = positiveInt("BACKUP_MAX_COUNT");
        boolean shutdownBackup = bool("SHUTDOWN_BACKUP");
        boolean trackMessages = bool("TRACK_MESSAGES");
        boolean trackMemberUpdates = bool("TRACK_MEMBER_UPDATES");
        double lowHitRate = lowHitRate();
        int dbSizeWarnMb = positiveInt("DB_SIZE_WARN_MB");
        Duration shutdownTimeout = duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(1));
        Optional<String> adminToken = adminToken();
        Optional<String> apiUrl = url("DISCORD_API_URL");
        Optional<String> gatewayUrl = url("DISCORD_GATEWAY_URL");
        Optional<String> redisUrl = optional("REDIS_URL"); // several nodes are no one URI: checked per node
        Optional<String> mongoUri = url("MONGODB_URI");
        List<String> redisNodes = redisUrl.map(this::redisNodes).orElse(List.of());
        boolean redisCluster = redisCluster(redisNodes);
        mongoUri.ifPresent(this::checkMongoUri);
        boolean shared = bool("POSTGRES_SHARED_DATABASE");
        Optional<String> jdbcUrl = jdbcUrl(shared);
        requireWhatTheStorageNeeds(kind, jdbcUrl, mongoUri);
        BotConfig.ShardSettings shards = shards(kind, redisUrl.isPresent());
        checkPathsApart(kind);

        return new BotConfig(
                raw,
                new DiscordSettings(optional("DISCORD_BOT_TOKEN"), apiUrl, gatewayUrl),
                new StorageSettings(
                        kind,
                        path("SQLITE_DB_PATH"),
                        jdbcUrl,
                        raw.value("POSTGRES_USER"),
                        raw.value("POSTGRES_PASSWORD"),
                        shared,
                        path("JSON_DATA_DIR"),
                        mongoUri,
                        raw.value("MONGODB_DATABASE"),
                        storageTimeout,
                        hourlyRetentionDays()),
                new CacheSettings(
                        cacheMaxEntries,
                        cacheTtl,
                        redisUrl,
                        redisNodes,
                        redisCluster,
                        raw.value("REDIS_KEY_PREFIX"),
                        warmInterval),
                new TrackingSettings(checkInterval, sessionWriteInterval, trackMessages, trackMemberUpdates),
                new BackupSettings(
                        path("BACKUP_DIR"), backupInterval, retention, maxBackups, shutdownBackup, optimizeInterval),
                new AdminApiSettings(adminBind, adminToken, dashboardUrl()),
                new MonitorSettings(monitorInterval, lowHitRate, dbSizeWarnMb),
                path("ANNOUNCEMENTS_FILE"),
                shutdownTimeout,
                shards);
    }

    // ---- one reader per kind of setting ----

    private StorageKind storageKind() {
        String v = raw.value("VOICETRACK_STORAGE").toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            if (!raw.value("MONGODB_URI").isEmpty()) {
                return StorageKind.MONGO;
            }
            if (!raw.value("VOICETRACK_JDBC_URL").isEmpty()) {
                return StorageKind.POSTGRES;
            }
            return StorageKind.SQLITE;
        }
        return switch (v) {
            case "sqlite" -> StorageKind.SQLITE;
            case "postgres", "postgresql" -> StorageKind.POSTGRES;
            case "json" -> StorageKind.JSON;
            case "mongo", "mongodb" -> StorageKind.MONGO;
            case "memory" -> StorageKind.MEMORY;
            default -> throw new ConfigException(
                    "VOICETRACK_STORAGE must be one of sqlite, postgres, json, mongo, memory, was '"
                            + BotConfig.abbreviate(v) + "'");
        };
    }

    private Duration checkInterval() {
        Duration d = duration("CHECK_INTERVAL", Duration.ofMillis(100));
        if (d.isZero()) {
            throw new ConfigException("CHECK_INTERVAL must be >= 100ms, was '" + raw.shown("CHECK_INTERVAL") + "'");
        }
        return d;
    }

    /** {@code auto} is half the check interval, between 250 ms and 2 s. */
    private Duration storageTimeout(Duration checkInterval) {
        if (raw.value("STORAGE_TIMEOUT").strip().equalsIgnoreCase("auto")) {
            long half = checkInterval.toMillis() / 2;
            return Duration.ofMillis(Math.max(250, Math.min(2_000, half)));
        }
        Duration d = duration("STORAGE_TIMEOUT", Duration.ofMillis(250));
        if (d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(
                    "STORAGE_TIMEOUT must be auto or between 250ms and 1m, was '" + raw.value("STORAGE_TIMEOUT") + "'");
        }
        return d;
    }

    private Duration sessionWriteInterval() {
        Duration d = duration("SESSION_WRITE_INTERVAL", Duration.ZERO);
        if (d.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException(
                    "SESSION_WRITE_INTERVAL must be at most 1d, was '" + raw.shown("SESSION_WRITE_INTERVAL") + "'");
        }
        return d;
    }

    private Duration cacheTtl() {
        Duration d = duration("CACHE_TTL", Duration.ofSeconds(1));
        if (d.isZero()) {
            throw new ConfigException("CACHE_TTL must be >= 1s, was '" + raw.shown("CACHE_TTL") + "'");
        }
        return d;
    }

    private Optional<InetSocketAddress> adminBind() {
        String v = raw.value("ADMIN_API_BIND");
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        String shown = BotConfig.abbreviate(v);
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("ADMIN_API_BIND must be host:port or off, was '" + shown + "'");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("ADMIN_API_BIND port must be a number, was '" + shown + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("ADMIN_API_BIND port must be in 0..65535, was '" + shown + "'");
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new ConfigException("ADMIN_API_BIND host is unknown, was '" + shown + "'");
        }
    }

    private Optional<String> dashboardUrl() {
        String v = raw.value("DASHBOARD_URL").strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DashboardLinks.checkBase(v));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("DASHBOARD_URL: " + e.getMessage());
        }
    }

    private Optional<String> adminToken() {
        Optional<String> token = optional("ADMIN_API_TOKEN");
        if (token.isPresent() && token.get().length() < 16) {
            throw new ConfigException("ADMIN_API_TOKEN must be at least 16 characters, was "
                    + token.get().length() + " characters (generate one with: openssl rand -hex 24)");
        }
        return token;
    }

    private double lowHitRate() {
        String v = raw.value("LOW_HIT_RATE");
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || d > 1 || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("LOW_HIT_RATE must be a number in 0..1, was '" + BotConfig.abbreviate(v) + "'");
        }
    }

    private boolean bool(String name) {
        return switch (raw.value(name).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, was '" + raw.shown(name) + "'");
        };
    }

    private int hourlyRetentionDays() {
        int days = positiveInt("HOURLY_RETENTION_DAYS");
        if (days > HourlyRule.MAX_RETENTION_DAYS) {
            throw new ConfigException("HOURLY_RETENTION_DAYS must be between 1 and " + HourlyRule.MAX_RETENTION_DAYS
                    + ", was '" + days + "'");
        }
        return days;
    }

    private int positiveInt(String name) {
        String v = raw.value(name);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number >= 1, was '" + BotConfig.abbreviate(v) + "'");
        }
    }

    private Optional<String> optional(String name) {
        String v = raw.value(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private Path path(String name) {
        try {
            return Path.of(raw.value(name));
        } catch (InvalidPathException e) {
            throw new ConfigException(
                    name + " is not a valid path (" + e.getReason() + "), was '" + raw.shown(name) + "'");
        }
    }

    /**
     * The files and folders the bot writes must be different paths: an announcements file on the database
     * would be written over it at the first {@code /config levelup}, a backup folder on the database file
     * cannot be created. Only what this storage writes is compared (backups are SQLite's). Folders may
     * hold one another's files: backup rotation deletes only the backups it recorded (see the bot README),
     * so {@code BACKUP_DIR} may be the data folder. Paths are compared absolute and normalised, through the
     * real path of the part that exists, so {@code ./data/../data/x.db}, a symbolic link and the plain path
     * meet.
     */
    private void checkPathsApart(StorageKind kind) {
        List<String> names = new ArrayList<>(List.of("ANNOUNCEMENTS_FILE"));
        if (kind == StorageKind.SQLITE) {
            names.addAll(List.of("SQLITE_DB_PATH", "BACKUP_DIR"));
        } else if (kind == StorageKind.JSON) {
            names.add("JSON_DATA_DIR");
        }
        Map<String, String> seen = new HashMap<>();
        for (String name : names) {
            Path p = canonical(path(name));
            String other = seen.putIfAbsent(p.toString(), name);
            if (other != null) {
                throw new ConfigException(other + " and " + name + " must be different paths, were '" + raw.shown(other)
                        + "' and '" + raw.shown(name) + "' (both " + p + "): give each its own");
            }
        }
    }

    /** The absolute, normalised path, with the part of it that exists resolved to its real path. */
    private static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }

    /**
     * A duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 6h}, {@code 7d}, or a plain number of
     * milliseconds; {@code 0} (or {@code off}) means zero/off when {@code min} is zero.
     */
    private Duration duration(String name, Duration min) {
        String v = raw.value(name).toLowerCase(Locale.ROOT).strip();
        if (v.equals("off") && min.isZero()) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new ConfigException(
                    name + " must be a duration such as 500ms, 10s, 5m, 6h or 7d, was '" + raw.shown(name) + "'");
        }
        Duration d;
        try {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(name + " is too large, was '" + raw.shown(name) + "'");
        }
        if (d.isZero() && min.isZero()) {
            return d;
        }
        if (d.compareTo(min) < 0 || d.compareTo(LONGEST) > 0) {
            throw new ConfigException(name + " must be between "
                    + BotConfig.human(min.isZero() ? Duration.ofMillis(1) : min) + " and 3650d"
                    + (min.isZero() ? " (or 0 for off)" : "") + ", was '" + raw.shown(name) + "'");
        }
        return d;
    }

    /** A schedule's period ({@link BotConfig#SCHEDULE_MINIMUMS}): zero when off, else at least its minimum. */
    private Duration schedule(String name) {
        Duration min = BotConfig.SCHEDULE_MINIMUMS.get(name);
        boolean canBeOff = !name.equals("MONITOR_INTERVAL");
        Duration d = duration(name, canBeOff ? Duration.ZERO : Duration.ofMillis(1));
        if (d.isZero() && canBeOff) {
            return d;
        }
        if (d.compareTo(min) < 0) {
            throw new ConfigException(name + " must be at least " + BotConfig.human(min)
                    + (canBeOff ? " (or 0 for off)" : "") + ", was '" + raw.shown(name) + "'");
        }
        return d;
    }

    // ---- shards ----

    private static final Pattern SHARD_RANGE = Pattern.compile("(\\d{1,5})(?:\\s*-\\s*(\\d{1,5}))?");
    private static final int MAX_SHARDS = 65_536;

    private BotConfig.ShardSettings shards(StorageKind kind, boolean redis) {
        Duration leaseTime = duration("SHARD_LEASE_TIME", Duration.ofSeconds(1));
        String countText = raw.value("SHARD_COUNT").strip();
        String idsText = raw.value("SHARD_IDS").strip();
        if (countText.isEmpty()) {
            if (!idsText.isEmpty()) {
                throw new ConfigException(
                        "SHARD_IDS needs SHARD_COUNT (the bot's shard count, or auto), was SHARD_IDS='"
                                + raw.shown("SHARD_IDS") + "' without SHARD_COUNT");
            }
            return new BotConfig.ShardSettings(false, OptionalInt.empty(), List.of(), leaseTime);
        }
        OptionalInt count = countText.equalsIgnoreCase("auto") ? OptionalInt.empty() : OptionalInt.of(shardCount());
        if (count.isEmpty() && !idsText.isEmpty()) {
            throw new ConfigException("SHARD_IDS needs a fixed SHARD_COUNT, was SHARD_COUNT=auto with SHARD_IDS='"
                    + raw.shown("SHARD_IDS") + "': processes started at different times may be told different counts"
                    + " by Discord and split the guilds differently; set SHARD_COUNT to one number in every process");
        }
        List<Integer> ids = idsText.isEmpty() ? List.of() : shardIds(count.getAsInt());
        var shards = new BotConfig.ShardSettings(true, count, ids, leaseTime);
        if (shards.partial()) {
            String what = "SHARD_IDS=" + raw.shown("SHARD_IDS") + " leaves the other shards of SHARD_COUNT="
                    + raw.shown("SHARD_COUNT") + " to other processes, which";
            if (!redis) {
                throw new ConfigException(what + " needs REDIS_URL: the processes share their caches' invalidations"
                        + " and claim their shards (leases) through Redis");
            }
            if (kind != StorageKind.POSTGRES && kind != StorageKind.MONGO) {
                throw new ConfigException(what + " needs a storage every process reaches: PostgreSQL"
                        + " (VOICETRACK_JDBC_URL) or MongoDB (MONGODB_URI), was VOICETRACK_STORAGE="
                        + kind.name().toLowerCase(Locale.ROOT));
            }
        }
        return shards;
    }

    private int shardCount() {
        String v = raw.value("SHARD_COUNT").strip();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_SHARDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException("SHARD_COUNT must be auto or a whole number in 1.." + MAX_SHARDS + ", was '"
                + raw.shown("SHARD_COUNT") + "'");
    }

    /** {@code 0-3}, {@code 4,5,6,7} or both ({@code 0-1,4}); ascending, each once, each below the count. */
    private List<Integer> shardIds(int count) {
        String shown = raw.shown("SHARD_IDS");
        TreeSet<Integer> ids = new TreeSet<>();
        for (String part : raw.value("SHARD_IDS").split(",", -1)) {
            Matcher m = SHARD_RANGE.matcher(part.strip());
            if (!m.matches()) {
                throw new ConfigException(
                        "SHARD_IDS must be shard numbers and ranges such as 0-3 or 4,5,6,7, was '" + shown + "'");
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            if (to < from) {
                throw new ConfigException("SHARD_IDS range " + from + "-" + to + " runs backwards (write " + to + "-"
                        + from + "), was '" + shown + "'");
            }
            for (int id = from; id <= to; id++) {
                if (id >= count) {
                    throw new ConfigException("SHARD_IDS names shard " + id + ", but SHARD_COUNT=" + count
                            + " has shards 0-" + (count - 1) + ", was '" + shown + "'");
                }
                if (!ids.add(id)) {
                    throw new ConfigException("SHARD_IDS names shard " + id + " twice, was '" + shown + "'");
                }
            }
        }
        return List.copyOf(ids);
    }

    // ---- URLs ----

    private Optional<String> url(String name) {
        Optional<String> v = optional(name);
        v.ifPresent(value -> {
            try {
                if (new URI(value).getScheme() == null) {
                    throw new ConfigException(name + " must be a URL with a scheme, was '" + raw.shown(name) + "'");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name + " is not a valid URL, was '" + raw.shown(name) + "'");
            }
        });
        return v;
    }

    /**
     * {@code REDIS_URL} as one URL per node, each checked as the Redis client would only at start
     * (scheme, host, port, database number). Several nodes are written as Lettuce and redis-cli users
     * know them, {@code redis://[:password@]host1:port1,host2:port2[/db]}: the password and database
     * hold for every node.
     */
    private List<String> redisNodes(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            checkRedisUrl(url, false);
            return List.of(url);
        }
        String scheme = url.substring(0, schemeEnd);
        String rest = url.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String[] hosts = authority.substring(at + 1).split(",", -1);
        List<String> nodes = new ArrayList<>();
        for (String host : hosts) {
            if (host.isBlank()) {
                throw redisUrlRefused(hosts.length > 1 ? "a node names no host" : "it names no host");
            }
            String node = scheme + "://" + userInfo + host.strip() + path;
            checkRedisUrl(node, hosts.length > 1);
            nodes.add(node);
        }
        return List.copyOf(nodes);
    }

    private void checkRedisUrl(String url, boolean several) {
        String problem = null;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
            problem = several ? "a node is not host:port" : "it is not a URL";
        }
        if (uri != null) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                problem = "the scheme must be redis:// or rediss:// (TLS)";
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                problem = uri.getRawAuthority() != null && uri.getRawAuthority().matches(".*:\\d{6,}")
                        ? "the port must be in 1..65535"
                        : several ? "a node names no host" : "it names no host";
            } else if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
                problem = "the port must be in 1..65535";
            } else if (uri.getPath() != null
                    && !uri.getPath().isEmpty()
                    && !uri.getPath().equals("/")
                    && !uri.getPath().substring(1).matches("\\d{1,2}")) {
                problem = "the database must be a number such as /0";
            }
        }
        if (problem != null) {
            throw redisUrlRefused(problem);
        }
    }

    private ConfigException redisUrlRefused(String problem) {
        return new ConfigException("REDIS_URL must be redis://[:password@]host[:port][/database] or rediss://...,"
                + " or for a Redis Cluster redis://[:password@]host1:port1,host2:port2,...; " + problem + ", was '"
                + raw.shown("REDIS_URL") + "'");
    }

    /** {@code REDIS_CLUSTER}: auto (a cluster when REDIS_URL names several nodes), true or false. */
    private boolean redisCluster(List<String> nodes) {
        String v = raw.value("REDIS_CLUSTER").strip().toLowerCase(Locale.ROOT);
        boolean cluster;
        if (v.isEmpty() || v.equals("auto")) {
            cluster = nodes.size() > 1;
        } else {
            cluster = switch (v) {
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new ConfigException(
                        "REDIS_CLUSTER must be auto, true or false, was '" + raw.shown("REDIS_CLUSTER") + "'");
            };
            if (nodes.isEmpty() && cluster) {
                throw new ConfigException("REDIS_CLUSTER=" + raw.shown("REDIS_CLUSTER")
                        + " needs REDIS_URL naming the cluster's nodes (redis://host1:port1,host2:port2,...)");
            }
            if (!cluster && nodes.size() > 1) {
                throw new ConfigException("REDIS_URL names " + nodes.size() + " nodes, which only a Redis Cluster"
                        + " can use, but REDIS_CLUSTER=" + raw.shown("REDIS_CLUSTER") + "; name one server, or set"
                        + " REDIS_CLUSTER=auto, was REDIS_URL='" + raw.shown("REDIS_URL") + "'");
            }
        }
        if (cluster) {
            String path = URI.create(nodes.get(0)).getPath();
            if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
                throw new ConfigException("REDIS_URL names a Redis Cluster, which has only database 0, but asks for"
                        + " database " + path.substring(1) + "; drop the /" + path.substring(1) + ", was '"
                        + raw.shown("REDIS_URL") + "'");
            }
        }
        return cluster;
    }

    private void checkMongoUri(String uri) {
        String scheme = URI.create(uri).getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("mongodb") && !scheme.equals("mongodb+srv")) {
            throw new ConfigException("MONGODB_URI must be mongodb://host:27017 or mongodb+srv://..., was '"
                    + raw.shown("MONGODB_URI") + "'");
        }
    }

    private Optional<String> jdbcUrl(boolean shared) {
        Optional<String> jdbc = optional("VOICETRACK_JDBC_URL");
        if (jdbc.isEmpty()) {
            return jdbc;
        }
        String shown = raw.shown("VOICETRACK_JDBC_URL");
        if (!jdbc.get().startsWith("jdbc:postgresql:")) {
            throw new ConfigException("VOICETRACK_JDBC_URL must start with jdbc:postgresql:, was '" + shown + "'");
        }
        String db = BotConfig.postgresDatabase(jdbc.get());
        if (db.isEmpty()) {
            throw new ConfigException("VOICETRACK_JDBC_URL must name a database of VoiceTrack's own"
                    + " (jdbc:postgresql://host:5432/voicetrack; create it with CREATE DATABASE voicetrack), was '"
                    + shown + "'");
        }
        if (!shared && MAINTENANCE_DATABASES.contains(db)) {
            throw new ConfigException("VOICETRACK_JDBC_URL names the server's " + db + " database, was '" + shown
                    + "'; create one for VoiceTrack (CREATE DATABASE voicetrack)"
                    + " or set POSTGRES_SHARED_DATABASE=true to use it anyway");
        }
        return jdbc;
    }

    private void requireWhatTheStorageNeeds(StorageKind kind, Optional<String> jdbcUrl, Optional<String> mongoUri) {
        switch (kind) {
            case POSTGRES -> {
                if (jdbcUrl.isEmpty()) {
                    throw new ConfigException(
                            "VOICETRACK_STORAGE=postgres needs VOICETRACK_JDBC_URL (jdbc:postgresql://host:5432/db)");
                }
            }
            case MONGO -> {
                if (mongoUri.isEmpty()) {
                    throw new ConfigException("VOICETRACK_STORAGE=mongo needs MONGODB_URI (mongodb://host:27017)");
                }
            }
            case SQLITE -> {
                if (raw.value("SQLITE_DB_PATH").isEmpty()) {
                    throw new ConfigException("SQLITE_DB_PATH must not be empty");
                }
            }
            default -> {}
        }
    }

    /** The warnings of {@link BotConfig#warnings}: ignored {@code .env} names, an admin API off loopback. */
    static List<String> warnings(RawSettings raw, Optional<InetSocketAddress> adminBind) {
        List<String> out = new java.util.ArrayList<>(raw.ignored());
        adminBind.ifPresent(a -> {
            if (!a.getAddress().isLoopbackAddress()) {
                out.add("ADMIN_API_BIND=" + raw.shown("ADMIN_API_BIND") + " makes the admin API reachable from "
                        + (a.getAddress().isAnyLocalAddress() ? "every network interface" : "other machines")
                        + "; it is meant for loopback (127.0.0.1:8787). Its read-only routes need no token and"
                        + " it speaks plain HTTP: keep it on 127.0.0.1 behind a TLS proxy, or firewall the port");
            }
        });
        return out;
    }
}

package dev.voicetrack.bot;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The bot's settings, read from environment variables, a {@code .env} file and an optional config
 * file (properties or flat JSON) with the same names; the first of those that sets a name wins. Every
 * value is validated by {@link #load}: a bad one throws {@link ConfigException} naming the setting and
 * the value, before anything is opened or written. Immutable and thread safe.
 *
 * <p>The names of the original library are kept where it has them ({@code DISCORD_BOT_TOKEN}, {@code
 * MONGODB_URI}, {@code REDIS_URL}, {@code SQLITE_DB_PATH}); {@link #SETTINGS} documents every name.
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

    private static final Set<String> SECRETS = Set.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN", "POSTGRES_PASSWORD");
    private static final Set<String> URLS_WITH_CREDENTIALS = Set.of("MONGODB_URI", "REDIS_URL", "VOICETRACK_JDBC_URL");

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
                        "", "redis://[:password@]host[:port][/db] or rediss://...; switches on the two-tier cache"));
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
                "ANNOUNCEMENTS_FILE",
                new Setting("./data/announcements.properties", "level-up announcement settings (/config levelup)"));
        s.put("BACKUP_DIR", new Setting("./data/backups", "where SQLite backups go"));
        s.put("BACKUP_INTERVAL", new Setting("6h", "automatic backup period (>= 1m; 0 = off)"));
        s.put("BACKUP_RETENTION", new Setting("7d", "backups older than this are removed after a good backup"));
        s.put("BACKUP_MAX_COUNT", new Setting("60", "at most this many automatic backups are kept"));
        s.put("SHUTDOWN_BACKUP", new Setting("true", "write a backup when the bot stops"));
        s.put("OPTIMIZE_INTERVAL", new Setting("24h", "optimize (VACUUM) period (>= 1h; 0 = off)"));
        s.put("MONITOR_INTERVAL", new Setting("60s", "period of the cache hit-rate and database size checks (>= 5s)"));
        s.put("LOW_HIT_RATE", new Setting("0.6", "warn when the cache hit rate is below this (after 100 reads)"));
        s.put("DB_SIZE_WARN_MB", new Setting("100", "warn when the database is larger than this"));
        s.put("SHUTDOWN_TIMEOUT", new Setting("20s", "bound on a graceful shutdown"));
        SETTINGS = java.util.Collections.unmodifiableMap(s);
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

    /** Settings whose value is a secret that must not be blank when given. */
    private static final Set<String> TOKENS = Set.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN");

    /** Longest value echoed in an error message; longer ones are cut and end with "...". */
    static final int ECHO_LIMIT = 60;

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final Map<String, String> values; // every known setting, defaults applied
    private final Map<String, String> sources;

    /** Warnings about names in the {@code .env} file that are not settings (likely typos). */
    private final List<String> ignored;

    private BotConfig(Map<String, String> values, Map<String, String> sources, List<String> ignored) {
        this.values = values;
        this.sources = sources;
        this.ignored = List.copyOf(ignored);
        validate();
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
        Map<String, String> values = new TreeMap<>();
        Map<String, String> sources = new TreeMap<>();
        SETTINGS.forEach((k, v) -> {
            values.put(k, v.defaultValue());
            sources.put(k, "default");
        });
        if (configFile != null) {
            readConfigFile(configFile).forEach((k, v) -> put(values, sources, k, v, configFile.toString()));
        }
        List<String> ignored = new java.util.ArrayList<>();
        if (dotEnv != null && Files.isRegularFile(dotEnv)) {
            readDotEnv(dotEnv).forEach((k, v) -> {
                if (SETTINGS.containsKey(k)) {
                    put(values, sources, k, v, dotEnv.toString());
                } else {
                    // A .env may be shared with other tools, so an unknown name is not an error; but it is
                    // most often a typo that would leave a setting at its default without a word.
                    ignored.add(k + " in " + dotEnv + " is not a VoiceTrack setting and was ignored"
                            + closest(k).map(c -> " (did you mean " + c + "?)").orElse(""));
                }
            });
        }
        environment.forEach((k, v) -> {
            if (SETTINGS.containsKey(k) && v != null) {
                put(values, sources, k, v, "environment");
            }
        });
        overrides.forEach((k, v) -> put(values, sources, k, v, "command line"));
        return new BotConfig(values, sources, ignored);
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String k, String v, String src) {
        if (!SETTINGS.containsKey(k)) {
            throw new ConfigException("unknown setting " + k + " in " + src + " (see --help for the names)");
        }
        if (TOKENS.contains(k) && !v.isEmpty() && v.isBlank()) {
            throw new ConfigException(k + " in " + src + " is blank (" + v.length()
                    + " whitespace characters); set the real value, or remove the line to leave it unset");
        }
        values.put(k, v.trim());
        sources.put(k, src);
    }

    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2
                    && ((value.startsWith("\"") && value.endsWith("\""))
                            || (value.startsWith("'") && value.endsWith("'")))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip();
                }
            }
            out.put(key, value);
        }
        return out;
    }

    static Map<String, String> readConfigFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Map<String, String> out = new LinkedHashMap<>();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".json")) {
                com.fasterxml.jackson.databind.JsonNode root =
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
                if (root == null || !root.isObject()) {
                    throw new ConfigException("config file " + file + " must hold one JSON object of settings");
                }
                root.fields().forEachRemaining(e -> {
                    if (e.getValue().isContainerNode()) {
                        throw new ConfigException(
                                "setting " + e.getKey() + " in " + file + " must be a string, number or boolean");
                    }
                    out.put(e.getKey(), e.getValue().asText());
                });
            } else {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                for (String k : p.stringPropertyNames()) {
                    out.put(k, p.getProperty(k));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return out;
    }

    // ---- validation ----

    private void validate() {
        storageKind();
        checkInterval();
        storageTimeout();
        sessionWriteInterval();
        cacheMaxEntries();
        cacheTtl();
        SCHEDULE_MINIMUMS.keySet().forEach(this::schedule);
        adminBind();
        duration("BACKUP_RETENTION", Duration.ofHours(1));
        positiveInt("BACKUP_MAX_COUNT");
        bool("SHUTDOWN_BACKUP");
        bool("TRACK_MESSAGES");
        bool("TRACK_MEMBER_UPDATES");
        lowHitRate();
        positiveInt("DB_SIZE_WARN_MB");
        duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(1));
        String token = get("ADMIN_API_TOKEN");
        if (!token.isEmpty() && token.length() < 16) {
            throw new ConfigException("ADMIN_API_TOKEN must be at least 16 characters, was " + token.length()
                    + " characters (generate one with: openssl rand -hex 24)");
        }
        for (String url : List.of("DISCORD_API_URL", "DISCORD_GATEWAY_URL", "REDIS_URL", "MONGODB_URI")) {
            String v = get(url);
            if (!v.isEmpty()) {
                checkUri(url, v);
            }
        }
        if (!get("REDIS_URL").isEmpty()) {
            checkRedisUrl();
        }
        if (!get("MONGODB_URI").isEmpty()) {
            String scheme = URI.create(get("MONGODB_URI")).getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("mongodb") && !scheme.equals("mongodb+srv")) {
                throw new ConfigException("MONGODB_URI must be mongodb://host:27017 or mongodb+srv://..., was '"
                        + shown("MONGODB_URI") + "'");
            }
        }
        boolean shared = bool("POSTGRES_SHARED_DATABASE");
        String jdbc = get("VOICETRACK_JDBC_URL");
        if (!jdbc.isEmpty()) {
            if (!jdbc.startsWith("jdbc:postgresql:")) {
                throw new ConfigException("VOICETRACK_JDBC_URL must start with jdbc:postgresql:, was '"
                        + shown("VOICETRACK_JDBC_URL") + "'");
            }
            String db = postgresDatabase(jdbc);
            if (db.isEmpty()) {
                throw new ConfigException("VOICETRACK_JDBC_URL must name a database of VoiceTrack's own"
                        + " (jdbc:postgresql://host:5432/voicetrack; create it with CREATE DATABASE voicetrack), was '"
                        + shown("VOICETRACK_JDBC_URL") + "'");
            }
            if (!shared && MAINTENANCE_DATABASES.contains(db)) {
                throw new ConfigException("VOICETRACK_JDBC_URL names the server's " + db + " database, was '"
                        + shown("VOICETRACK_JDBC_URL") + "'; create one for VoiceTrack (CREATE DATABASE voicetrack)"
                        + " or set POSTGRES_SHARED_DATABASE=true to use it anyway");
            }
        }
        switch (storageKind()) {
            case POSTGRES -> {
                if (jdbc.isEmpty()) {
                    throw new ConfigException(
                            "VOICETRACK_STORAGE=postgres needs VOICETRACK_JDBC_URL (jdbc:postgresql://host:5432/db)");
                }
            }
            case MONGO -> {
                if (get("MONGODB_URI").isEmpty()) {
                    throw new ConfigException("VOICETRACK_STORAGE=mongo needs MONGODB_URI (mongodb://host:27017)");
                }
            }
            case SQLITE -> {
                if (get("SQLITE_DB_PATH").isEmpty()) {
                    throw new ConfigException("SQLITE_DB_PATH must not be empty");
                }
            }
            default -> {}
        }
    }

    private void checkUri(String name, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new ConfigException(name + " must be a URL with a scheme, was '" + shown(name) + "'");
            }
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(name + " is not a valid URL, was '" + shown(name) + "'");
        }
    }

    /** The checks the Redis client would make only at start: scheme, host, port, database number. */
    private void checkRedisUrl() {
        URI uri = URI.create(get("REDIS_URL"));
        String problem = null;
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            problem = "the scheme must be redis:// or rediss:// (TLS)";
        } else if (uri.getHost() == null || uri.getHost().isBlank()) {
            problem = uri.getRawAuthority() != null && uri.getRawAuthority().matches(".*:\\d{6,}")
                    ? "the port must be in 1..65535"
                    : "it names no host";
        } else if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            problem = "the port must be in 1..65535";
        } else if (uri.getPath() != null
                && !uri.getPath().isEmpty()
                && !uri.getPath().equals("/")
                && !uri.getPath().substring(1).matches("\\d{1,2}")) {
            problem = "the database must be a number such as /0";
        }
        if (problem != null) {
            throw new ConfigException("REDIS_URL must be redis://[:password@]host[:port][/database] or rediss://...;"
                    + " " + problem + ", was '" + shown("REDIS_URL") + "'");
        }
    }

    private static final Set<String> MAINTENANCE_DATABASES = Set.of("postgres", "template0", "template1");

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

    /**
     * Things that are allowed but probably not meant, for the log at start and {@code --print-config}:
     * an admin API reachable from other machines.
     */
    public List<String> warnings() {
        List<String> out = new java.util.ArrayList<>(ignored);
        adminBind().ifPresent(a -> {
            if (!a.getAddress().isLoopbackAddress()) {
                out.add("ADMIN_API_BIND=" + shown("ADMIN_API_BIND") + " makes the admin API reachable from "
                        + (a.getAddress().isAnyLocalAddress() ? "every network interface" : "other machines")
                        + "; it is meant for loopback (127.0.0.1:8787). Its read-only routes need no token and"
                        + " it speaks plain HTTP: keep it on 127.0.0.1 behind a TLS proxy, or firewall the port");
            }
        });
        return out;
    }

    /** The setting whose name is at most two edits from {@code name}, if exactly one is. */
    static Optional<String> closest(String name) {
        List<String> near = SETTINGS.keySet().stream()
                .filter(k -> editDistance(k, name.toUpperCase(java.util.Locale.ROOT)) <= 2)
                .toList();
        return near.size() == 1 ? Optional.of(near.get(0)) : Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // ---- typed accessors ----

    /** The raw value of a setting (after defaults), never null. */
    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown setting " + name);
        }
        return v;
    }

    /** Whether a setting was given (by any source) rather than left at its default. */
    public boolean isSet(String name) {
        get(name);
        return !"default".equals(sources.get(name));
    }

    public Optional<String> discordToken() {
        String t = get("DISCORD_BOT_TOKEN");
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    public StorageKind storageKind() {
        String v = get("VOICETRACK_STORAGE").toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            if (!get("MONGODB_URI").isEmpty()) {
                return StorageKind.MONGO;
            }
            if (!get("VOICETRACK_JDBC_URL").isEmpty()) {
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
                    "VOICETRACK_STORAGE must be one of sqlite, postgres, json, mongo, memory, was '" + abbreviate(v)
                            + "'");
        };
    }

    public Duration checkInterval() {
        Duration d = duration("CHECK_INTERVAL", Duration.ofMillis(100));
        if (d.isZero()) {
            throw new ConfigException("CHECK_INTERVAL must be >= 100ms, was '" + shown("CHECK_INTERVAL") + "'");
        }
        return d;
    }

    /**
     * The longest a caller waits for one storage call ({@code STORAGE_TIMEOUT}): {@code auto} is half
     * the check interval, between 250 ms and 2 s, so that a tick's write gives up before the next tick
     * is due.
     */
    public Duration storageTimeout() {
        if (get("STORAGE_TIMEOUT").strip().equalsIgnoreCase("auto")) {
            long half = checkInterval().toMillis() / 2;
            return Duration.ofMillis(Math.max(250, Math.min(2_000, half)));
        }
        Duration d = duration("STORAGE_TIMEOUT", Duration.ofMillis(250));
        if (d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(
                    "STORAGE_TIMEOUT must be auto or between 250ms and 1m, was '" + get("STORAGE_TIMEOUT") + "'");
        }
        return d;
    }

    /** How often an open session's row is rewritten ({@code VoiceTrackerBuilder#openSessionWriteInterval}). */
    public Duration sessionWriteInterval() {
        Duration d = duration("SESSION_WRITE_INTERVAL", Duration.ZERO);
        if (d.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException(
                    "SESSION_WRITE_INTERVAL must be at most 1d, was '" + shown("SESSION_WRITE_INTERVAL") + "'");
        }
        return d;
    }

    public long cacheMaxEntries() {
        return positiveInt("CACHE_MAX_ENTRIES");
    }

    public Duration cacheTtl() {
        Duration d = duration("CACHE_TTL", Duration.ofSeconds(1));
        if (d.isZero()) {
            throw new ConfigException("CACHE_TTL must be >= 1s, was '" + shown("CACHE_TTL") + "'");
        }
        return d;
    }

    /** The admin API address, empty when {@code ADMIN_API_BIND=off}. */
    public Optional<java.net.InetSocketAddress> adminBind() {
        String v = get("ADMIN_API_BIND");
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("ADMIN_API_BIND must be host:port or off, was '" + abbreviate(v) + "'");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("ADMIN_API_BIND port must be a number, was '" + abbreviate(v) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("ADMIN_API_BIND port must be in 0..65535, was '" + abbreviate(v) + "'");
        }
        try {
            return Optional.of(new java.net.InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new ConfigException("ADMIN_API_BIND host is unknown, was '" + abbreviate(v) + "'");
        }
    }

    public Optional<String> adminToken() {
        String t = get("ADMIN_API_TOKEN");
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    public double lowHitRate() {
        String v = get("LOW_HIT_RATE");
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || d > 1 || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("LOW_HIT_RATE must be a number in 0..1, was '" + abbreviate(v) + "'");
        }
    }

    public boolean bool(String name) {
        String v = get(name).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, was '" + shown(name) + "'");
        };
    }

    public int positiveInt(String name) {
        String v = get(name);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number >= 1, was '" + abbreviate(v) + "'");
        }
    }

    /**
     * A duration setting: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 6h}, {@code 7d}, or a plain
     * number of milliseconds; {@code 0} (or {@code off}) means zero/off when {@code min} is zero.
     */
    public Duration duration(String name, Duration min) {
        String v = get(name).toLowerCase(Locale.ROOT).strip();
        if (v.equals("off") && min.isZero()) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new ConfigException(
                    name + " must be a duration such as 500ms, 10s, 5m, 6h or 7d, was '" + shown(name) + "'");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " is too large, was '" + shown(name) + "'");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        Duration d;
        try {
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException e) {
            throw new ConfigException(name + " is too large, was '" + shown(name) + "'");
        }
        if (d.isZero() && min.isZero()) {
            return d;
        }
        if (d.compareTo(min) < 0 || d.compareTo(Duration.ofDays(3650)) > 0) {
            throw new ConfigException(name + " must be between " + human(min.isZero() ? Duration.ofMillis(1) : min)
                    + " and 3650d" + (min.isZero() ? " (or 0 for off)" : "") + ", was '" + shown(name) + "'");
        }
        return d;
    }

    /**
     * A schedule's period ({@link #SCHEDULE_MINIMUMS}): zero when it is off, else at least its minimum.
     *
     * @throws ConfigException naming the setting, the value and the minimum
     */
    public Duration schedule(String name) {
        Duration min = SCHEDULE_MINIMUMS.get(name);
        if (min == null) {
            throw new IllegalArgumentException(name + " is not a schedule");
        }
        boolean canBeOff = !name.equals("MONITOR_INTERVAL");
        Duration d = duration(name, canBeOff ? Duration.ZERO : Duration.ofMillis(1));
        if (d.isZero() && canBeOff) {
            return d;
        }
        if (d.compareTo(min) < 0) {
            throw new ConfigException(name + " must be at least " + human(min) + (canBeOff ? " (or 0 for off)" : "")
                    + ", was '" + shown(name) + "'");
        }
        return d;
    }

    private static String human(Duration d) {
        if (d.toMillis() % 86_400_000 == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    /** A copy with some settings replaced, validated again. */
    public BotConfig with(Map<String, String> changes) {
        Map<String, String> v = new TreeMap<>(values);
        Map<String, String> s = new TreeMap<>(sources);
        changes.forEach((k, val) -> put(v, s, k, val, "override"));
        return new BotConfig(v, s, ignored);
    }

    /** The value as it may be printed: secrets masked, passwords in URLs hidden. */
    public String masked(String name) {
        String v = get(name);
        if (v.isEmpty()) {
            return "";
        }
        if (SECRETS.contains(name)) {
            return "****" + (v.length() >= 24 ? " (" + v.length() + " chars)" : "");
        }
        if (URLS_WITH_CREDENTIALS.contains(name)) {
            return v.replaceAll("(?<=://)[^/@]*@", "****@").replaceAll("(?i)(password=)[^&;]*", "$1****");
        }
        return v;
    }

    /** The value as an error message may echo it: {@link #masked} and cut to {@value #ECHO_LIMIT} characters. */
    String shown(String name) {
        return abbreviate(masked(name));
    }

    /** {@code value} cut to {@value #ECHO_LIMIT} characters plus "..." and the length when longer. */
    public static String abbreviate(String value) {
        return value.length() <= ECHO_LIMIT
                ? value
                : value.substring(0, ECHO_LIMIT) + "... (" + value.length() + " characters)";
    }

    /** Every setting with its (masked) value and where it came from, one per line. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        for (String k : SETTINGS.keySet()) {
            sb.append(String.format(Locale.ROOT, "  %-22s = %-30s (%s)%n", k, masked(k), sources.get(k)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "BotConfig{storage=" + storageKind() + ", checkInterval=" + get("CHECK_INTERVAL") + "}";
    }
}

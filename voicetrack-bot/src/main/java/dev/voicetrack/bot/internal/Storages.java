package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.storage.jdbc.CorruptDatabaseException;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteFiles;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the storage a configuration or a {@code kind:location} spec names. Nothing is opened or
 * written here: callers {@link Storage#init()} it, through {@link #init(Storage, BotConfig)} for the
 * operator's message on a damaged database.
 *
 * <p>A {@code mongo:URI} spec uses the database of {@code MONGODB_DATABASE}. Commands that only read
 * existing data open it with {@link #openExisting} or {@link #source}, which refuse a path that does
 * not exist (naming the setting or option) and create nothing. A PostgreSQL database the bot writes to
 * is first checked with one read-only query ({@link #checkPostgresDatabase}). MongoDB clients wait at
 * most {@link #MONGO_SERVER_SELECTION} for a server unless the URI sets {@code
 * serverSelectionTimeoutMS} (the driver's default is 30 s).
 */
public final class Storages {
    /** How long a MongoDB client waits for a server before an operation fails. */
    public static final Duration MONGO_SERVER_SELECTION = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Storages.class);

    /** Opening one PostgreSQL connection (TCP connect and login) gives up after this. */
    static final Duration POSTGRES_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * A PostgreSQL connection that has not answered for this long is dropped, which frees its thread
     * and its pool slot after the server hung. Far above any statement of the bot: when it fires
     * during a commit the outcome is unknown (see {@code TimedStorage}).
     */
    static final Duration POSTGRES_SOCKET_TIMEOUT = Duration.ofMinutes(2);

    private Storages() {}

    /**
     * The storage of a configuration, for the bot: a missing SQLite file or JSON directory is created
     * by {@link Storage#init()}, and the log says so.
     */
    public static Storage open(BotConfig config) {
        switch (config.storageKind()) {
            case SQLITE -> {
                Path file = config.storage().sqlitePath();
                if (!Files.exists(file)) {
                    LOG.info(
                            "Creating new database at {} (SQLITE_DB_PATH)",
                            file.toAbsolutePath().normalize());
                }
            }
            case JSON -> {
                Path dir = config.storage().jsonDir();
                if (!Files.exists(dir)) {
                    LOG.info(
                            "Creating new JSON storage at {} (JSON_DATA_DIR)",
                            dir.toAbsolutePath().normalize());
                }
            }
            default -> {}
        }
        Storage storage = create(config);
        if (storage instanceof AbstractStorage kernel) { // every backend is; a decorator would keep the default
            kernel.setHourlyRetentionDays(config.storage().hourlyRetentionDays());
        }
        return storage;
    }

    /**
     * The storage of a configuration for a command that only reads existing data ({@code stats}): a
     * SQLite file or JSON directory must exist and is opened read-only.
     *
     * @throws ConfigException naming the setting and the path if it does not exist
     */
    public static Storage openExisting(BotConfig config, String command) {
        return switch (config.storageKind()) {
            case SQLITE -> {
                Path demo = Path.of("data/demo/voice-tracker.db");
                if (!Files.exists(config.storage().sqlitePath()) && Files.isRegularFile(demo)) {
                    // The newcomer's first stats after the demo: point at where the demo keeps its data.
                    throw new ConfigException(command + ": SQLITE_DB_PATH: the SQLite database "
                            + config.storage().sqlitePath().toAbsolutePath().normalize()
                            + " does not exist (nothing was created). The demo keeps its data apart: "
                            + "SQLITE_DB_PATH=./data/demo/voice-tracker.db ./voicetrack " + command);
                }
                yield sqliteSource(
                        command + ": SQLITE_DB_PATH",
                        config.storage().sqlitePath().toString());
            }
            case JSON -> jsonSource(
                    command + ": JSON_DATA_DIR", config.storage().jsonDir().toString());
                // Read-only too: an empty database is reported as such, never given the bot's tables.
            case POSTGRES -> source(
                    command + ": VOICETRACK_JDBC_URL",
                    "postgres:" + config.storage().jdbcUrl().orElseThrow(),
                    config);
            case MONGO -> mongo(
                    config.storage().mongoUri().orElseThrow(), config.storage().mongoDatabase(), true);
            case MEMORY -> create(config);
        };
    }

    /**
     * {@link Storage#init()}, with what to do when a SQLite file is damaged: the message names the
     * file, what is wrong, the restore command and where the backups are.
     *
     * @throws StorageException if the storage cannot be opened
     */
    public static void init(Storage storage, BotConfig config) {
        try {
            storage.init();
        } catch (CorruptDatabaseException e) {
            // The cause is kept as suppressed, not as cause: its message is already here, once.
            StorageException refused = new StorageException(e.getMessage() + "\n" + restoreAdvice(config));
            refused.addSuppressed(e);
            throw refused;
        }
    }

    /** How to restore a damaged database: the command, the backup directory and its newest backup. */
    static String restoreAdvice(BotConfig config) {
        Path dir = config.backup().dir().toAbsolutePath().normalize();
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                newest = files.filter(f -> f.getFileName().toString().endsWith(".db") && Files.isRegularFile(f))
                        .max(Comparator.comparing(f -> f.toFile().lastModified()));
            } catch (IOException e) {
                // no listing: the advice below still names the directory
            }
        }
        Path db = config.storage().sqlitePath().toAbsolutePath().normalize();
        return "VoiceTrack will not run on a damaged database. Restore a backup with"
                + " SQLITE_DB_PATH=" + db + " ./voicetrack restore --from <backup>; backups are in " + dir
                + " (BACKUP_DIR)"
                + newest.map(f -> ", the newest is " + f).orElse(", where none was found")
                + " (the restore keeps the damaged file aside as <db>.damaged-<time> and says where).";
    }

    /** The storage of a configuration; nothing checked. */
    private static Storage create(BotConfig config) {
        return switch (config.storageKind()) {
            case SQLITE -> sqlite(config.storage().sqlitePath().toString());
            case POSTGRES -> {
                checkPostgresDatabase(
                        "VOICETRACK_JDBC_URL", config.storage().jdbcUrl().orElseThrow(), config);
                yield JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(config.storage().jdbcUrl().orElseThrow())
                        .user(config.storage().postgresUser())
                        .password(config.storage().postgresPassword())
                        // Waiting for a pooled connection gives up a little before the caller does
                        // (STORAGE_TIMEOUT), so that a refused server is a plain failure, not a write in doubt.
                        .connectionTimeout(Duration.ofMillis(
                                Math.max(250, config.storage().timeout().toMillis() * 3 / 4)))
                        .connectTimeout(POSTGRES_CONNECT_TIMEOUT)
                        .socketTimeout(POSTGRES_SOCKET_TIMEOUT)
                        .build());
            }
            case JSON -> JsonStorage.open(config.storage().jsonDir());
            case MONGO -> mongo(
                    config.storage().mongoUri().orElseThrow(), config.storage().mongoDatabase());
            case MEMORY -> new InMemoryStorage();
        };
    }

    /**
     * The source of a migration from a spec (see {@link #fromSpec}), opened read-only: a SQLite file
     * through read-only connections with no pragma or migration that writes, a JSON directory that is
     * only read, PostgreSQL through read-only connections, MongoDB without creating indexes. A SQLite
     * file or JSON directory must exist.
     *
     * @throws ConfigException naming the option, the spec and the path if it is malformed or missing
     */
    public static Storage source(String option, String spec, BotConfig config) {
        Spec s = Spec.parse(option, spec);
        return switch (s.kind()) {
            case "sqlite" -> sqliteSource(option + " " + spec, s.where());
            case "json" -> jsonSource(option + " " + spec, s.where());
                // Only read: a database shared with other tables is fine as a source.
            case "postgres" -> JdbcStorage.postgres(postgresOptions(option, spec, s.where(), config, false)
                    .readOnly(true)
                    .build());
            case "mongo" -> mongo(s.where(), config.storage().mongoDatabase(), true);
            default -> fromSpec(option, spec, config);
        };
    }

    private static Storage sqliteSource(String what, String file) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new ConfigException(what + ": the SQLite database "
                    + path.toAbsolutePath().normalize() + " does not exist (nothing was created; check the path)");
        }
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(
                    what + ": " + path.toAbsolutePath().normalize() + " is not a SQLite database file");
        }
        return JdbcStorage.sqlite(
                SqliteOptions.builder().file(path).readOnly(true).build());
    }

    private static Storage jsonSource(String what, String dir) {
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new ConfigException(what + ": the JSON storage directory "
                    + path.toAbsolutePath().normalize()
                    + (Files.exists(path)
                            ? " is not a directory"
                            : " does not exist (nothing was created; check the path)"));
        }
        return JsonStorage.openReadOnly(path);
    }

    /**
     * Refuses a migration whose source and target are the same storage however spelled: SQLite files
     * and JSON directories are compared by real path (symbolic links and {@code ..} resolved; a JSON
     * directory inside the other counts too), PostgreSQL and MongoDB by their URL.
     *
     * @throws ConfigException naming both specs and the shared location
     */
    public static void refuseSameStorage(String from, String to) {
        Spec a = Spec.parse("--from", from);
        Spec b = Spec.parse("--to", to);
        if (!a.kind().equals(b.kind()) || a.kind().equals("memory")) {
            return;
        }
        boolean same;
        String where;
        if (a.kind().equals("sqlite") || a.kind().equals("json")) {
            Path pa = SqliteFiles.realPath(Path.of(a.where()));
            Path pb = SqliteFiles.realPath(Path.of(b.where()));
            same = pa.equals(pb) || (a.kind().equals("json") && (pa.startsWith(pb) || pb.startsWith(pa)));
            where = pa.equals(pb) ? pa.toString() : pa + " and " + pb;
        } else {
            same = stripSlash(a.where()).equalsIgnoreCase(stripSlash(b.where()));
            where = a.where();
        }
        if (same) {
            throw new ConfigException("migrate: --from '" + from + "' and --to '" + to + "' are the same storage ("
                    + where + "); nothing was copied");
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A spec split at its first colon; the kind lower-cased and its aliases resolved. */
    private record Spec(String kind, String where) {
        static Spec parse(String option, String spec) {
            int colon = spec.indexOf(':');
            String kind = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
            String where = colon < 0 ? "" : spec.substring(colon + 1);
            kind = switch (kind) {
                case "postgresql" -> "postgres";
                case "mongodb" -> "mongo";
                default -> kind;
            };
            switch (kind) {
                case "memory" -> {}
                case "sqlite" -> require(option, spec, where, "sqlite:./data/voice-tracker.db");
                case "json" -> require(option, spec, where, "json:./data/json");
                case "postgres" -> require(option, spec, where, "postgres:jdbc:postgresql://localhost:5432/voicetrack");
                case "mongo" -> require(option, spec, where, "mongo:mongodb://localhost:27017");
                default -> throw new ConfigException(option
                        + " must be sqlite:PATH, json:DIR, postgres:JDBC_URL, mongo:URI or memory, was '" + spec + "'");
            }
            return new Spec(kind, where);
        }
    }

    private static PostgresOptions.Builder postgresOptions(
            String option, String spec, String where, BotConfig config, boolean writes) {
        if (!where.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(option + " must be postgres:jdbc:postgresql://..., was '" + spec + "'");
        }
        if (BotConfig.postgresDatabase(where).isEmpty()) {
            throw new ConfigException(option + " must name a database"
                    + " (postgres:jdbc:postgresql://localhost:5432/voicetrack), was '" + spec + "'");
        }
        if (writes) {
            checkPostgresDatabase(option, where, config);
        }
        return PostgresOptions.builder()
                .jdbcUrl(where)
                .user(config.storage().postgresUser())
                .password(config.storage().postgresPassword());
    }

    /**
     * A storage from a spec: {@code sqlite:PATH}, {@code json:DIR}, {@code postgres:JDBC_URL} (user and
     * password from {@code POSTGRES_USER}/{@code POSTGRES_PASSWORD} of {@code config}), {@code
     * mongo:URI}, or {@code memory}.
     *
     * @throws ConfigException naming the option and the spec when it is malformed
     */
    public static Storage fromSpec(String option, String spec, BotConfig config) {
        Spec s = Spec.parse(option, spec);
        return switch (s.kind()) {
            case "memory" -> new InMemoryStorage();
            case "sqlite" -> sqlite(s.where());
            case "json" -> JsonStorage.open(Path.of(s.where()));
            case "postgres" -> JdbcStorage.postgres(
                    postgresOptions(option, spec, s.where(), config, true).build());
            case "mongo" -> mongo(s.where(), config.storage().mongoDatabase());
            default -> throw new IllegalStateException(s.kind());
        };
    }

    private static void require(String option, String spec, String where, String example) {
        if (where.isBlank()) {
            throw new ConfigException(option + " needs a location such as " + example + ", was '" + spec + "'");
        }
    }

    private static Storage sqlite(String file) {
        return JdbcStorage.sqlite(SqliteOptions.builder().file(Path.of(file)).build());
    }

    /**
     * Refuses a PostgreSQL database whose current schema holds tables or views other than VoiceTrack's
     * ({@code vt_*}, its migration table included), unless {@code POSTGRES_SHARED_DATABASE=true}: the
     * bot's tables belong in a database (or a schema, {@code ?currentSchema=voicetrack}) of their own.
     * Reads only; a missing schema or an empty database passes.
     *
     * @throws ConfigException naming {@code setting}, the URL (password masked), the database and a few
     *     of the other tables
     * @throws IllegalStateException if the server cannot be reached
     */
    public static void checkPostgresDatabase(String setting, String jdbcUrl, BotConfig config) {
        if (config.storage().postgresSharedDatabase()) {
            return;
        }
        String shownUrl = jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(?<=://)[^/@]*@", "****@");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", config.storage().postgresUser());
        if (!config.storage().postgresPassword().isEmpty()) {
            props.setProperty("password", config.storage().postgresPassword());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("readOnly", "true");
        List<String> foreign = new ArrayList<>();
        String schema;
        try (Connection c = DriverManager.getConnection(jdbcUrl, props);
                PreparedStatement st = c.prepareStatement("SELECT current_schema(), c.relname FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                        + " AND c.relname NOT LIKE 'vt\\_%' ORDER BY c.relname LIMIT 6")) {
            schema = null;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    schema = rs.getString(1);
                    foreign.add(rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(setting + ": cannot check the PostgreSQL database at " + shownUrl + ": "
                    + String.valueOf(e.getMessage()).replace(jdbcUrl, shownUrl));
        }
        if (!foreign.isEmpty()) {
            String list = String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + (foreign.size() > 5 ? ", ..." : "");
            throw new ConfigException(setting + "=" + BotConfig.abbreviate(shownUrl) + ": database '"
                    + BotConfig.postgresDatabase(jdbcUrl) + "' (schema " + schema
                    + ") already holds tables that are not VoiceTrack's (" + list + "). Give VoiceTrack a database"
                    + " of its own (CREATE DATABASE voicetrack) or a schema of its own (?currentSchema=voicetrack"
                    + " on the URL), or set POSTGRES_SHARED_DATABASE=true to share this one");
        }
    }

    private static Storage mongo(String uri, String database) {
        return mongo(uri, database, false);
    }

    private static Storage mongo(String uri, String database, boolean readOnly) {
        try {
            String bounded = withServerSelectionBound(uri);
            return readOnly ? MongoStorage.createReadOnly(bounded, database) : MongoStorage.create(bounded, database);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MONGODB_URI / MONGODB_DATABASE: " + e.getMessage());
        }
    }

    /** The URI with {@code serverSelectionTimeoutMS} set to {@link #MONGO_SERVER_SELECTION} unless it sets one. */
    static String withServerSelectionBound(String uri) {
        if (uri.toLowerCase(Locale.ROOT).contains("serverselectiontimeoutms=")) {
            return uri;
        }
        String option = "serverSelectionTimeoutMS=" + MONGO_SERVER_SELECTION.toMillis();
        int scheme = uri.indexOf("://");
        if (uri.indexOf('?') >= 0) {
            return uri + (uri.endsWith("?") || uri.endsWith("&") ? "" : "&") + option;
        }
        if (scheme >= 0 && uri.indexOf('/', scheme + 3) < 0) {
            return uri + "/?" + option;
        }
        return uri + "?" + option;
    }

    /** A short name of the backend, for logs and metrics. */
    public static String backendName(Storage storage) {
        if (storage instanceof JdbcStorage jdbc) {
            return jdbc.databaseKind();
        }
        if (storage instanceof JsonStorage) {
            return "json";
        }
        if (storage instanceof MongoStorage) {
            return "mongodb";
        }
        if (storage instanceof InMemoryStorage) {
            return "memory";
        }
        return storage.getClass().getSimpleName();
    }

    /** The storage as SQLite, or null when it is another backend. */
    public static SqliteStorage sqliteOrNull(Storage storage) {
        return storage instanceof SqliteStorage sqlite ? sqlite : null;
    }
}

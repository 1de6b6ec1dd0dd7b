package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates the storage a configuration or a {@code kind:location} spec names. Nothing is written here:
 * callers {@link Storage#init()} it. A PostgreSQL database is first checked with one read-only query
 * ({@link #checkPostgresDatabase}).
 *
 * <p>A {@code mongo:URI} spec uses the database of {@code MONGODB_DATABASE}. MongoDB clients wait at
 * most {@link #MONGO_SERVER_SELECTION} for a server unless the URI sets {@code
 * serverSelectionTimeoutMS} (the driver's default is 30 s).
 */
public final class Storages {
    /** How long a MongoDB client waits for a server before an operation fails. */
    public static final Duration MONGO_SERVER_SELECTION = Duration.ofSeconds(5);

    private Storages() {}

    /** The storage of a configuration. */
    public static Storage open(BotConfig config) {
        return switch (config.storageKind()) {
            case SQLITE -> sqlite(config.get("SQLITE_DB_PATH"));
            case POSTGRES -> {
                checkPostgresDatabase("VOICETRACK_JDBC_URL", config.get("VOICETRACK_JDBC_URL"), config);
                yield JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(config.get("VOICETRACK_JDBC_URL"))
                        .user(config.get("POSTGRES_USER"))
                        .password(config.get("POSTGRES_PASSWORD"))
                        .build());
            }
            case JSON -> JsonStorage.open(Path.of(config.get("JSON_DATA_DIR")));
            case MONGO -> mongo(config.get("MONGODB_URI"), config.get("MONGODB_DATABASE"));
            case MEMORY -> new InMemoryStorage();
        };
    }

    /**
     * A storage from a spec: {@code sqlite:PATH}, {@code json:DIR}, {@code postgres:JDBC_URL} (user and
     * password from {@code POSTGRES_USER}/{@code POSTGRES_PASSWORD} of {@code config}), {@code
     * mongo:URI}, or {@code memory}.
     *
     * @throws ConfigException naming the option and the spec when it is malformed
     */
    public static Storage fromSpec(String option, String spec, BotConfig config) {
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
        String where = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "memory":
                return new InMemoryStorage();
            case "sqlite":
                require(option, spec, where, "sqlite:./data/voice-tracker.db");
                return sqlite(where);
            case "json":
                require(option, spec, where, "json:./data/json");
                return JsonStorage.open(Path.of(where));
            case "postgres":
            case "postgresql":
                require(option, spec, where, "postgres:jdbc:postgresql://localhost:5432/voicetrack");
                if (!where.startsWith("jdbc:postgresql:")) {
                    throw new ConfigException(option + " must be postgres:jdbc:postgresql://..., was '" + spec + "'");
                }
                if (BotConfig.postgresDatabase(where).isEmpty()) {
                    throw new ConfigException(option + " must name a database"
                            + " (postgres:jdbc:postgresql://localhost:5432/voicetrack), was '" + spec + "'");
                }
                checkPostgresDatabase(option, where, config);
                return JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(where)
                        .user(config.get("POSTGRES_USER"))
                        .password(config.get("POSTGRES_PASSWORD"))
                        .build());
            case "mongo":
            case "mongodb":
                require(option, spec, where, "mongo:mongodb://localhost:27017");
                return mongo(where, config.get("MONGODB_DATABASE"));
            default:
                throw new ConfigException(option
                        + " must be sqlite:PATH, json:DIR, postgres:JDBC_URL, mongo:URI or memory, was '" + spec + "'");
        }
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
        if (config.bool("POSTGRES_SHARED_DATABASE")) {
            return;
        }
        String shownUrl = jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(?<=://)[^/@]*@", "****@");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", config.get("POSTGRES_USER"));
        if (!config.get("POSTGRES_PASSWORD").isEmpty()) {
            props.setProperty("password", config.get("POSTGRES_PASSWORD"));
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
        try {
            return MongoStorage.create(withServerSelectionBound(uri), database);
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
    public static JdbcStorage sqliteOrNull(Storage storage) {
        return storage instanceof JdbcStorage jdbc && jdbc.databaseKind().equals("sqlite") ? jdbc : null;
    }
}

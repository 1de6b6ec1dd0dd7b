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
import java.time.Duration;
import java.util.Locale;

/**
 * Creates the storage a configuration or a {@code kind:location} spec names. Nothing is opened or
 * written here: callers {@link Storage#init()} it.
 *
 * <p>A {@code mongo:URI} spec uses the database of {@code MONGODB_DATABASE}.
 */
public final class Storages {
    /** Opening one PostgreSQL connection (TCP connect and login) gives up after this. */
    static final Duration POSTGRES_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * A PostgreSQL connection that has not answered for this long is dropped, which frees its thread
     * and its pool slot after the server hung. Far above any statement of the bot: when it fires
     * during a commit the outcome is unknown (see {@code TimedStorage}).
     */
    static final Duration POSTGRES_SOCKET_TIMEOUT = Duration.ofMinutes(2);

    private Storages() {}

    /** The storage of a configuration. */
    public static Storage open(BotConfig config) {
        return switch (config.storageKind()) {
            case SQLITE -> sqlite(config.get("SQLITE_DB_PATH"));
            case POSTGRES -> JdbcStorage.postgres(PostgresOptions.builder()
                    .jdbcUrl(config.get("VOICETRACK_JDBC_URL"))
                    .user(config.get("POSTGRES_USER"))
                    .password(config.get("POSTGRES_PASSWORD"))
                    // Waiting for a pooled connection gives up a little before the caller does
                    // (STORAGE_TIMEOUT), so that a refused server is a plain failure, not a write in doubt.
                    .connectionTimeout(Duration.ofMillis(
                            Math.max(250, config.storageTimeout().toMillis() * 3 / 4)))
                    .connectTimeout(POSTGRES_CONNECT_TIMEOUT)
                    .socketTimeout(POSTGRES_SOCKET_TIMEOUT)
                    .build());
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

    private static Storage mongo(String uri, String database) {
        try {
            return MongoStorage.create(uri, database);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MONGODB_URI / MONGODB_DATABASE: " + e.getMessage());
        }
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

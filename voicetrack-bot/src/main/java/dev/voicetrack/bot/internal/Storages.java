package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.CorruptDatabaseException;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
 * not exist (naming the setting or option) and create nothing.
 */
public final class Storages {
    private static final Logger LOG = LoggerFactory.getLogger(Storages.class);

    private Storages() {}

    /**
     * The storage of a configuration, for the bot: a missing SQLite file or JSON directory is created
     * by {@link Storage#init()}, and the log says so.
     */
    public static Storage open(BotConfig config) {
        switch (config.storageKind()) {
            case SQLITE -> {
                Path file = Path.of(config.get("SQLITE_DB_PATH"));
                if (!Files.exists(file)) {
                    LOG.info(
                            "Creating new database at {} (SQLITE_DB_PATH)",
                            file.toAbsolutePath().normalize());
                }
            }
            case JSON -> {
                Path dir = Path.of(config.get("JSON_DATA_DIR"));
                if (!Files.exists(dir)) {
                    LOG.info(
                            "Creating new JSON storage at {} (JSON_DATA_DIR)",
                            dir.toAbsolutePath().normalize());
                }
            }
            default -> {}
        }
        return create(config);
    }

    /**
     * The storage of a configuration for a command that only reads existing data ({@code stats}): a
     * SQLite file or JSON directory must exist and is opened read-only.
     *
     * @throws ConfigException naming the setting and the path if it does not exist
     */
    public static Storage openExisting(BotConfig config, String command) {
        return switch (config.storageKind()) {
            case SQLITE -> sqliteSource(command + ": SQLITE_DB_PATH", config.get("SQLITE_DB_PATH"));
            case JSON -> jsonSource(command + ": JSON_DATA_DIR", config.get("JSON_DATA_DIR"));
            default -> create(config);
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
        Path dir = Path.of(config.get("BACKUP_DIR")).toAbsolutePath().normalize();
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                newest = files.filter(f -> f.getFileName().toString().endsWith(".db") && Files.isRegularFile(f))
                        .max(Comparator.comparing(f -> f.toFile().lastModified()));
            } catch (IOException e) {
                // no listing: the advice below still names the directory
            }
        }
        return "VoiceTrack will not run on a damaged database. Restore a backup with"
                + " ./voicetrack restore --from <backup>; backups are in " + dir + " (BACKUP_DIR)"
                + newest.map(f -> ", the newest is " + f).orElse(", where none was found")
                + " (the restore replaces the damaged file: copy it elsewhere first to keep it).";
    }

    /** The storage of a configuration; nothing checked. */
    private static Storage create(BotConfig config) {
        return switch (config.storageKind()) {
            case SQLITE -> sqlite(config.get("SQLITE_DB_PATH"));
            case POSTGRES -> JdbcStorage.postgres(PostgresOptions.builder()
                    .jdbcUrl(config.get("VOICETRACK_JDBC_URL"))
                    .user(config.get("POSTGRES_USER"))
                    .password(config.get("POSTGRES_PASSWORD"))
                    .build());
            case JSON -> JsonStorage.open(Path.of(config.get("JSON_DATA_DIR")));
            case MONGO -> mongo(config.get("MONGODB_URI"), config.get("MONGODB_DATABASE"));
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
            case "postgres" -> JdbcStorage.postgres(postgresOptions(option, spec, s.where(), config)
                    .readOnly(true)
                    .build());
            case "mongo" -> mongo(s.where(), config.get("MONGODB_DATABASE"), true);
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
            Path pa = realPath(Path.of(a.where()));
            Path pb = realPath(Path.of(b.where()));
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

    /** The real path of {@code p}, or of its nearest existing ancestor with the rest appended. */
    static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = abs.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = name == null ? rest : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return abs;
        }
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

    private static PostgresOptions.Builder postgresOptions(String option, String spec, String where, BotConfig config) {
        if (!where.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(option + " must be postgres:jdbc:postgresql://..., was '" + spec + "'");
        }
        return PostgresOptions.builder()
                .jdbcUrl(where)
                .user(config.get("POSTGRES_USER"))
                .password(config.get("POSTGRES_PASSWORD"));
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
                    postgresOptions(option, spec, s.where(), config).build());
            case "mongo" -> mongo(s.where(), config.get("MONGODB_DATABASE"));
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

    private static Storage mongo(String uri, String database) {
        return mongo(uri, database, false);
    }

    private static Storage mongo(String uri, String database, boolean readOnly) {
        try {
            return readOnly ? MongoStorage.createReadOnly(uri, database) : MongoStorage.create(uri, database);
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

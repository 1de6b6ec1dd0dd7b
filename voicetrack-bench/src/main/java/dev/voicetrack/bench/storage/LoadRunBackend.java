package dev.voicetrack.bench.storage;

import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The storage of a load run: SQLite in a temporary directory, or PostgreSQL in a throwaway database
 * on the server named by {@code PGHOST}/{@code PGPORT} if one answers, else on one the testkit
 * starts. {@link #close} closes the store, drops the database and deletes the directory.
 */
final class LoadRunBackend implements AutoCloseable {
    final JdbcStorage store;
    final PostgresServer.@Nullable Database db;
    private final Path dir;

    private LoadRunBackend(JdbcStorage store, PostgresServer.@Nullable Database db, Path dir) {
        this.store = store;
        this.db = db;
        this.dir = dir;
    }

    /** Opens {@code backend}, "sqlite" or "postgres". */
    static LoadRunBackend open(String backend) throws IOException {
        Path dir = Files.createTempDirectory("vt-load");
        if (backend.equals("sqlite")) {
            return new LoadRunBackend(
                    JdbcStorage.sqlite(
                            SqliteOptions.builder().file(dir.resolve("load.db")).build()),
                    null,
                    dir);
        }
        PostgresServer.Database db = PostgresServer.freshDatabase();
        JdbcStorage store = JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .build());
        return new LoadRunBackend(store, db, dir);
    }

    @Override
    public void close() throws IOException {
        try {
            store.close();
        } finally {
            if (db != null) {
                db.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

package dev.voicetrack.bench.storage;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The throwaway store of a load run and the members it puts in voice, shared by {@link TrackerLoadRun} and
 * {@link ReadMixLoadRun} so that both measure the same setup: SQLite in a temporary directory, or PostgreSQL in a
 * fresh database on the server named by {@code PGHOST}/{@code PGPORT} if one answers, else on one the testkit
 * starts. Closing drops the database and deletes the directory.
 */
final class LoadStore implements AutoCloseable {
    static final List<String> BACKENDS = List.of("sqlite", "postgres");

    final String backend;
    final JdbcStorage store;
    final PostgresServer.@Nullable Database db;
    private final Path dir;

    private LoadStore(String backend, JdbcStorage store, PostgresServer.@Nullable Database db, Path dir) {
        this.backend = backend;
        this.store = store;
        this.db = db;
        this.dir = dir;
    }

    /** @param backend {@code sqlite} or {@code postgres} */
    static LoadStore open(String backend) throws IOException {
        if (!BACKENDS.contains(backend)) {
            throw new IllegalArgumentException("backend must be sqlite or postgres, was '" + backend + "'");
        }
        Path dir = Files.createTempDirectory("vt-load");
        if (backend.equals("sqlite")) {
            JdbcStorage store = JdbcStorage.sqlite(
                    SqliteOptions.builder().file(dir.resolve("load.db")).build());
            return new LoadStore(backend, store, null, dir);
        }
        PostgresServer.Database db = PostgresServer.freshDatabase();
        JdbcStorage store = JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .build());
        return new LoadStore(backend, store, db, dir);
    }

    /**
     * Puts {@code members} members of each of {@code guilds} guilds in voice, 100 to a channel: guild {@code g}
     * (from 1), user {@code 1,000,000 g + u} (u from 1), channel {@code 10,000 g + 1 + (u - 1) / 100}.
     */
    static void joinAll(VoiceTracker tracker, int guilds, int members) {
        for (int g = 1; g <= guilds; g++) {
            for (int u = 1; u <= members; u++) {
                tracker.accept(new GatewayEvent.VoiceJoined(
                        g, userId(g, u), channelId(g, u), MemberInfo.PLAIN, VoiceFlags.NONE));
            }
        }
    }

    static long userId(int guild, int member) {
        return 1_000_000L * guild + member;
    }

    private static long channelId(int guild, int member) {
        return 10_000L * guild + 1 + (member - 1) / 100;
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

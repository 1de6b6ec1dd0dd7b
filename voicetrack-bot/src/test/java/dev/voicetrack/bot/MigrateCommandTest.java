package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.json.JsonStorage;
import dev.voicetrack.storage.mongo.MongoStorage;
import dev.voicetrack.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack migrate}, {@code backup}, {@code restore} and {@code stats}, run in-process. */
class MigrateCommandTest {
    private static final long GUILD = 111_111_111_111L;

    @TempDir
    Path tmp;

    private String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                Map.of("VOICETRACK_ENV_FILE", tmp.resolve("none.env").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path seedSqlite() {
        Path db = tmp.resolve("src/source.db");
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(storage)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                for (long user = 1; user <= 25; user++) {
                    tracker.addXp(GUILD, 900_000_000_000L + user, user * 10);
                }
            }
        }
        return db;
    }

    @Test
    void migrate_sqliteToJsonToMongo_copiesAndVerifies_withProgress() throws Exception {
        Path db = seedSqlite();
        Path json = tmp.resolve("json");
        String out = run("migrate", "--from", "sqlite:" + db, "--to", "json:" + json);
        assertThat(out).contains("1/1 guilds").contains("Done and verified: 1 guilds, 25 members");
        try (JsonStorage storage = JsonStorage.open(json)) {
            storage.init();
            MemberStats m = storage.member(GUILD, 900_000_000_025L).orElseThrow();
            assertThat(m.xp()).isEqualTo(250);
            assertThat(storage.memberCount(GUILD)).isEqualTo(25);
        }

        MongoServer mongo = new MongoServer(new MemoryBackend());
        try {
            mongo.bind("127.0.0.1", 0);
            var address = mongo.getLocalAddress();
            String uri = "mongodb://127.0.0.1:" + address.getPort();
            String again = run("migrate", "--from", "json:" + json, "--to", "mongo:" + uri);
            assertThat(again).contains("Done and verified: 1 guilds, 25 members");
            try (MongoStorage storage = MongoStorage.create(uri, "voicetracker")) {
                storage.init();
                assertThat(storage.member(GUILD, 900_000_000_007L).orElseThrow().xp())
                        .isEqualTo(70);
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void backupThenRestore_roundTrips_andStatsCounts() throws Exception {
        Path db = seedSqlite();
        Map<String, String> env = Map.of("SQLITE_DB_PATH", db.toString());
        Path backup = tmp.resolve("b/manual.db");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[] {"backup", "--to", backup.toString()}, env, ps, System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Backing up " + db + " to " + backup)
                .contains("verified");
        assertThat(backup).exists();

        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            storage.deleteGuild(GUILD);
        }
        out.reset();
        assertThat(Main.run(new String[] {"restore", "--from", backup.toString()}, env, ps, System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Restoring ").contains("Restored ");
        out.reset();
        assertThat(Main.run(new String[] {"stats"}, env, ps, System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("guilds:   1").contains("users:    25");
    }

    @Test
    void restore_ofADatabaseDamagedAtItsStart_works_andSaysWhereTheDamagedFileIsKept() throws Exception {
        Path db = seedSqlite();
        Map<String, String> env = Map.of("SQLITE_DB_PATH", db.toString());
        Path backup = tmp.resolve("b/good-backup.db");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[] {"backup", "--to", backup.toString()}, env, ps, System.err))
                .isZero();
        // dd if=/dev/urandom of=db bs=1024 count=8 conv=notrunc
        byte[] noise = new byte[8192];
        new java.util.Random(7).nextBytes(noise);
        try (var ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(noise), 0);
        }
        byte[] damaged = Files.readAllBytes(db);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream es = new PrintStream(err, true, StandardCharsets.UTF_8);
        // main() turns this into exit 1 with the message
        assertThatThrownBy(() -> Main.run(new String[] {"stats"}, env, ps, es))
                .hasMessageContaining("damaged")
                .hasMessageContaining("restore --from");

        out.reset();
        err.reset();
        assertThat(Main.run(new String[] {"restore", "--from", backup.toString()}, env, ps, es))
                .as(err.toString(StandardCharsets.UTF_8))
                .isZero();
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(said).contains("Restored ").doesNotContain("open in another process");
        Path kept;
        try (Stream<Path> list = Files.list(db.getParent())) {
            kept = list.filter(p -> p.getFileName().toString().startsWith(db.getFileName() + ".damaged-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("damaged file not kept aside: " + said));
        }
        assertThat(said).contains("kept as " + kept);
        assertThat(Files.readAllBytes(kept)).isEqualTo(damaged);
        out.reset();
        assertThat(Main.run(new String[] {"stats"}, env, ps, System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("users:    25");
    }

    /** A seeded source in rollback-journal mode, as a file from a backup or another tool may be. */
    private Path seedSqliteDeleteMode() throws Exception {
        Path db = seedSqlite();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                var st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
        }
        return db;
    }

    /** The bytes and mtime of a file, and the names beside it (SQLite's -shm and an empty -wal aside). */
    private static String fingerprint(Path file) throws Exception {
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        Path wal = Path.of(file + "-wal");
        assertThat(Files.exists(wal) ? Files.size(wal) : 0)
                .as("bytes in " + wal)
                .isZero();
        try (Stream<Path> list = Files.list(file.getParent())) {
            return sha + " " + Files.getLastModifiedTime(file) + " "
                    + list.map(p -> p.getFileName().toString())
                            .filter(n -> !n.endsWith("-shm") && !n.endsWith("-wal"))
                            .sorted()
                            .toList();
        }
    }

    /** Every file under a directory with its bytes and mtime. */
    private static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                out.put(
                        dir.relativize(p).toString(),
                        Files.isDirectory(p)
                                ? "dir"
                                : Arrays.hashCode(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    void migrate_refusesMissingSqliteSource_createsNothing() {
        Path missing = tmp.resolve("nope/typo.db");
        Path target = tmp.resolve("out");
        assertThatThrownBy(() -> run("migrate", "--from", "sqlite:" + missing, "--to", "json:" + target))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from sqlite:" + missing)
                .hasMessageContaining("does not exist");
        assertThat(tmp.resolve("nope")).doesNotExist();
        assertThat(target).doesNotExist();
    }

    @Test
    void migrate_refusesMissingJsonSource_createsNothing() {
        Path missing = tmp.resolve("nojson");
        Path target = tmp.resolve("out.db");
        assertThatThrownBy(() -> run("migrate", "--from", "json:" + missing, "--to", "sqlite:" + target))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from json:" + missing)
                .hasMessageContaining("does not exist");
        assertThat(missing).doesNotExist();
        assertThat(target).doesNotExist();
    }

    @Test
    void migrate_sourceUnchangedAfterSuccess() throws Exception {
        Path db = seedSqliteDeleteMode();
        String before = fingerprint(db);
        run("migrate", "--from", "sqlite:" + db, "--to", "json:" + tmp.resolve("json"));
        assertThat(fingerprint(db)).isEqualTo(before);

        Map<String, String> jsonBefore = tree(tmp.resolve("json"));
        run("migrate", "--from", "json:" + tmp.resolve("json"), "--to", "sqlite:" + tmp.resolve("back.db"));
        assertThat(tree(tmp.resolve("json"))).isEqualTo(jsonBefore);
    }

    @Test
    void migrate_sourceUnchangedAfterFailure() throws Exception {
        Path db = seedSqliteDeleteMode();
        // A target whose directory cannot be created: its parent is a regular file.
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a directory");
        String before = fingerprint(db);
        assertThatThrownBy(() -> run("migrate", "--from", "sqlite:" + db, "--to", "sqlite:" + blocker + "/t.db"))
                .hasMessageContaining(blocker.toString());
        assertThat(fingerprint(db)).isEqualTo(before);

        run("migrate", "--from", "sqlite:" + db, "--to", "json:" + tmp.resolve("json"));
        Map<String, String> jsonBefore = tree(tmp.resolve("json"));
        assertThatThrownBy(() -> run("migrate", "--from", "json:" + tmp.resolve("json"), "--to", "json:" + blocker));
        assertThat(tree(tmp.resolve("json"))).isEqualTo(jsonBefore);
    }

    @Test
    void migrate_refusesSameFileSpelledTwoWays() throws Exception {
        Path db = seedSqlite();
        String before = fingerprint(db);
        Path dir = db.getParent();
        assertThatThrownBy(() -> run("migrate", "--from", "sqlite:" + db, "--to", "sqlite:" + dir + "/./source.db"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("same storage");
        Path link = Files.createSymbolicLink(tmp.resolve("link.db"), db);
        assertThatThrownBy(() -> run("migrate", "--from", "sqlite:" + link, "--to", "sqlite:" + db))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("same storage")
                .hasMessageContaining(db.toRealPath().toString());
        Path linkedDir = Files.createSymbolicLink(tmp.resolve("linkdir"), dir);
        assertThatThrownBy(() ->
                        run("migrate", "--from", "sqlite:" + linkedDir.resolve("source.db"), "--to", "sqlite:" + db))
                .isInstanceOf(ConfigException.class);
        assertThat(fingerprint(db)).isEqualTo(before);

        Path json = tmp.resolve("json");
        run("migrate", "--from", "sqlite:" + db, "--to", "json:" + json);
        assertThatThrownBy(() -> run("migrate", "--from", "json:" + json, "--to", "json:" + json + "/"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("same storage");
        assertThatThrownBy(() -> run("migrate", "--from", "json:" + json, "--to", "json:" + json.resolve("nested")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("same storage");
        assertThat(json.resolve("nested")).doesNotExist();
    }

    @Test
    void migrate_printsProgressWithRateAndTimeLeft_asPlainLines() throws Exception {
        Path db = tmp.resolve("multi.db");
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            try (VoiceTracker tracker = VoiceTracker.builder()
                    .storage(storage)
                    .clock(new ManualClock())
                    .build()) {
                tracker.start();
                for (long g = 1; g <= 3; g++) {
                    for (long user = 1; user <= 5 * g; user++) {
                        tracker.addXp(GUILD + g, 900_000_000_000L + user, 10);
                    }
                }
            }
        }
        String out = run("migrate", "--from", "sqlite:" + db, "--to", "json:" + tmp.resolve("j"));
        assertThat(out)
                .contains("3 guilds, 30 members")
                .containsPattern(
                        "guild \\d+: 1/3 guilds, [\\d,]+ rows, [\\d,]+ rows/s, \\d+:\\d\\d elapsed, about \\d+:\\d\\d left")
                .contains("3/3 guilds")
                .doesNotContain("\r");
    }

    @Test
    void stats_refusesMissingDatabase_createsNothing() {
        Path typo = tmp.resolve("data/typo.db");
        Map<String, String> env = Map.of(
                "SQLITE_DB_PATH",
                typo.toString(),
                "VOICETRACK_ENV_FILE",
                tmp.resolve("none.env").toString());
        assertThatThrownBy(() -> Main.run(new String[] {"stats"}, env, System.out, System.err))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SQLITE_DB_PATH")
                .hasMessageContaining(typo.toString());
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void backup_refusesMissingDatabase_createsNothing() {
        Path typo = tmp.resolve("data/typo.db");
        Map<String, String> env = Map.of(
                "SQLITE_DB_PATH",
                typo.toString(),
                "BACKUP_DIR",
                tmp.resolve("data/backups").toString(),
                "VOICETRACK_ENV_FILE",
                tmp.resolve("none.env").toString());
        assertThatThrownBy(() -> Main.run(new String[] {"backup"}, env, System.out, System.err))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SQLITE_DB_PATH")
                .hasMessageContaining(typo.toString());
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void stats_refusesMissingJsonDirectory_createsNothing() {
        Path typo = tmp.resolve("data/jsn");
        Map<String, String> env = Map.of(
                "VOICETRACK_STORAGE",
                "json",
                "JSON_DATA_DIR",
                typo.toString(),
                "VOICETRACK_ENV_FILE",
                tmp.resolve("none.env").toString());
        assertThatThrownBy(() -> Main.run(new String[] {"stats"}, env, System.out, System.err))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("JSON_DATA_DIR")
                .hasMessageContaining(typo.toString());
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void stats_listsGuildsWithMemberCounts_andLeavesTheFileUnchanged() throws Exception {
        Path db = seedSqlite();
        try (JdbcStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            storage.setXp(GUILD + 1, 5, 10, 0);
        }
        String before = fingerprint(db);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(
                "SQLITE_DB_PATH",
                db.toString(),
                "VOICETRACK_ENV_FILE",
                tmp.resolve("none.env").toString());
        assertThat(Main.run(
                        new String[] {"stats"}, env, new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
                .isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("guilds:   2")
                .contains("users:    26")
                .containsPattern("guild +members")
                .containsPattern(GUILD + " +25\\n")
                .containsPattern((GUILD + 1) + " +1\\n");
        assertThat(text.indexOf(Long.toString(GUILD))).isLessThan(text.indexOf(Long.toString(GUILD + 1)));
        assertThat(fingerprint(db)).isEqualTo(before);
    }

    @Test
    void migrate_mongoSource_isReadOnly_andWithoutDataIsRefused_creatingNothing() throws Exception {
        Path db = seedSqlite();
        MongoServer mongo = new MongoServer(new MemoryBackend());
        try {
            mongo.bind("127.0.0.1", 0);
            String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
            assertThatThrownBy(() -> run("migrate", "--from", "mongo:" + uri, "--to", "json:" + tmp.resolve("j0")))
                    .hasMessageContaining("holds no VoiceTrack data");
            try (var client = com.mongodb.client.MongoClients.create(uri)) {
                // (the in-memory test server lists a database once it was read; a real server does not)
                assertThat(client.getDatabase("voicetracker")
                                .listCollectionNames()
                                .into(new java.util.ArrayList<>()))
                        .isEmpty();
            }
            run("migrate", "--from", "sqlite:" + db, "--to", "mongo:" + uri);
            String back = run("migrate", "--from", "mongo:" + uri, "--to", "json:" + tmp.resolve("j1"));
            assertThat(back).contains("Done and verified: 1 guilds, 25 members");
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void migrate_badSpec_namesTheOption() {
        assertThatThrownBy(() -> run("migrate", "--from", "oracle:x", "--to", "json:" + tmp))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--from")
                .hasMessageContaining("oracle:x");
    }
}

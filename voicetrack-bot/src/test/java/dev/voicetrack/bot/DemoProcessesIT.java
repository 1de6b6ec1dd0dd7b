package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisBinaries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code voicetrack demo --processes 2} from the packaged jar, on a PostgreSQL database the test starts
 * and, without {@code REDIS_URL}, the {@code redis-server} the demo finds on the {@code PATH} and starts: the demo prints a status line per process and the dashboard; process {@code i} holds
 * shard {@code i-1} only and is connected to exactly that shard's guilds (guild {@code g} on shard {@code
 * g % 2}); both processes tick (members in voice at their last tick); every guild of both shards gains
 * voice time in the shared storage, read through the other process's admin API; and SIGTERM to the demo
 * (Ctrl-C) stops both processes and the Redis it started. Without a shared storage or a Redis to use, it
 * stops at once naming both. Waits are bounded hang guards (the demo runs in real time).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoProcessesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GUILD = Pattern.compile("^Guild (\\d+) \".*\": \\d+ members, shard (\\d) \\(process");
    private static final Pattern REDIS =
            Pattern.compile("Redis: redis://127\\.0\\.0\\.1:(\\d+) \\(started by the demo, stopped with it\\)");
    private static final Pattern PROCESS =
            Pattern.compile("^process (\\d) \\(shard (\\d) of 2, pid (\\d+)\\).*(http://127\\.0\\.0\\.1:\\d+); log");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoProcesses_eachTicksItsOwnShardsGuilds_andCtrlCStopsBoth() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase()) {
            Map<String, String> env = demoEnv(db);
            Path work = Files.createDirectories(tmp.resolve("demo"));
            BotProcess demo = BotProcess.start(
                    work, env, "demo", "--processes", "2", "--guilds", "4", "--members", "6", "--seed", "23");
            try {
                demo.awaitLine("Press Ctrl-C to stop every process.");
                List<String> out = demo.stdoutLines();
                Map<Integer, Set<String>> guildsOfShard = new TreeMap<>();
                Map<Integer, String> api = new TreeMap<>();
                List<Long> pids = new ArrayList<>();
                for (String line : out) {
                    Matcher g = GUILD.matcher(line);
                    if (g.find()) {
                        guildsOfShard
                                .computeIfAbsent(Integer.parseInt(g.group(2)), s -> new TreeSet<>())
                                .add(g.group(1));
                    }
                    Matcher p = PROCESS.matcher(line);
                    if (p.find()) {
                        assertThat(p.group(2)).isEqualTo(Integer.toString(Integer.parseInt(p.group(1)) - 1));
                        api.put(Integer.parseInt(p.group(2)), p.group(4));
                        pids.add(Long.parseLong(p.group(3)));
                    }
                }
                assertThat(guildsOfShard).as("the demo's guild lines: %s", out).hasSize(2);
                assertThat(guildsOfShard.values())
                        .allSatisfy(gs -> assertThat(gs).hasSize(2));
                assertThat(api).as("one status line per process: %s", out).hasSize(2);
                assertThat(out)
                        .anyMatch(l -> l.startsWith("Dashboard ") && l.contains(api.get(0) + "/dashboard/guilds/"));
                int redisPort = out.stream()
                        .map(REDIS::matcher)
                        .filter(Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1)))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no line on the Redis the demo started: " + out));

                for (int shard = 0; shard < 2; shard++) {
                    String base = api.get(shard);
                    int s = shard;
                    BotProcess.await("process " + (shard + 1) + " to hold its shard and tick its members", () -> {
                        JsonNode h = get(base + "/health");
                        JsonNode shards = h.path("gateway").path("shards");
                        return shards.path("ids").toString().equals("[" + s + "]")
                                && shards.path("tracked").toString().equals("[" + s + "]")
                                && h.path("lastTick").path("trackedMembers").asLong() > 0;
                    });
                    // Connected to its own shard's guilds only; the others' are stored guilds without a name.
                    BotProcess.await("process " + (shard + 1) + " to see exactly its shard's guilds", () -> {
                        Set<String> named = new TreeSet<>();
                        get(base + "/api/guilds").path("guilds").forEach(g -> {
                            if (!g.path("name").isNull()) {
                                named.add(g.path("id").asText());
                            }
                        });
                        return named.equals(guildsOfShard.get(s));
                    });
                }
                // Every guild gains voice time, read through the process that does not tick it.
                for (int shard = 0; shard < 2; shard++) {
                    String other = api.get(1 - shard);
                    for (String guild : guildsOfShard.get(shard)) {
                        BotProcess.await(
                                "guild " + guild + " to gain voice time",
                                () -> get(other + "/api/guilds/" + guild + "/leaderboard?metric=voiceTime&limit=1")
                                                .path("entries")
                                                .path(0)
                                                .path("voiceTimeMs")
                                                .asLong()
                                        > 0);
                    }
                }

                // 143: a JVM's status after SIGTERM when every process stopped cleanly (1 if one did not).
                assertThat(demo.terminate())
                        .as("the demo's exit status after SIGTERM")
                        .isIn(0, 143);
                assertThat(demo.stdoutLines()).contains("voicetrack demo: stopped");
                assertThat(answers(redisPort))
                        .as("the demo's redis-server stopped with it")
                        .isFalse();
                for (long pid : pids) {
                    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                            .as("bot process %d stopped with the demo", pid)
                            .isNotEqualTo(java.util.Optional.of(true));
                }
            } finally {
                demo.close();
                System.out.println("DemoProcessesIT: the demo printed:\n" + String.join("\n", demo.stdoutLines()));
            }
        }
    }

    /**
     * A demo killed with {@code kill -9} runs no shutdown hook, yet every process it started stops by
     * itself: the bot processes (which see their standard input, a pipe from the demo, end) and the
     * redis-server (whose watchdog sees the same), bounded by the hang guard. They used to run on until
     * stopped by hand.
     */
    @Test
    void killedDemo_everyProcessItStartedStopsByItself() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase()) {
            Map<String, String> env = demoEnv(db);
            env.put("SHUTDOWN_TIMEOUT", "10s");
            Path work = Files.createDirectories(tmp.resolve("killed"));
            BotProcess demo = BotProcess.start(
                    work, env, "demo", "--processes", "2", "--guilds", "2", "--members", "2", "--seed", "29");
            List<ProcessHandle> started = List.of();
            try {
                demo.awaitLine("Press Ctrl-C to stop every process.");
                started = demo.process.toHandle().descendants().toList();
                List<String> out = demo.stdoutLines();
                int redisPort = out.stream()
                        .map(REDIS::matcher)
                        .filter(Matcher::find)
                        .map(m -> Integer.parseInt(m.group(1)))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no line on the Redis the demo started: " + out));
                assertThat(started)
                        .as("the demo's processes")
                        .filteredOn(p -> p.info().command().orElse("").endsWith("java"))
                        .hasSize(2);
                assertThat(answers(redisPort)).isTrue();

                assertThat(demo.kill9()).isEqualTo(137);

                List<ProcessHandle> left = started;
                BotProcess.await(
                        "every process the killed demo started to stop",
                        () -> left.stream().noneMatch(ProcessHandle::isAlive) && !answers(redisPort));
            } finally {
                started.forEach(ProcessHandle::destroyForcibly); // a failed run leaves nothing running either
                demo.close();
                System.out.println(
                        "DemoProcessesIT: the killed demo printed:\n" + String.join("\n", demo.stdoutLines()));
            }
        }
    }

    /** Settings for a demo of two processes on {@code db} and the redis-server the demo starts. */
    private Map<String, String> demoEnv(PostgresServer.Database db) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
        env.put("POSTGRES_USER", db.user());
        env.put("POSTGRES_PASSWORD", db.password());
        // No REDIS_URL: the demo starts the redis-server it finds on the PATH (the testkit's binary).
        env.put("PATH", redisOnPath() + java.io.File.pathSeparator + System.getenv("PATH"));
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        env.put("CHECK_INTERVAL", "500ms");
        env.put("SHARD_LEASE_TIME", "3s");
        return env;
    }

    @Test
    void withoutASharedStorageOrRedis_stopsAtOnceNamingBoth() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VOICETRACK_STORAGE", "sqlite");
        env.put("PATH", tmp.resolve("no-redis-here").toString()); // no REDIS_URL, no redis-server to start
        Path work = Files.createDirectories(tmp.resolve("refused"));
        BotProcess demo = BotProcess.start(work, env, "demo", "--processes", "3");
        try {
            assertThat(demo.awaitExit()).isEqualTo(2);
            assertThat(demo.stderr())
                    .contains("demo --processes 3 needs a storage every process reaches")
                    .contains("VOICETRACK_JDBC_URL")
                    .contains("MONGODB_URI")
                    .contains("was VOICETRACK_STORAGE=sqlite")
                    .contains("; and a Redis, REDIS_URL=")
                    .contains("redis-server on the PATH")
                    .contains("Nothing was started");
            assertThat(demo.stdoutLines()).noneMatch(l -> l.startsWith("process "));
            assertThat(work.resolve("data")).doesNotExist();
        } finally {
            demo.close();
        }
    }

    /** A directory holding the testkit's redis-server under that name (the PATH's, or the embedded one). */
    private Path redisOnPath() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("redis-bin"));
        Files.createSymbolicLink(
                dir.resolve("redis-server"), RedisBinaries.redisServer().toAbsolutePath());
        return dir;
    }

    private static boolean answers(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}

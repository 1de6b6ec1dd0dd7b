package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code voicetrack emulator --shards 2} from the jar, and two bot processes started by hand with the
 * settings it prints ({@code DISCORD_*}, {@code SHARD_COUNT}, {@code SHARD_IDS} 0 and 1) on a PostgreSQL
 * database and a Redis the test starts: each process connects to exactly its shard's guilds, as the
 * emulator printed them, holds its shard and ticks members in voice. Waits are bounded hang guards.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmulatorCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GUILD = Pattern.compile("^Guild (\\d+) \".*\": shard (\\d)$");
    private static final Pattern SETTING = Pattern.compile("^  (DISCORD_[A-Z_]+|SHARD_COUNT)=(\\S+)$");

    @TempDir
    Path tmp;

    @Test
    void emulatorAlone_printsTheSettings_andTwoProcessesGivenThemSplitItsShards() throws Exception {
        BotProcess emulator = BotProcess.start(
                Files.createDirectories(tmp.resolve("emulator")),
                Map.of(),
                "emulator",
                "--shards",
                "2",
                "--guilds",
                "4",
                "--members",
                "6",
                "--seed",
                "5");
        List<BotProcess> bots = new ArrayList<>();
        try (PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisServer redis = RedisServer.start()) {
            emulator.awaitLine("Press Ctrl-C to stop the emulator.");
            Map<String, String> settings = new HashMap<>();
            Map<Integer, Set<String>> guildsOfShard = new TreeMap<>();
            for (String line : emulator.stdoutLines()) {
                Matcher s = SETTING.matcher(line);
                if (s.find()) {
                    settings.put(s.group(1), s.group(2));
                }
                Matcher g = GUILD.matcher(line);
                if (g.find()) {
                    guildsOfShard
                            .computeIfAbsent(Integer.parseInt(g.group(2)), k -> new TreeSet<>())
                            .add(g.group(1));
                }
            }
            assertThat(settings)
                    .containsOnlyKeys("DISCORD_BOT_TOKEN", "DISCORD_API_URL", "DISCORD_GATEWAY_URL", "SHARD_COUNT")
                    .containsEntry("SHARD_COUNT", "2");
            assertThat(emulator.stdoutLines())
                    .contains("  process 2: SHARD_IDS=1 ADMIN_API_BIND=127.0.0.1:8788 ./voicetrack run");
            assertThat(guildsOfShard).hasSize(2);

            for (int p = 0; p < 2; p++) {
                Map<String, String> env = new HashMap<>(settings);
                env.put("SHARD_IDS", Integer.toString(p));
                env.put("ADMIN_API_BIND", "127.0.0.1:0"); // not the printed port: the test must not collide
                env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
                env.put("POSTGRES_USER", db.user());
                env.put("POSTGRES_PASSWORD", db.password());
                env.put("REDIS_URL", redis.url());
                env.put("CHECK_INTERVAL", "500ms");
                bots.add(BotProcess.start(Files.createDirectories(tmp.resolve("p" + p)), env, "run"));
            }
            for (int p = 0; p < 2; p++) {
                BotProcess bot = bots.get(p);
                int shard = p;
                bot.awaitLine("voicetrack: ready");
                BotProcess.await("process " + p + " to hold its shard and tick its members in voice", () -> {
                    JsonNode h = JSON.readTree(bot.get("/health").body());
                    return h.path("gateway")
                                    .path("shards")
                                    .path("tracked")
                                    .toString()
                                    .equals("[" + shard + "]")
                            && h.path("lastTick").path("trackedMembers").asLong() > 0;
                });
                BotProcess.await("process " + p + " to see exactly its shard's guilds", () -> {
                    Set<String> named = new TreeSet<>();
                    JSON.readTree(bot.get("/api/guilds").body()).path("guilds").forEach(g -> {
                        if (!g.path("name").isNull()) {
                            named.add(g.path("id").asText());
                        }
                    });
                    return named.equals(guildsOfShard.get(shard));
                });
            }
            for (BotProcess bot : bots) {
                assertThat(bot.terminate()).isIn(0, 143);
            }
            assertThat(emulator.terminate()).isIn(0, 143);
            assertThat(emulator.stdoutLines()).contains("voicetrack emulator: stopped");
        } finally {
            bots.forEach(BotProcess::close);
            emulator.close();
        }
    }
}

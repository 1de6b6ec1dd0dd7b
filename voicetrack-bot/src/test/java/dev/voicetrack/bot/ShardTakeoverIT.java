package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged bots (separate JVMs) on the same shard, PostgreSQL and Redis: the second refuses the
 * shard while the first holds its lease, and after {@code kill -9} of the first takes it over once
 * the lease lapsed, resuming the member's open session rather than opening another. Real time: the
 * waits are bounded hang guards, and the assertions are on states (who tracks the shard, how many
 * sessions), not on durations.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ShardTakeoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aSecondProcessOnTheSameShard_refusesIt_andTakesItOverAfterKill9OfTheFirst() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start();
                PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisServer redis = RedisServer.start()) {
            EmulatedGuild guild = discord.createGuild("takeover");
            EmulatedMember alice = guild.addMember("alice", false);
            alice.joinVoice(guild.createVoiceChannel("Lounge"));
            Map<String, String> env = new HashMap<>(BotProcess.emulatorEnv(discord, "500ms"));
            env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
            env.put("POSTGRES_USER", db.user());
            env.put("POSTGRES_PASSWORD", db.password());
            env.put("REDIS_URL", redis.url());
            env.put("SHARD_COUNT", "1");
            env.put("SHARD_LEASE_TIME", "2s");
            String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();

            try (BotProcess first = BotProcess.start(Files.createDirectories(tmp.resolve("a")), env, "run")) {
                first.awaitLine("voicetrack: ready");
                BotProcess.await(
                        "alice tracked by the first", () -> first.get(user).statusCode() == 200);
                try (BotProcess second = BotProcess.start(Files.createDirectories(tmp.resolve("b")), env, "run")) {
                    second.awaitLine("voicetrack: ready");
                    JsonNode shards = shards(second);
                    assertThat(shards.path("tracked")).isEmpty();
                    assertThat(shards.path("claimedElsewhere").has("0")).isTrue();
                    assertThat(shards(first).path("tracked").toString()).isEqualTo("[0]");

                    first.kill9();
                    BotProcess.await(
                            "the second to take shard 0 over",
                            () -> shards(second).path("tracked").toString().equals("[0]"));
                    long atTakeover = json(second, user).path("voiceTimeMs").asLong();
                    BotProcess.await(
                            "the second to credit alice",
                            () -> json(second, user).path("voiceTimeMs").asLong() > atTakeover);
                    JsonNode stats = json(second, user);
                    assertThat(stats.path("sessions").asLong())
                            .as("her open session was resumed, not opened again")
                            .isEqualTo(1);
                }
            }
        }
    }

    private static JsonNode json(BotProcess bot, String path) throws Exception {
        return JSON.readTree(bot.get(path).body());
    }

    private static JsonNode shards(BotProcess bot) throws Exception {
        return json(bot, "/health").path("gateway").path("shards");
    }
}

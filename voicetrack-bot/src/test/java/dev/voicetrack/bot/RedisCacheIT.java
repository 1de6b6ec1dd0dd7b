package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REDIS_URL switches the packaged bot to the two-tier cache, against a real redis-server. */
class RedisCacheIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void redisUrl_enablesTwoTierCache_servingHits_andClearsSafely() throws Exception {
        RedisServer redis = RedisServer.start();
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("redis");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember bob = guild.addMember("bob", false);
            Map<String, String> env = new java.util.HashMap<>(BotProcess.emulatorEnv(discord, "5s"));
            env.put("REDIS_URL", redis.url());
            Path work = Files.createDirectories(tmp.resolve("work"));
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                assertThat(bot.stderr()).contains("Cache: two-tier");
                String user =
                        "/api/guilds/" + guild.id() + "/users/" + bob.user().id();
                bob.joinVoice(lounge);
                BotProcess.await("bob stored", () -> bot.get(user).statusCode() == 200);
                JsonNode first = JSON.readTree(bot.get(user).body());
                JsonNode second = JSON.readTree(bot.get(user).body());
                assertThat(second.get("voiceTimeMs").asLong())
                        .isGreaterThanOrEqualTo(first.get("voiceTimeMs").asLong());
                JsonNode stats = JSON.readTree(
                                bot.send("GET", "/api/admin/monitoring/cache/stats", BotProcess.ADMIN_TOKEN)
                                        .body())
                        .get("stats");
                assertThat(stats.get("hits").asLong()).isPositive();
                // REDIS_KEY_PREFIX (default voice:) and the cache's name: voice:voicetrack:<key>
                assertThat(redis.command("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", "voice:voicetrack:*"))
                        .isNotEqualTo(":0");
                assertThat(bot.send("DELETE", "/api/admin/monitoring/cache/clear", BotProcess.ADMIN_TOKEN)
                                .statusCode())
                        .isEqualTo(200);
                JsonNode afterClear = JSON.readTree(bot.get(user).body());
                assertThat(afterClear.get("voiceTimeMs").asLong())
                        .isGreaterThanOrEqualTo(second.get("voiceTimeMs").asLong());
                JsonNode health = JSON.readTree(bot.get("/health").body());
                assertThat(health.get("cache").get("status").asText()).isEqualTo("UP");
                assertThat(health.get("cache").get("redisConnected").asBoolean())
                        .isTrue();
                assertThat(bot.terminate()).isIn(0, 143);
            }
        } finally {
            redis.stop();
        }
    }
}

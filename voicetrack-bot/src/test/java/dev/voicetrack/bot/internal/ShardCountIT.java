package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.emulator.DiscordEmulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bot's shard count against an emulator that requires two shards: {@code SHARD_COUNT=auto} takes
 * the count {@code /gateway/bot} recommends and runs every shard; a count below the required one is
 * closed by Discord with 4011 and the bot stops with a message naming {@code SHARD_COUNT}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardCountIT {

    /**
     * Settings for an in-JVM bot against the emulator: no admin API, no member updates and no scheduled
     * tick (tests tick by hand), and a shard count.
     */
    static Map<String, String> emulatorEnv(DiscordEmulator discord, String shardCount) {
        Map<String, String> env = new HashMap<>();
        env.put("DISCORD_BOT_TOKEN", discord.botToken());
        env.put("DISCORD_API_URL", discord.httpBaseUrl());
        env.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
        env.put("SHARD_COUNT", shardCount);
        env.put("ADMIN_API_BIND", "off");
        env.put("TRACK_MEMBER_UPDATES", "false");
        env.put("CHECK_INTERVAL", "1d");
        return env;
    }

    private static BotConfig config(DiscordEmulator discord, String shardCount) {
        Map<String, String> env = emulatorEnv(discord, shardCount);
        env.put("VOICETRACK_STORAGE", "memory");
        return BotConfig.load(Map.of(), null, null, env);
    }

    @Test
    void auto_runsEveryShardDiscordRecommends_andSeesTheGuildsOfBoth() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(2).start()) {
            for (int i = 0; i < 6; i++) {
                discord.createGuild("guild " + i);
                Thread.sleep(2); // guilds of different milliseconds, so of both shards as a rule
            }
            BotRuntime bot = new BotRuntime(config(discord, "auto"));
            bot.start();
            try {
                DiscordConnection connection = bot.discord();
                assertThat(connection).isNotNull();
                assertThat(connection.shardTotal()).isEqualTo(2);
                assertThat(connection.shardIds()).containsExactly(0, 1);
                assertThat(connection.guilds()).hasSize(6);
                assertThat(connection.status()).hasToString("CONNECTED");
                assertThat(bot.shards().leases()).as("no REDIS_URL: no leases").isEmpty();
                assertThat(bot.shards().describe().orElseThrow()).containsEntry("tracked", List.of(0, 1));
            } finally {
                bot.shutdown("test end");
            }
        }
    }

    @Test
    void fewerShardsThanDiscordRequires_isClosed4011_andTheStartFailsNamingShardCount() {
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(2).start()) {
            BotRuntime bot = new BotRuntime(config(discord, "1"));
            assertThatThrownBy(bot::start)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("SHARD_COUNT=1")
                    .hasMessageContaining("4011");
        }
    }
}

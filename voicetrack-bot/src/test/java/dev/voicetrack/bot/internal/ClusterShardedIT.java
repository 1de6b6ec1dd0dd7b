package dev.voicetrack.bot.internal;

import static dev.voicetrack.bot.internal.ShardedBots.await;
import static dev.voicetrack.bot.internal.ShardedBots.guildsOnEachShard;
import static dev.voicetrack.bot.internal.ShardedBots.leaderVoiceMs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.ManualClock;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisCluster;
import dev.voicetrack.testkit.redis.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot on a Redis Cluster of three masters ({@code REDIS_URL} naming the three nodes): two bots in
 * one JVM, one per shard of an emulator with two shards, sharing PostgreSQL. Each claims its shard's
 * lease in the cluster, the two-tier cache stores its entries there, and a leaderboard one bot cached
 * is dropped by the other's tick through the cluster's pub/sub. The bots share a manual clock and tick
 * by hand; the waits are bounded hang guards for Discord and the pub/sub delivery (real time).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterShardedIT {
    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void twoBotsOnAClusterClaimTheirShards_cacheThere_andSeeEachOthersTicks() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(2).start();
                PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisCluster cluster = RedisCluster.start()) {
            EmulatedGuild[] guildOf = guildsOnEachShard(discord);
            EmulatedMember alice = guildOf[0].addMember("alice", false);
            EmulatedMember bob = guildOf[1].addMember("bob", false);
            alice.joinVoice(guildOf[0].createVoiceChannel("Lounge"));
            bob.joinVoice(guildOf[1].createVoiceChannel("Lounge"));
            long g0 = guildOf[0].id();
            long g1 = guildOf[1].id();

            List<BotRuntime> started = new ArrayList<>();
            try {
                BotRuntime a = start(started, config(discord, db, cluster, "0", "a"));
                BotRuntime b = start(started, config(discord, db, cluster, "1", "b"));
                assertThat(a.cache()).isInstanceOf(RedisCache.class);
                assertThat(((RedisCache<?>) a.cache()).health().connected()).isTrue();
                assertThat(a.shards().leases().orElseThrow().owned()).containsExactly(0);
                assertThat(b.shards().leases().orElseThrow().owned()).containsExactly(1);
                assertThat(keyCount(cluster, "voice:lease:*"))
                        .as("both shard leases are keys in the cluster")
                        .isEqualTo(2);

                clock.advance(Duration.ofSeconds(60));
                a.tracker().tickNow();
                b.tracker().tickNow();
                assertThat(leaderVoiceMs(b, g0)).isEqualTo(60_000);
                assertThat(leaderVoiceMs(a, g1)).isEqualTo(60_000);
                assertThat(keyCount(cluster, "voice:*voicetrack*"))
                        .as("cache entries stored in the cluster")
                        .isPositive();

                clock.advance(Duration.ofSeconds(30));
                a.tracker().tickNow();
                b.tracker().tickNow();
                // Each bot's cached leaderboard of the other's guild is dropped by the other's tick.
                await("B's leaderboard to reflect A's tick", () -> leaderVoiceMs(b, g0) == 90_000);
                await("A's leaderboard to reflect B's tick", () -> leaderVoiceMs(a, g1) == 90_000);
                assertThat(b.tracker()
                                .getUser(g0, alice.user().id())
                                .orElseThrow()
                                .sessions())
                        .isEqualTo(1);
            } finally {
                for (BotRuntime bot : started) {
                    bot.shutdown("test end");
                }
            }
        }
    }

    /** How many keys match {@code pattern} over all the cluster's masters. */
    private static int keyCount(RedisCluster cluster, String pattern) {
        int n = 0;
        for (RedisServer node : cluster.nodes()) {
            String reply = node.command("KEYS", pattern); // the array's header, *<count>
            assertThat(reply).startsWith("*");
            n += Integer.parseInt(reply.substring(1).strip());
        }
        return n;
    }

    private BotConfig config(
            DiscordEmulator discord, PostgresServer.Database db, RedisCluster cluster, String shardIds, String name) {
        Map<String, String> env = ShardedBots.env(discord, db, shardIds, tmp, name);
        env.put(
                "REDIS_URL",
                "redis://"
                        + String.join(
                                ",",
                                cluster.nodes().stream()
                                        .map(n -> n.host() + ":" + n.port())
                                        .toList()));
        BotConfig config = BotConfig.load(Map.of(), null, null, env);
        assertThat(config.cache().redisCluster()).isTrue();
        assertThat(config.cache().redisNodes()).hasSize(3);
        return config;
    }

    private BotRuntime start(List<BotRuntime> started, BotConfig config) throws InterruptedException {
        BotRuntime bot = new BotRuntime(config, clock);
        started.add(bot);
        bot.start();
        return bot;
    }
}

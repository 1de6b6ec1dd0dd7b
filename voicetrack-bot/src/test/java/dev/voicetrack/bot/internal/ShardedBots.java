package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Window;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the tests of several bots on one emulator with two shards share: guild placement, settings, waits. */
final class ShardedBots {
    static final Duration WAIT = Duration.ofSeconds(30);

    private ShardedBots() {}

    /** Guilds created until one lies on each of the two shards ({@code (id >> 22) % 2}). */
    static EmulatedGuild[] guildsOnEachShard(DiscordEmulator discord) throws InterruptedException {
        EmulatedGuild[] found = new EmulatedGuild[2];
        for (int i = 0; i < 500 && (found[0] == null || found[1] == null); i++) {
            EmulatedGuild g = discord.createGuild("guild " + i);
            int shard = ShardLeases.shardOf(g.id(), 2);
            if (found[shard] == null) {
                found[shard] = g;
            }
            Thread.sleep(1); // ids take the creation millisecond: the next guild may fall on the other shard
        }
        assertThat(found).doesNotContainNull();
        return found;
    }

    /**
     * The settings of one bot process on shard(s) {@code shardIds} of two, sharing the PostgreSQL database, with
     * 3 s leases and its own announcements file; the caller adds {@code REDIS_URL}.
     */
    static Map<String, String> env(
            DiscordEmulator discord, PostgresServer.Database db, String shardIds, Path dir, String name) {
        Map<String, String> env = ShardCountIT.emulatorEnv(discord, "2");
        env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
        env.put("POSTGRES_USER", db.user());
        env.put("POSTGRES_PASSWORD", db.password());
        env.put("SHARD_IDS", shardIds);
        env.put("SHARD_LEASE_TIME", "3s");
        env.put(
                "ANNOUNCEMENTS_FILE",
                dir.resolve(name + "-announcements.properties").toString());
        return env;
    }

    /** The voice time of the first of a guild's all-time voice-time leaderboard, as a process reads it. */
    static long leaderVoiceMs(BotRuntime bot, long guild) {
        var page = bot.tracker().getLeaderboard(guild, Metric.VOICE_TIME, Window.allTime(), 10, 0);
        return page.entries().isEmpty() ? -1 : page.entries().get(0).voiceTimeMs();
    }

    /** Waits for {@code condition}, at most {@link #WAIT} (a hang guard, real time). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

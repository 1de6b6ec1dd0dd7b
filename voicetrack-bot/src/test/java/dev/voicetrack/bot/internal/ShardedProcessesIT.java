package dev.voicetrack.bot.internal;

import static dev.voicetrack.bot.internal.ShardedBots.await;
import static dev.voicetrack.bot.internal.ShardedBots.guildsOnEachShard;
import static dev.voicetrack.bot.internal.ShardedBots.leaderVoiceMs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.ManualClock;
import dev.voicetrack.testkit.postgres.PostgresServer;
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
 * Three bots in one JVM, each a process of its own to the others (own Discord shards, caches and shard
 * leases), against one emulator with two shards, one PostgreSQL database and one Redis: A runs shard 0,
 * B shard 1, and C is started on shard 0 by mistake. Each guild is credited by the process of its shard
 * only, C refuses shard 0 while A holds it, any process answers for any guild (a leaderboard another
 * process cached follows the owner's ticks through Redis), and when A stops, C takes
 * shard 0 over and resumes its open session once. The trackers share a manual clock and tick by hand,
 * so totals are exact; the waits are bounded hang guards for Discord and the lease renewal (real time).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardedProcessesIT {
    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void eachGuildIsTickedByItsShardsProcessOnly_aSecondClaimIsRefused_aMovedShardResumesOnce() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(2).start();
                PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisServer redis = RedisServer.start()) {
            EmulatedGuild[] guildOf = guildsOnEachShard(discord);
            EmulatedMember alice = guildOf[0].addMember("alice", false);
            EmulatedMember bob = guildOf[1].addMember("bob", false);
            alice.joinVoice(guildOf[0].createVoiceChannel("Lounge"));
            bob.joinVoice(guildOf[1].createVoiceChannel("Lounge"));
            long g0 = guildOf[0].id();
            long g1 = guildOf[1].id();
            long a0 = alice.user().id();
            long b1 = bob.user().id();

            List<BotRuntime> started = new ArrayList<>();
            try {
                BotRuntime a = start(started, config(discord, db, redis, "0", "a"));
                BotRuntime b = start(started, config(discord, db, redis, "1", "b"));
                clock.advance(Duration.ofSeconds(60));
                a.tracker().tickNow();
                b.tracker().tickNow();
                assertThat(voiceMs(a, g0, a0)).isEqualTo(60_000);
                // Any process answers for any guild, whoever ticks it.
                assertThat(voiceMs(a, g1, b1)).isEqualTo(60_000);
                assertThat(voiceMs(b, g0, a0)).isEqualTo(60_000);
                assertThat(leaderVoiceMs(b, g0))
                        .as("B's cached leaderboard of A's guild")
                        .isEqualTo(60_000);

                // C claims shard 0 too: it is refused while A holds it, and credits nothing of it.
                BotRuntime c = start(started, config(discord, db, redis, "0", "c"));
                ShardLeases cLeases = c.shards().leases().orElseThrow();
                assertThat(cLeases.owned()).isEmpty();
                assertThat(cLeases.claimedElsewhere()).containsKey(0);
                clock.advance(Duration.ofSeconds(30));
                for (BotRuntime bot : List.of(a, b, c)) {
                    bot.tracker().tickNow();
                }
                assertThat(c.tracker().tickNow().trackedMembers()).isZero();
                // B's cached leaderboard of A's guild is dropped by A's tick (Redis pub/sub, asynchronous).
                await("B's leaderboard to reflect A's tick", () -> leaderVoiceMs(b, g0) == 90_000);
                MemberStats alices = stats(b, g0, a0);
                assertThat(alices.voiceTimeMs()).as("credited once, by A").isEqualTo(90_000);
                assertThat(alices.sessions()).isEqualTo(1);
                assertThat(voiceMs(c, g1, b1)).isEqualTo(90_000);
                String session = openSession(c, g0, a0);

                // Move shard 0: stop A (its last tick, then its lease is given up); C takes it over.
                a.shutdown("moving shard 0");
                started.remove(a);
                await("C to take shard 0 over", () -> cLeases.owned().equals(List.of(0)));
                await("C to follow alice", () -> c.tracker().tickNow().trackedMembers() == 1);
                clock.advance(Duration.ofSeconds(30));
                c.tracker().tickNow();
                b.tracker().tickNow();
                alices = stats(b, g0, a0);
                assertThat(alices.voiceTimeMs()).isEqualTo(120_000);
                assertThat(alices.sessions())
                        .as("the open session resumed, not a new one")
                        .isEqualTo(1);
                assertThat(openSession(b, g0, a0)).isEqualTo(session);
                assertThat(voiceMs(c, g1, b1)).isEqualTo(120_000);
            } finally {
                for (BotRuntime bot : started) {
                    bot.shutdown("test end");
                }
            }
        }
    }

    private BotConfig config(
            DiscordEmulator discord, PostgresServer.Database db, RedisServer redis, String shardIds, String name) {
        Map<String, String> env = ShardedBots.env(discord, db, shardIds, tmp, name);
        env.put("REDIS_URL", redis.url());
        return BotConfig.load(Map.of(), null, null, env);
    }

    private BotRuntime start(List<BotRuntime> started, BotConfig config) throws InterruptedException {
        BotRuntime bot = new BotRuntime(config, clock);
        started.add(bot);
        bot.start();
        return bot;
    }

    private static MemberStats stats(BotRuntime bot, long guild, long user) {
        return bot.tracker().getUser(guild, user).orElseThrow();
    }

    private static long voiceMs(BotRuntime bot, long guild, long user) {
        return stats(bot, guild, user).voiceTimeMs();
    }

    private static String openSession(BotRuntime bot, long guild, long user) {
        List<VoiceSession> open = bot.storage().openSessions().stream()
                .filter(s -> s.guildId() == guild && s.userId() == user)
                .toList();
        assertThat(open).hasSize(1);
        return open.get(0).id();
    }
}

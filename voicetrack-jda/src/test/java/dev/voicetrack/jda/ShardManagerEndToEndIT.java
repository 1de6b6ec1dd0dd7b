package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@link VoiceTrackJda#install(ShardManager, VoiceTracker)} end to end: a real JDA {@link ShardManager} (one shard,
 * the emulator serves one) pointed at the Discord emulator, a tracker on a manual clock whose view is {@link
 * VoiceTrackJda#voiceView(ShardManager)}, ticks run by hand. JDA runs on real time, so the test waits (bounded, as a
 * hang guard) until each scripted event has reached the tracker before it moves the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShardManagerEndToEndIT {
    private static final Duration WAIT = TestBot.WAIT;

    private DiscordEmulator emulator;
    private ShardManager shardManager;
    private VoiceTracker tracker;
    private JdaInstallation installation;

    @BeforeAll
    void startEmulator() {
        emulator = DiscordEmulator.start();
    }

    @AfterAll
    void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void stopBot() throws InterruptedException {
        if (installation != null) {
            installation.close();
            installation = null;
        }
        if (shardManager != null) {
            List<JDA> shards = new ArrayList<>(shardManager.getShards());
            shardManager.shutdown();
            for (JDA shard : shards) {
                shard.awaitShutdown(Duration.ofSeconds(10));
            }
            shardManager = null;
        }
        if (tracker != null) {
            tracker.close();
            tracker = null;
        }
    }

    @Test
    void installOnShardManager_tracksScriptedVoiceTimeExactly_andAnswersStats() {
        EmulatedGuild guild = emulator.createGuild("Sharded");
        EmulatedChannel general = guild.createTextChannel("general");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedMember alice = guild.addMember("alice", false);
        long gid = guild.id();
        long a = alice.user().id();
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();

        shardManager = shardManagerBuilder().build();
        awaitConnected();
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .view(VoiceTrackJda.voiceView(shardManager))
                .build();
        tracker.start();
        installation = VoiceTrackJda.install(shardManager, tracker);
        installation
                .commandsRegistered()
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
        await("reconciliation at install", () -> installation.reconciliations() >= 1);

        long n = installation.eventsEnqueued();
        alice.joinVoice(lounge);
        awaitEnqueued(n, 1);
        clock.advance(Duration.ofSeconds(75));
        tracker.tickNow();

        n = installation.eventsEnqueued();
        alice.leaveVoice();
        awaitEnqueued(n, 1);
        clock.advance(Duration.ofSeconds(40)); // she is gone: not credited
        tracker.tickNow();

        MemberStats stats = storage.member(gid, a).orElseThrow();
        assertThat(stats.voiceTimeMs()).isEqualTo(75_000);
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(stats.channel(lounge.id()).orElseThrow().voiceTimeMs()).isEqualTo(75_000);
        assertThat(storage.sessions(gid, a, 10)).singleElement().satisfies(s -> assertThat(s.durationMs())
                .isEqualTo(75_000));
        assertThat(storage.openSessions()).filteredOn(s -> s.guildId() == gid).isEmpty();

        RecordedMessage reply = alice.invokeCommand(general, "stats", Map.of()).awaitReply(WAIT);
        assertThat(Embeds.title(reply)).isEqualTo("Voice stats for alice");
        assertThat(Embeds.fields(reply)).containsEntry("Voice time", "1m 15s");
    }

    @Test
    void memberInVoiceBeforeShardManagerStarts_isTrackedAfterInstall() {
        EmulatedGuild guild = emulator.createGuild("AlreadyThere");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedMember bob = guild.addMember("bob", false);
        long gid = guild.id();
        long b = bob.user().id();
        bob.joinVoice(lounge); // before the shard manager exists: only its GUILD_CREATE voice states show him
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();

        // The tracker starts while no shard is logged in, so its own start-up reconciliation sees nobody:
        // the session can only come from the reconciliation the installation runs.
        shardManager = shardManagerBuilder().build(false);
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .view(VoiceTrackJda.voiceView(shardManager))
                .build();
        tracker.start();
        shardManager.login();
        awaitConnected();
        tracker.tickNow(); // writes whatever the tracker follows: nobody yet
        assertThat(storage.openSessions()).filteredOn(s -> s.guildId() == gid).isEmpty();

        installation = VoiceTrackJda.install(shardManager, tracker);
        await("reconciliation at install", () -> installation.reconciliations() >= 1);
        tracker.tickNow(); // the clock has not moved: this only writes the session the reconciliation opened
        assertThat(storage.openSessions())
                .filteredOn(s -> s.guildId() == gid)
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.userId()).isEqualTo(b);
                    assertThat(s.channelId()).isEqualTo(lounge.id());
                });

        clock.advance(Duration.ofSeconds(50));
        tracker.tickNow();
        long n = installation.eventsEnqueued();
        bob.leaveVoice();
        awaitEnqueued(n, 1);
        clock.advance(Duration.ofSeconds(30));
        tracker.tickNow();

        MemberStats stats = storage.member(gid, b).orElseThrow();
        assertThat(stats.voiceTimeMs()).isEqualTo(50_000);
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(storage.openSessions()).filteredOn(s -> s.guildId() == gid).isEmpty();
    }

    private DefaultShardManagerBuilder shardManagerBuilder() {
        DiscordEmulator discord = emulator;
        return DefaultShardManagerBuilder.createLight(discord.botToken(), VoiceTrackJda.REQUIRED_INTENTS)
                .setShardsTotal(1)
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(MemberCachePolicy.ALL)
                .setChunkingFilter(ChunkingFilter.ALL)
                .setRestConfig(new RestConfig().setBaseUrl(discord.httpBaseUrl()))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return discord.gatewayUrl();
                    }
                })
                .setCompression(Compression.NONE);
    }

    private void awaitConnected() {
        await("the shard to be CONNECTED", () -> {
            List<JDA> shards = shardManager.getShards();
            return shardManager.getShardsQueued() == 0
                    && shards.size() == 1
                    && shards.get(0).getStatus() == JDA.Status.CONNECTED;
        });
    }

    private void awaitEnqueued(long before, long n) {
        await(n + " events enqueued", () -> installation.eventsEnqueued() >= before + n);
    }

    /** A bounded condition wait for JDA's real-time work (a hang guard, not a timing assertion). */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}

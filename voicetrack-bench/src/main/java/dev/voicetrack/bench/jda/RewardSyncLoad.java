package dev.voicetrack.bench.jda;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.VoiceTrackJda;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.JDA;

/**
 * Load run (not JMH: it goes through real JDA, sockets and the emulator): the level reward sync of a guild of
 * 10,000 members after a restart, at Discord's default rate limits (the emulator's defaults: 10 role changes per
 * 10 s per guild). Before the restart every member held the roles its level earns, except a few whose roles
 * drifted (leveling is off, so levels stay as seeded while ticks accrue voice time). Reports how long the sync took, how many roles it changed, the 429 answers (the goal is none), and the
 * tick durations over 10,000 members in voice with ticks running back to back during the sync and, as the
 * baseline, as many again right after it (the
 * goal: the sync does not lengthen them), and the longest time the adapter held a JDA event thread. A {@link
 * GatewayProbe} posts a message every 20 ms during the sync and during the baseline ticks and reports how long each
 * waited for JDA's gateway thread, with the JVM's GC pauses over the same time (a pause holds every thread, so a
 * handler that happens to run during one reports it as its own time).
 *
 * <p>Run: {@code voicetrack-bench/run-reward-sync-load.sh [drifted members]} (default 30). With the system property
 * {@code probe.slow} set ({@code java -Dprobe.slow=1 -cp voicetrack-bench/target/benchmarks.jar
 * dev.voicetrack.bench.jda.RewardSyncLoad}) it also lists the probes that waited over 100 ms during the sync, with
 * when they were sent.
 */
public final class RewardSyncLoad {
    private static final int MEMBERS = 10_000;
    private static final int WARMUP_TICKS = 30;

    private RewardSyncLoad() {}

    public static void main(String[] args) throws Exception {
        int drifted = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("Load");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedChannel probes = guild.createTextChannel("probes");
            EmulatedMember prober = guild.addMember("prober", false);
            EmulatedRole bronze = guild.createRole("Bronze", 0);
            EmulatedRole silver = guild.createRole("Silver", 0);
            InMemoryStorage storage = new InMemoryStorage();
            storage.init();
            storage.saveGuildConfig(
                    guild.id(),
                    GuildConfig.builder()
                            .enableLeveling(false) // levels stay as seeded, so the check below is exact
                            .levelRewards(LevelRewards.of(List.of(
                                    new LevelReward(LevelReward.Trigger.LEVEL, 1, Set.of(bronze.id()), false),
                                    new LevelReward(LevelReward.Trigger.LEVEL, 5, Set.of(silver.id()), false))))
                            .build());
            List<EmulatedMember> members = new ArrayList<>();
            int every = Math.max(1, MEMBERS / Math.max(1, drifted));
            int wrong = 0;
            for (int i = 0; i < MEMBERS; i++) {
                EmulatedMember m = guild.addMember("m" + i, false);
                members.add(m);
                int level = 1 + i % 8;
                storage.setXp(guild.id(), m.user().id(), 100L * level, level);
                boolean drift = i % every == 0 && wrong < drifted;
                m.addRole((level >= 5) != drift ? silver : bronze);
                wrong += drift ? 1 : 0;
                m.joinVoice(lounge); // in voice before the bot connects: the tracker resumes them at start
            }

            JDA jda = EmulatorJda.connect(emulator, false);
            VoiceTracker tracker = EmulatorJda.startTracker(storage, jda);
            for (int i = 0; i < WARMUP_TICKS; i++) {
                tracker.tickNow();
            }

            GatewayProbe probe = new GatewayProbe(jda, prober, probes);
            probe.start();
            long start = System.nanoTime();
            JdaInstallation installation =
                    VoiceTrackJda.builder(tracker).registerCommands(false).install(jda);
            BackToBackTicks ticker = BackToBackTicks.start(tracker);
            while (installation.rewardSyncs() < 1) {
                Thread.sleep(5);
            }
            long took = System.nanoTime() - start;
            long[] d = ticker.stop();
            GatewayProbe.Result duringSync = probe.stop();
            List<String> slowDuringSync = List.copyOf(probe.slowProbes());
            int mismatched = 0;
            for (int i = 0; i < MEMBERS; i++) {
                EmulatedRole expected = 1 + i % 8 >= 5 ? silver : bronze;
                if (!members.get(i).roles().equals(List.of(expected))) {
                    mismatched++;
                }
            }
            JdaInstallation.GatewayTimings handlers = installation.gatewayTimings();
            // the baseline: as many ticks again right after the sync, with nothing else running
            probe.start();
            long[] baseline = new long[Math.max(1, d.length)];
            for (int i = 0; i < baseline.length; i++) {
                baseline[i] = tracker.tickNow().totalTime().toNanos();
            }
            GatewayProbe.Result afterSync = probe.stop();
            probe.close();

            java.util.Arrays.sort(baseline);
            System.out.printf(
                    "reward sync after restart: %,d members, %d drifted, took %.1f s; members still wrong: %d;"
                            + " 429 answers: %d%n",
                    MEMBERS, wrong, took / 1e9, mismatched, emulator.rateLimitedResponses());
            System.out.printf(
                    "ticks over %,d members in voice, back to back: without the sync p50 %.1f ms max %.1f ms"
                            + " (%d ticks); during it p50 %.1f ms max %.1f ms (%d ticks)%n",
                    MEMBERS,
                    baseline[baseline.length / 2] / 1e6,
                    baseline[baseline.length - 1] / 1e6,
                    baseline.length,
                    d.length == 0 ? 0 : d[d.length / 2] / 1e6,
                    d.length == 0 ? 0 : d[d.length - 1] / 1e6,
                    d.length);
            System.out.printf(
                    "JDA event threads during the sync: %,d events, longest handler %.3f ms wall, %.3f ms CPU%n",
                    handlers.events(), handlers.maxNanos() / 1e6, handlers.maxCpuNanos() / 1e6);
            System.out.println("during the sync: " + duringSync.describe());
            if (System.getProperty("probe.slow") != null) {
                System.out.println("  slow probes (sent at, waited): " + slowDuringSync);
            }
            System.out.println("ticks only, after it: " + afterSync.describe());
            installation.close();
            jda.shutdownNow();
            tracker.close();
        }
    }
}

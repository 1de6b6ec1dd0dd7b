package dev.voicetrack.bench.jda;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.jda.CommandRateLimiter;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.VoiceTrackJda;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.JDA;

/**
 * Load run (not JMH: a round trip goes through real JDA, real sockets and the emulator, which JMH's harness
 * would only add noise to):
 *
 * <ol>
 *   <li><b>/stats round trip</b> with 10,000 stored members: from the emulator writing the INTERACTION_CREATE to
 *       the bot's answer recorded by the emulator. Reports p50, p99 and max; the goal is p99 under 20 ms.
 *   <li><b>Gateway blocking by ticks</b>: 10,000 members in voice, ticks running back to back on another thread,
 *       while members toggle mute through the emulator. Reports the longest time the adapter held a JDA event
 *       thread (its handlers are timed) and the tick durations; the goal is under 10 ms.
 * </ol>
 *
 * <p>Run: {@code voicetrack-bench/run-jda-load.sh} (builds what it needs, then runs this class). Arguments:
 * {@code [warmup invocations] [measured invocations]}, default 500 and 3000.
 */
public final class StatsRoundTripLoad {
    private static final int STORED_MEMBERS = 10_000;
    private static final int LIVE_MEMBERS = 50;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private StatsRoundTripLoad() {}

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int measured = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("Load");
            EmulatedChannel general = guild.createTextChannel("general");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            List<EmulatedMember> live = new ArrayList<>();
            for (int i = 0; i < LIVE_MEMBERS; i++) {
                live.add(guild.addMember("member" + i, false));
            }
            InMemoryStorage storage = new InMemoryStorage();
            storage.init();
            seed(storage, guild.id(), live);

            JDA jda = EmulatorJda.connect(emulator, true);
            VoiceTracker tracker = EmulatorJda.startTracker(storage, jda);
            JdaInstallation installation = VoiceTrackJda.builder(tracker)
                    .rateLimiter(CommandRateLimiter.unlimited())
                    .install(jda);
            installation.commandsRegistered().get();

            roundTrips(general, live, warmup, measured);
            installation.close();

            // a fresh installation, so that its handler timings cover the tick phase only
            installation = VoiceTrackJda.builder(tracker)
                    .rateLimiter(CommandRateLimiter.unlimited())
                    .registerCommands(false)
                    .install(jda);
            while (installation.reconciliations() < 1) {
                Thread.sleep(1);
            }
            gatewayBlocking(tracker, installation, guild.id(), lounge, live);

            installation.close();
            jda.shutdownNow();
            tracker.close();
        }
    }

    private static void seed(InMemoryStorage storage, long guildId, List<EmulatedMember> live) {
        List<MemberDelta> deltas = new ArrayList<>();
        Instant now = Instant.now();
        LocalDate day = LocalDate.now(ZoneOffset.UTC);
        for (int i = 0; i < STORED_MEMBERS; i++) {
            long userId = i < live.size() ? live.get(i).user().id() : 100_000_000_000_000L + i;
            deltas.add(new MemberDelta(guildId, userId, 1, day, 60_000L * (i % 600), 5L * (i % 997), i % 13, 1, now));
        }
        storage.apply(new Batch(deltas, List.of()));
    }

    private static void roundTrips(EmulatedChannel general, List<EmulatedMember> live, int warmup, int measured) {
        for (int i = 0; i < warmup; i++) {
            statsOnce(general, live.get(i % live.size()));
        }
        long[] nanos = new long[measured];
        for (int i = 0; i < measured; i++) {
            nanos[i] = statsOnce(general, live.get(i % live.size()));
        }
        Arrays.sort(nanos);
        System.out.printf(
                "/stats round trip, %,d stored members, %,d measured after %,d warm-up: p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms (goal: p99 < 20 ms)%n",
                STORED_MEMBERS,
                measured,
                warmup,
                nanos[measured / 2] / 1e6,
                nanos[(int) Math.ceil(measured * 0.99) - 1] / 1e6,
                nanos[measured - 1] / 1e6);
    }

    private static long statsOnce(EmulatedChannel general, EmulatedMember member) {
        long start = System.nanoTime();
        RecordedMessage reply = member.invokeCommand(general, "stats", Map.of()).awaitReply(WAIT);
        long took = System.nanoTime() - start;
        if (reply.embeds().isEmpty()) {
            throw new IllegalStateException("unexpected /stats answer: " + reply.content());
        }
        return took;
    }

    private static void gatewayBlocking(
            VoiceTracker tracker,
            JdaInstallation installation,
            long guildId,
            EmulatedChannel lounge,
            List<EmulatedMember> live)
            throws InterruptedException {
        // 10,000 members in voice: the synthetic ones straight into the tracker, the live ones through JDA
        long channelId = lounge.id();
        for (int i = live.size(); i < STORED_MEMBERS; i++) {
            tracker.accept(new GatewayEvent.VoiceJoined(
                    guildId, 100_000_000_000_000L + i, channelId, MemberInfo.PLAIN, VoiceFlags.NONE));
        }
        long before = installation.eventsEnqueued();
        for (EmulatedMember m : live) {
            m.joinVoice(lounge);
        }
        awaitEnqueued(installation, before + live.size());
        tracker.tickNow();

        JdaInstallation.GatewayTimings start = installation.gatewayTimings();
        BackToBackTicks ticker = BackToBackTicks.start(tracker);
        int toggles = 0;
        long enqueuedBefore = installation.eventsEnqueued();
        for (int round = 0; round < 20; round++) {
            for (EmulatedMember m : live) {
                m.setSelfMute(round % 2 == 0);
                toggles++;
            }
        }
        awaitEnqueued(installation, enqueuedBefore + toggles);
        long[] ticks = ticker.stop();
        JdaInstallation.GatewayTimings end = installation.gatewayTimings();
        System.out.printf(
                "gateway thread while ticks ran (%,d members in voice, %,d ticks, tick p50 %.1f ms, max %.1f ms):"
                        + " %,d voice events, longest handler %.3f ms, mean %.4f ms (goal: never > 10 ms)%n",
                STORED_MEMBERS,
                ticks.length,
                ticks.length == 0 ? 0 : ticks[ticks.length / 2] / 1e6,
                ticks.length == 0 ? 0 : ticks[ticks.length - 1] / 1e6,
                end.events() - start.events(),
                end.maxNanos() / 1e6,
                (end.totalNanos() - start.totalNanos()) / 1e6 / Math.max(1, end.events() - start.events()));
    }

    private static void awaitEnqueued(JdaInstallation installation, long target) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (installation.eventsEnqueued() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("events did not reach the tracker in time");
            }
            Thread.sleep(1);
        }
    }
}

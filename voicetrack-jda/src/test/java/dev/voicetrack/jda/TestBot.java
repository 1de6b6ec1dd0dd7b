package dev.voicetrack.jda;

import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceTrackerBuilder;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;

/**
 * The bot under test: real JDA pointed at the emulator, a tracker on a manual clock (ticks only when the test
 * calls {@link VoiceTracker#tickNow()}), and the adapter installed the way the README says.
 */
final class TestBot implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    final JDA jda;
    final VoiceTracker tracker;
    final JdaInstallation installation;

    private TestBot(JDA jda, VoiceTracker tracker, JdaInstallation installation) {
        this.jda = jda;
        this.tracker = tracker;
        this.installation = installation;
    }

    static TestBot start(
            DiscordEmulator emulator, Storage storage, ManualClock clock, UnaryOperator<VoiceTrackJdaBuilder> options)
            throws InterruptedException {
        return start(emulator, storage, clock, UnaryOperator.identity(), options);
    }

    /** Like {@link #start(DiscordEmulator, Storage, ManualClock, UnaryOperator)}, with tracker options too. */
    static TestBot start(
            DiscordEmulator emulator,
            Storage storage,
            ManualClock clock,
            UnaryOperator<VoiceTrackerBuilder> trackerOptions,
            UnaryOperator<VoiceTrackJdaBuilder> options)
            throws InterruptedException {
        return start(emulator, storage, clock, trackerOptions, options, true);
    }

    /**
     * Like {@link #start(DiscordEmulator, Storage, ManualClock, UnaryOperator)}; with {@code cacheAllMembers} false
     * JDA caches only the members in voice and chunks none at start (as the README's snippet configures it).
     */
    static TestBot start(
            DiscordEmulator emulator,
            Storage storage,
            ManualClock clock,
            UnaryOperator<VoiceTrackerBuilder> trackerOptions,
            UnaryOperator<VoiceTrackJdaBuilder> options,
            boolean cacheAllMembers)
            throws InterruptedException {
        JDA jda =
                cacheAllMembers ? connect(emulator, VoiceTrackJda.REQUIRED_INTENTS, true) : voiceMembersOnly(emulator);
        VoiceTracker tracker = trackerOptions
                .apply(VoiceTracker.builder()
                        .manualTicks()
                        .storage(storage)
                        .ownsStorage(false)
                        .clock(clock)
                        .view(VoiceTrackJda.voiceView(jda)))
                .build();
        tracker.start();
        JdaInstallation installation =
                options.apply(VoiceTrackJda.builder(tracker).clock(clock)).install(jda);
        TestBot bot = new TestBot(jda, tracker, installation);
        installation
                .commandsRegistered()
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
        bot.await("first reconciliation", () -> installation.reconciliations() >= 1);
        return bot;
    }

    static JDA connect(DiscordEmulator emulator, Set<GatewayIntent> intents, boolean voiceCache)
            throws InterruptedException {
        JDABuilder builder = JDABuilder.createLight(emulator.botToken(), EnumSet.copyOf(intents))
                .setMemberCachePolicy(
                        intents.contains(GatewayIntent.GUILD_MEMBERS) ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(
                        intents.contains(GatewayIntent.GUILD_MEMBERS) ? ChunkingFilter.ALL : ChunkingFilter.NONE)
                .setRestConfig(new RestConfig().setBaseUrl(emulator.httpBaseUrl()))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return emulator.gatewayUrl();
                    }
                })
                .setCompression(Compression.NONE);
        if (voiceCache) {
            builder.enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS);
        }
        return builder.build().awaitReady();
    }

    /** JDA with VoiceTrack's intents (GUILD_MEMBERS included) caching only the members in voice, chunking none. */
    static JDA voiceMembersOnly(DiscordEmulator emulator) throws InterruptedException {
        return JDABuilder.createLight(emulator.botToken(), EnumSet.copyOf(VoiceTrackJda.REQUIRED_INTENTS))
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(MemberCachePolicy.VOICE)
                .setChunkingFilter(ChunkingFilter.NONE)
                .setRestConfig(new RestConfig().setBaseUrl(emulator.httpBaseUrl()))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return emulator.gatewayUrl();
                    }
                })
                .setCompression(Compression.NONE)
                .build()
                .awaitReady();
    }

    /** Waits until the adapter has handed {@code n} more events to the tracker than {@code before}. */
    void awaitEnqueued(long before, long n) {
        await(n + " events enqueued", () -> installation.eventsEnqueued() >= before + n);
    }

    /** A bounded condition wait for JDA's real-time event delivery (a hang guard, not a timing assertion). */
    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Stops JDA and the tracker (whose last tick records the time up to now); the storage stays open. */
    @Override
    public void close() {
        installation.close();
        jda.shutdownNow();
        try {
            jda.awaitShutdown(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tracker.close();
    }
}

package dev.voicetrack.bench.jda;

import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.jda.VoiceTrackJda;
import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;

/**
 * Real JDA connected to an emulator, as the load runs use it (VoiceTrack's intents and cache flags), and a tracker
 * over it.
 */
final class EmulatorJda {
    private EmulatorJda() {}

    /**
     * A connected JDA (after READY).
     *
     * @param allMembers cache and chunk every member (else only members in voice, as the README's snippet does)
     */
    static JDA connect(DiscordEmulator emulator, boolean allMembers) throws InterruptedException {
        return JDABuilder.createLight(emulator.botToken(), EnumSet.copyOf(VoiceTrackJda.REQUIRED_INTENTS))
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(allMembers ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(allMembers ? ChunkingFilter.ALL : ChunkingFilter.NONE)
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

    /** A started tracker on manual ticks over the storage (which it owns), seeing JDA's voice states. */
    static VoiceTracker startTracker(Storage storage, JDA jda) {
        VoiceTracker tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .view(VoiceTrackJda.voiceView(jda))
                .build();
        tracker.start();
        return tracker;
    }
}

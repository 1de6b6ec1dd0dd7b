package dev.voicetrack.emulator;

import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.cache.CacheFlag;

/** Builds a real JDA pointed at an emulator, the way the bot's demo mode will. */
final class JdaHarness {
    private JdaHarness() {}

    static JDA connect(DiscordEmulator emulator, EventListener... listeners) throws InterruptedException {
        JDA jda = JDABuilder.createLight(
                        emulator.botToken(),
                        EnumSet.of(
                                GatewayIntent.GUILD_MEMBERS,
                                GatewayIntent.GUILD_VOICE_STATES,
                                GatewayIntent.GUILD_MESSAGES,
                                GatewayIntent.MESSAGE_CONTENT,
                                GatewayIntent.DIRECT_MESSAGES))
                .enableCache(CacheFlag.VOICE_STATE)
                .setMemberCachePolicy(MemberCachePolicy.ALL)
                .setChunkingFilter(ChunkingFilter.ALL)
                .setRestConfig(new RestConfig().setBaseUrl(emulator.httpBaseUrl()))
                .setSessionController(new ConcurrentSessionController() {
                    @Override
                    public String getGateway() {
                        return emulator.gatewayUrl();
                    }
                })
                .setCompression(Compression.NONE)
                .addEventListeners((Object[]) listeners)
                .build();
        // No timeout here: callers run under JUnit's @Timeout, which is the hang guard.
        return jda.awaitStatus(JDA.Status.CONNECTED, JDA.Status.SHUTDOWN);
    }
}

package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.jda.VoiceTrackJda;
import java.time.Duration;
import java.util.EnumSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to Discord: the gateway intents the tracked features need, the emulator's URLs when
 * set, and a refused token or intent turned into one clear line. Started first of the parts that
 * talk to a server, so that a wrong token fails before any file is created.
 */
final class DiscordConnection implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordConnection.class);

    private final BotConfig.DiscordSettings settings;
    private final BotConfig.TrackingSettings tracking;
    private final Started<JDA> jda = new Started<>("discord");

    DiscordConnection(BotConfig config) {
        this.settings = config.discord();
        this.tracking = config.tracking();
    }

    @Override
    public String name() {
        return "discord";
    }

    JDA jda() {
        return jda.get();
    }

    Started<JDA> started() {
        return jda;
    }

    @Override
    public void start() throws InterruptedException {
        JDA connected = connect(settings.token().orElseThrow());
        jda.set(connected);
        LOG.info(
                "Connected to Discord as {} ({} guilds)",
                connected.getSelfUser().getName(),
                connected.getGuilds().size());
    }

    @Override
    public void stop() {
        JDA j = jda.get();
        j.shutdown();
        try {
            if (!j.awaitShutdown(Duration.ofSeconds(5))) {
                j.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JDA connect(String token) throws InterruptedException {
        EnumSet<GatewayIntent> intents = EnumSet.of(GatewayIntent.GUILD_VOICE_STATES);
        boolean members = tracking.trackMemberUpdates();
        if (members) {
            intents.add(GatewayIntent.GUILD_MEMBERS);
        }
        if (tracking.trackMessages()) {
            intents.add(GatewayIntent.GUILD_MESSAGES);
        }
        JDABuilder b = JDABuilder.createLight(token, intents)
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(members ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(members ? ChunkingFilter.ALL : ChunkingFilter.NONE);
        settings.apiUrl()
                .ifPresent(api -> b.setRestConfig(new RestConfig().setBaseUrl(api.endsWith("/") ? api : api + "/")));
        settings.gatewayUrl().ifPresent(gateway -> {
            b.setSessionController(new ConcurrentSessionController() {
                @Override
                public String getGateway() {
                    return gateway;
                }
            });
            b.setCompression(Compression.NONE);
        });
        try {
            return b.build().awaitReady();
        } catch (InvalidTokenException e) {
            throw new ConfigException("DISCORD_BOT_TOKEN (" + BotConfig.maskSecret(token)
                    + ") was refused by Discord; reset it in the developer portal (your application -> Bot)");
        } catch (IllegalStateException e) {
            throw new ConfigException("Discord refused the connection: " + e.getMessage()
                    + (members
                            ? ". If the Server Members intent is not enabled for the bot, enable it in the"
                                    + " developer portal (Bot -> Privileged Gateway Intents) or set TRACK_MEMBER_UPDATES=false"
                            : ""));
        }
    }
}

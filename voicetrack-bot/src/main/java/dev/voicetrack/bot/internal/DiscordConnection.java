package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.jda.JdaInstallation;
import dev.voicetrack.jda.VoiceTrackJda;
import dev.voicetrack.jda.VoiceTrackJdaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to Discord: one JDA, or with {@code SHARD_COUNT} a JDA shard manager running this
 * process's shards ({@code SHARD_IDS}); the gateway intents the tracked features need, the emulator's
 * URLs when set, and a refused token, intent or shard turned into one clear line. Started first of
 * the parts that talk to a server, so that a wrong token fails before any file is created. The rest
 * of the bot reads Discord through it (guilds, users, status, the voice view) whichever it runs.
 */
final class DiscordConnection implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordConnection.class);

    private final BotConfig.DiscordSettings settings;
    private final BotConfig.TrackingSettings tracking;
    private final BotConfig.ShardSettings shardSettings;
    private final Started<JDA> jda = new Started<>("discord");
    private final Started<ShardManager> shards = new Started<>("discord shards");

    DiscordConnection(BotConfig config) {
        this.settings = config.discord();
        this.tracking = config.tracking();
        this.shardSettings = config.shards();
    }

    @Override
    public String name() {
        return "discord";
    }

    /** Whether it started (and has not failed to). */
    boolean started() {
        return jda.ifStarted().isPresent() || shards.ifStarted().isPresent();
    }

    /** The single JDA, empty when sharded. */
    @Nullable
    JDA single() {
        return jda.ifStarted().orElse(null);
    }

    @Override
    public void start() throws InterruptedException {
        String token = settings.token().orElseThrow();
        if (shardSettings.sharded()) {
            ShardManager m = connectShards(token);
            shards.set(m);
            LOG.info(
                    "Connected to Discord as {}: shards {} of {} ({} guilds)",
                    m.getShards().get(0).getSelfUser().getName(),
                    shardIds(),
                    m.getShardsTotal(),
                    m.getGuilds().size());
            return;
        }
        JDA connected = connect(token);
        jda.set(connected);
        LOG.info(
                "Connected to Discord as {} ({} guilds)",
                connected.getSelfUser().getName(),
                connected.getGuilds().size());
    }

    @Override
    public void stop() {
        List<JDA> all = new ArrayList<>();
        jda.ifStarted().ifPresent(all::add);
        shards.ifStarted().ifPresent(m -> {
            all.addAll(m.getShards());
            m.shutdown();
        });
        for (JDA j : all) {
            j.shutdown();
            try {
                if (!j.awaitShutdown(Duration.ofSeconds(5))) {
                    j.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- what the rest of the bot reads ----

    /** The bot's shard count: {@code SHARD_COUNT} (or Discord's recommendation), 1 when not sharded. */
    int shardTotal() {
        return shards.ifStarted().map(ShardManager::getShardsTotal).orElse(1);
    }

    /** This process's shards: {@code SHARD_IDS}, all of them when unset; {@code [0]} when not sharded. */
    List<Integer> shardIds() {
        return shardSettings.sharded() ? shardSettings.idsOf(shardTotal()) : List.of(0);
    }

    /** CONNECTED when every shard is; else the state of one that is not. */
    JDA.Status status() {
        JDA one = single();
        if (one != null) {
            return one.getStatus();
        }
        ShardManager m = shards.ifStarted().orElse(null);
        if (m == null) {
            return JDA.Status.SHUTDOWN;
        }
        for (JDA shard : m.getShards()) {
            if (shard.getStatus() != JDA.Status.CONNECTED) {
                return shard.getStatus();
            }
        }
        return m.getShardsQueued() > 0 ? JDA.Status.CONNECTING_TO_WEBSOCKET : JDA.Status.CONNECTED;
    }

    /** The gateway ping, averaged over the shards; -1 before the start. */
    long gatewayPingMs() {
        JDA one = single();
        if (one != null) {
            return one.getGatewayPing();
        }
        return shards.ifStarted().map(m -> (long) m.getAverageGatewayPing()).orElse(-1L);
    }

    /** The guilds of this process's shards. */
    List<Guild> guilds() {
        JDA one = single();
        if (one != null) {
            return one.getGuilds();
        }
        return shards.ifStarted().map(ShardManager::getGuilds).orElse(List.of());
    }

    @Nullable
    Guild guild(long id) {
        JDA one = single();
        if (one != null) {
            return one.getGuildById(id);
        }
        return shards.ifStarted().map(m -> m.getGuildById(id)).orElse(null);
    }

    @Nullable
    User user(long id) {
        JDA one = single();
        if (one != null) {
            return one.getUserById(id);
        }
        return shards.ifStarted().map(m -> m.getUserById(id)).orElse(null);
    }

    /** Who is in voice on this process's shards, for the tracker. */
    VoiceView voiceView() {
        JDA one = single();
        return one != null ? VoiceTrackJda.voiceView(one) : VoiceTrackJda.voiceView(shards.get());
    }

    /** Installs the adapter on the JDA or on every shard. */
    JdaInstallation install(VoiceTrackJdaBuilder builder) {
        JDA one = single();
        return one != null ? builder.install(one) : builder.install(shards.get());
    }

    // ---- connecting ----

    private EnumSet<GatewayIntent> intents() {
        EnumSet<GatewayIntent> intents = EnumSet.of(GatewayIntent.GUILD_VOICE_STATES);
        if (tracking.trackMemberUpdates()) {
            intents.add(GatewayIntent.GUILD_MEMBERS);
        }
        if (tracking.trackMessages()) {
            intents.add(GatewayIntent.GUILD_MESSAGES);
        }
        return intents;
    }

    private JDA connect(String token) throws InterruptedException {
        boolean members = tracking.trackMemberUpdates();
        JDABuilder b = JDABuilder.createLight(token, intents())
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(members ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(members ? ChunkingFilter.ALL : ChunkingFilter.NONE);
        settings.apiUrl().ifPresent(api -> b.setRestConfig(restConfig(api)));
        settings.gatewayUrl().ifPresent(gateway -> {
            b.setSessionController(sessionController(gateway));
            b.setCompression(Compression.NONE);
        });
        try {
            return b.build().awaitReady();
        } catch (InvalidTokenException e) {
            throw refusedToken(token);
        } catch (IllegalStateException e) {
            throw refused("Discord refused the connection: " + e.getMessage());
        }
    }

    /**
     * The shard manager with this process's shards, once every one of them is ready. With {@code auto}
     * JDA asks Discord ({@code GET /gateway/bot}) for the count and runs every shard.
     */
    private ShardManager connectShards(String token) throws InterruptedException {
        boolean members = tracking.trackMemberUpdates();
        DefaultShardManagerBuilder b = DefaultShardManagerBuilder.createLight(token, intents())
                .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                .setMemberCachePolicy(members ? MemberCachePolicy.ALL : MemberCachePolicy.VOICE)
                .setChunkingFilter(members ? ChunkingFilter.ALL : ChunkingFilter.NONE)
                .setShardsTotal(shardSettings.count().orElse(-1))
                .setEnableShutdownHook(false); // the bot's own hook stops everything in order
        if (!shardSettings.ids().isEmpty()) {
            b.setShards(shardSettings.ids());
        }
        settings.apiUrl().ifPresent(api -> b.setRestConfig(restConfig(api)));
        settings.gatewayUrl().ifPresent(gateway -> {
            b.setSessionController(sessionController(gateway));
            b.setCompression(Compression.NONE);
        });
        ShardManager m;
        try {
            m = b.build();
        } catch (InvalidTokenException e) {
            throw refusedToken(token);
        }
        try {
            awaitEveryShard(m);
        } catch (IllegalStateException e) {
            m.shutdown();
            throw refused("Discord refused a shard of SHARD_COUNT=" + m.getShardsTotal() + " (SHARD_IDS "
                    + shardSettings.idsOf(m.getShardsTotal()) + "): " + e.getMessage()
                    + ". Discord closes a session with 4011 when the bot needs more shards than SHARD_COUNT:"
                    + " raise it in every process (or use auto with a single process)");
        }
        return m;
    }

    /** Waits until no shard is queued and each is ready; a shard Discord closed for good throws. */
    private void awaitEveryShard(ShardManager m) throws InterruptedException {
        while (true) {
            List<JDA> built = m.getShards();
            for (JDA shard : built) {
                shard.awaitReady();
            }
            int expected = shardSettings.ids().isEmpty()
                    ? m.getShardsTotal()
                    : shardSettings.ids().size();
            // Done once every shard was built before the pass that found each ready.
            if (m.getShardsQueued() == 0 && built.size() >= expected) {
                return;
            }
            Thread.sleep(50); // the shard manager starts the next shard on its own thread
        }
    }

    private static RestConfig restConfig(String api) {
        return new RestConfig().setBaseUrl(api.endsWith("/") ? api : api + "/");
    }

    private static ConcurrentSessionController sessionController(String gateway) {
        return new ConcurrentSessionController() {
            @Override
            public String getGateway() {
                return gateway;
            }
        };
    }

    private static ConfigException refusedToken(String token) {
        return new ConfigException("DISCORD_BOT_TOKEN (" + BotConfig.maskSecret(token)
                + ") was refused by Discord; reset it in the developer portal (your application -> Bot)");
    }

    private ConfigException refused(String what) {
        return new ConfigException(what
                + (tracking.trackMemberUpdates()
                        ? ". If the Server Members intent is not enabled for the bot, enable it in the"
                                + " developer portal (Bot -> Privileged Gateway Intents) or set TRACK_MEMBER_UPDATES=false"
                        : ""));
    }
}

package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedUser;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.GatewayStats;
import dev.voicetrack.emulator.Outage;
import dev.voicetrack.emulator.RegisteredCommand;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running emulator: a Javalin (Jetty) server on 127.0.0.1 serving {@link RestApi} and the {@link Gateway}. */
public final class EmulatorServer implements DiscordEmulator {
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorServer.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final World world;
    private final RestApi rest;
    private final Javalin app;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmulatorServer(World world, RestApi rest, Javalin app, int port) {
        this.world = world;
        this.rest = rest;
        this.app = app;
        this.port = port;
    }

    /** Starts a server; arguments were validated by the builder. */
    public static DiscordEmulator start(Settings settings) {
        int port = settings.port();
        World world = new World(settings);
        RestApi rest = new RestApi(world);
        Duration idleTimeout = settings.heartbeatInterval().multipliedBy(3).plusSeconds(30);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setIdleTimeout(idleTimeout);
                factory.setMaxTextMessageSize(16L * 1024 * 1024);
            });
        });
        for (HandlerType type :
                List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE)) {
            app.addHttpHandler(type, "/api/*", rest::handle);
        }
        app.get("/attachments/{channel}/{attachment}/{filename}", rest::serveAttachment);
        app.ws("/gateway", ws -> {
            ws.onConnect(world.gateway::onConnect);
            ws.onMessage(world.gateway::onMessage);
            ws.onClose(world.gateway::onClose);
            ws.onError(ctx -> LOG.debug("Gateway socket error", ctx.error()));
        });
        try {
            app.start(LOOPBACK, port);
        } catch (RuntimeException e) {
            app.stop();
            throw new EmulatorException("could not start the Discord emulator on " + LOOPBACK + ":" + port, e);
        }
        EmulatorServer server = new EmulatorServer(world, rest, app, app.port());
        world.gateway.setGatewayUrl(server.gatewayUrl());
        world.baseUrl = "http://" + LOOPBACK + ":" + server.port + "/";
        rest.setGatewayUrl(server.gatewayUrl());
        LOG.info("Discord emulator listening: REST {} gateway {}", server.httpBaseUrl(), server.gatewayUrl());
        return server;
    }

    @Override
    public String httpBaseUrl() {
        return "http://" + LOOPBACK + ":" + port + RestApi.PREFIX;
    }

    @Override
    public String gatewayUrl() {
        return "ws://" + LOOPBACK + ":" + port + "/gateway";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String botToken() {
        return world.botToken;
    }

    @Override
    public EmulatedUser botUser() {
        return world.bot;
    }

    @Override
    public long applicationId() {
        return world.applicationId();
    }

    @Override
    public EmulatedGuild createGuild(String name) {
        World.requireName("name", name);
        return world.mutate(() -> {
            GuildImpl guild = GuildImpl.create(world, name);
            world.guilds.put(guild.id(), guild);
            world.gateway.dispatch("GUILD_CREATE", world.guildJson(guild), Intents.NONE, false);
            return guild;
        });
    }

    @Override
    public EmulatedGuild createGuild(String name, int shard) {
        World.requireName("name", name);
        int count = world.settings.shards();
        if (shard < 0 || shard >= count) {
            throw new IllegalArgumentException(
                    "shard must be in 0.." + (count - 1) + " (the emulator has " + count + " shards), was " + shard);
        }
        return world.mutate(() -> {
            GuildImpl guild = GuildImpl.create(world, world.ids.nextOnShard(shard, count), name);
            world.guilds.put(guild.id(), guild);
            world.gateway.dispatch("GUILD_CREATE", world.guildJson(guild), Intents.NONE, false);
            return guild;
        });
    }

    @Override
    public List<EmulatedGuild> guilds() {
        return world.read(() -> List.copyOf(world.guilds.values()));
    }

    @Override
    public EmulatedUser createUser(String username, boolean bot) {
        World.requireName("username", username);
        return world.mutate(() -> world.newUser(username, bot));
    }

    @Override
    public List<RegisteredCommand> registeredCommands() {
        return world.read(() ->
                world.globalCommands.stream().map(CommandRecord::toRegistered).toList());
    }

    @Override
    public RegisteredCommand awaitRegisteredCommand(String name, Duration timeout) {
        World.requireName("name", name);
        Objects.requireNonNull(timeout, "timeout");
        return world.await(
                () -> Stream.concat(
                                world.globalCommands.stream(),
                                world.guilds.values().stream().flatMap(g -> g.commands.stream()))
                        .filter(c -> c.name.equals(name))
                        .findFirst()
                        .map(CommandRecord::toRegistered)
                        .map(Optional::of)
                        .orElse(Optional.empty()),
                timeout,
                () -> "command '" + name + "' to be registered; registered: "
                        + world.globalCommands.stream().map(c -> c.name).toList());
    }

    @Override
    public void disconnect(boolean resumable) {
        world.gateway.beginOutage(resumable, false);
    }

    @Override
    public Outage beginOutage(boolean resumable) {
        world.gateway.beginOutage(resumable, true);
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                world.gateway.endOutage();
            }
        };
    }

    @Override
    public GatewayStats gatewayStats() {
        return world.gateway.stats();
    }

    @Override
    public long rateLimitedResponses() {
        return rest.rateLimitedResponses();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            world.gateway.closeAll();
            app.stop();
        }
    }
}

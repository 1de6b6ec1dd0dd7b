package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.InteractionResponse;
import dev.voicetrack.emulator.RateLimits;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP half of the emulator: the v10 routes JDA calls, on one catch-all handler with its own small router so that
 * any route the emulator lacks is logged at WARN with method, path and body and answered with a Discord-style 404.
 * Every routed response carries rate-limit headers from the {@link RateLimiter}; requests over a limit are answered
 * 429 as Discord does, and form errors 400 with an {@code errors} object ({@link InvalidFormBody}).
 */
final class RestApi {
    static final String PREFIX = "/api/v10/";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final String SNOWFLAKE = "(\\d+)";
    private static final String TOKEN = "([^/]+)";

    private final World world;
    private final List<Route> routes = new ArrayList<>();
    private final RateLimiter limiter;
    private final AtomicLong rateLimited = new AtomicLong();
    private volatile String gatewayUrl = "";

    RestApi(World world) {
        this.world = world;
        this.limiter = new RateLimiter(world.clock, world.settings.rateLimits().global());
        route("GET", "gateway", false, (ctx, m) -> json(ctx, 200, Json.object().put("url", gatewayUrl)));
        route("GET", "gateway/bot", true, (ctx, m) -> gatewayBot(ctx));
        route("GET", "users/@me", true, (ctx, m) -> json(ctx, 200, world.read(world::selfUserJson)));
        route("GET", "users/" + SNOWFLAKE, true, (ctx, m) -> getUser(ctx, id(m, 1)));
        route("POST", "users/@me/channels", true, (ctx, m) -> openDm(ctx));
        route("GET", "oauth2/applications/@me", true, (ctx, m) -> json(ctx, 200, applicationJson()));
        route("GET", "applications/@me", true, (ctx, m) -> json(ctx, 200, applicationJson()));

        String global = "applications/" + SNOWFLAKE + "/commands";
        String guild = "applications/" + SNOWFLAKE + "/guilds/" + SNOWFLAKE + "/commands";
        route("GET", global, true, (ctx, m) -> listCommands(ctx, id(m, 1), 0));
        route("PUT", global, true, (ctx, m) -> replaceCommands(ctx, id(m, 1), 0));
        route("POST", global, true, (ctx, m) -> upsertCommand(ctx, id(m, 1), 0));
        route("DELETE", global + "/" + SNOWFLAKE, true, (ctx, m) -> deleteCommand(ctx, id(m, 1), 0, id(m, 2)));
        route("GET", guild, true, (ctx, m) -> listCommands(ctx, id(m, 1), id(m, 2)));
        route("PUT", guild, true, (ctx, m) -> replaceCommands(ctx, id(m, 1), id(m, 2)));
        route("POST", guild, true, (ctx, m) -> upsertCommand(ctx, id(m, 1), id(m, 2)));
        route("DELETE", guild + "/" + SNOWFLAKE, true, (ctx, m) -> deleteCommand(ctx, id(m, 1), id(m, 2), id(m, 3)));

        route("POST", "interactions/" + SNOWFLAKE + "/" + TOKEN + "/callback", false, (ctx, m) -> callback(ctx, m));
        route("GET", "guilds/" + SNOWFLAKE, true, (ctx, m) -> getGuild(ctx, id(m, 1)));
        route("GET", "guilds/" + SNOWFLAKE + "/roles", true, (ctx, m) -> getRoles(ctx, id(m, 1)));
        route("GET", "guilds/" + SNOWFLAKE + "/members", true, (ctx, m) -> listMembers(ctx, id(m, 1)));
        route("GET", "channels/" + SNOWFLAKE, true, (ctx, m) -> getChannel(ctx, id(m, 1)));
        String webhook = "webhooks/" + SNOWFLAKE + "/" + TOKEN;
        route("POST", webhook, false, (ctx, m) -> followUp(ctx, m));
        route("GET", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "GET", -1));
        route("PATCH", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "PATCH", -1));
        route("DELETE", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "DELETE", -1));
        route("GET", webhook + "/messages/" + SNOWFLAKE, false, (ctx, m) -> webhookMessage(ctx, m, "GET", 3));
        route("PATCH", webhook + "/messages/" + SNOWFLAKE, false, (ctx, m) -> webhookMessage(ctx, m, "PATCH", 3));
        route("DELETE", webhook + "/messages/" + SNOWFLAKE, false, (ctx, m) -> webhookMessage(ctx, m, "DELETE", 3));

        String channel = "channels/" + SNOWFLAKE;
        route("POST", channel + "/messages", true, (ctx, m) -> createMessage(ctx, id(m, 1)));
        route("GET", channel + "/messages/" + SNOWFLAKE, true, (ctx, m) -> channelMessage(ctx, m, "GET"));
        route("PATCH", channel + "/messages/" + SNOWFLAKE, true, (ctx, m) -> channelMessage(ctx, m, "PATCH"));
        route("DELETE", channel + "/messages/" + SNOWFLAKE, true, (ctx, m) -> channelMessage(ctx, m, "DELETE"));
        route("POST", channel + "/typing", true, (ctx, m) -> ctx.status(204));

        String member = "guilds/" + SNOWFLAKE + "/members/" + SNOWFLAKE;
        route("GET", member, true, (ctx, m) -> getMember(ctx, id(m, 1), id(m, 2)));
        route("PUT", member + "/roles/" + SNOWFLAKE, true, (ctx, m) -> memberRole(ctx, m, true));
        route("DELETE", member + "/roles/" + SNOWFLAKE, true, (ctx, m) -> memberRole(ctx, m, false));
    }

    void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    long rateLimitedResponses() {
        return rateLimited.get();
    }

    // ---------------------------------------------------------------- routing

    @FunctionalInterface
    private interface RouteHandler {
        void handle(Context ctx, Matcher match);
    }

    /** Which limit a route is bound by. */
    private enum Kind {
        INTERACTION,
        MESSAGE_POST,
        ROLE_CHANGE,
        OTHER
    }

    private record Route(
            String method, Pattern pattern, boolean authenticated, RouteHandler handler, String bucket, Kind kind) {

        /** The bucket key: the route's bucket plus its major parameters (channel, guild, webhook, interaction). */
        String key(Matcher match) {
            String path = match.group(0);
            if (kind == Kind.INTERACTION) {
                return bucket + ":" + match.group(1) + "/" + match.group(2);
            }
            Matcher major = MAJOR.matcher(path);
            return major.lookingAt() ? bucket + ":" + major.group() : bucket;
        }
    }

    private static final Pattern MAJOR = Pattern.compile("(channels|guilds)/\\d+");

    private void route(String method, String template, boolean authenticated, RouteHandler handler) {
        String bucket = Integer.toHexString((method + " " + template).hashCode());
        Kind kind;
        if (template.startsWith("interactions/") || template.startsWith("webhooks/")) {
            kind = Kind.INTERACTION;
        } else if (method.equals("POST") && template.equals("channels/" + SNOWFLAKE + "/messages")) {
            kind = Kind.MESSAGE_POST;
        } else if (template.contains("/roles/")) {
            kind = Kind.ROLE_CHANGE;
        } else {
            kind = Kind.OTHER;
        }
        routes.add(new Route(method, Pattern.compile(template), authenticated, handler, bucket, kind));
    }

    private RateLimits.Limit limitOf(Kind kind) {
        RateLimits limits = world.settings.rateLimits();
        return switch (kind) {
            case MESSAGE_POST -> limits.messagePosts();
            case ROLE_CHANGE -> limits.roleChanges();
            case INTERACTION, OTHER -> limits.otherRoutes();
        };
    }

    void handle(Context ctx) {
        String method = ctx.method().name();
        // JDA percent-encodes route segments such as "@original"
        String path = URLDecoder.decode(ctx.path().replace("+", "%2B"), StandardCharsets.UTF_8);
        if (path.startsWith(PREFIX)) {
            String routePath = path.substring(PREFIX.length());
            for (Route route : routes) {
                if (!route.method.equals(method)) {
                    continue;
                }
                Matcher match = route.pattern.matcher(routePath);
                if (!match.matches()) {
                    continue;
                }
                if (route.authenticated && !("Bot " + world.botToken).equals(ctx.header("Authorization"))) {
                    error(ctx, 401, 0, "401: Unauthorized");
                    return;
                }
                RateLimiter.Outcome outcome = limiter.acquire(
                        route.key(match), limitOf(route.kind), route.authenticated && route.kind != Kind.INTERACTION);
                if (outcome.refused()) {
                    rateLimited.incrementAndGet();
                    rateLimited(ctx, route.bucket, outcome);
                    return;
                }
                rateLimitHeaders(ctx, route.bucket, outcome);
                try {
                    route.handler.handle(ctx, match);
                } catch (MalformedJson e) {
                    LOG.warn("Malformed JSON in {} {}: {}", method, path, e.getMessage());
                    error(ctx, 400, 50109, "The request body contains invalid JSON.");
                } catch (InvalidFormBody e) {
                    LOG.warn("Invalid form body in {} {}: {}", method, path, e.errors);
                    ObjectNode body = Json.object().put("code", 50035);
                    body.set("errors", e.errors);
                    body.put("message", "Invalid Form Body");
                    json(ctx, 400, body);
                } catch (IllegalArgumentException e) {
                    LOG.warn("Bad request {} {}: {}", method, path, e.getMessage());
                    error(ctx, 400, 50035, "Invalid Form Body: " + e.getMessage());
                }
                return;
            }
        }
        LOG.warn(
                "Discord emulator has no route for {} {} (body: {}); answering 404. Add it to {} if the bot needs it.",
                method,
                path,
                abbreviate(ctx.body()),
                RestApi.class.getName());
        error(ctx, 404, 0, "404: Not Found (emulator has no route for " + method + " " + path + ")");
    }

    private static void rateLimitHeaders(Context ctx, String bucket, RateLimiter.Outcome outcome) {
        ctx.header("X-RateLimit-Bucket", bucket);
        ctx.header("X-RateLimit-Limit", Integer.toString(outcome.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(outcome.remaining()));
        ctx.header("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", outcome.resetAtMillis() / 1000.0));
        ctx.header("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", outcome.resetAfterSeconds()));
    }

    /** A 429 as Discord sends it: {@code Retry-After} in whole seconds, {@code retry_after} as a float. */
    private static void rateLimited(Context ctx, String bucket, RateLimiter.Outcome outcome) {
        double retryAfter = outcome.resetAfterSeconds();
        if (outcome.globalRefusal()) {
            ctx.header("X-RateLimit-Global", "true");
            ctx.header("X-RateLimit-Scope", "global");
        } else {
            rateLimitHeaders(ctx, bucket, outcome);
            ctx.header("X-RateLimit-Scope", "user");
        }
        ctx.header("Retry-After", Long.toString((long) Math.ceil(retryAfter)));
        LOG.debug(
                "429 for {} {} (global {}), retry after {} s",
                ctx.method(),
                ctx.path(),
                outcome.globalRefusal(),
                retryAfter);
        json(
                ctx,
                429,
                Json.object()
                        .put("message", "You are being rate limited.")
                        .put("retry_after", retryAfter)
                        .put("global", outcome.globalRefusal()));
    }

    /** The body is not JSON: Discord answers 400 with code 50109. */
    private static final class MalformedJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedJson(String message) {
            super(message);
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }

    private static long id(Matcher match, int group) {
        return Long.parseUnsignedLong(match.group(group));
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    private static void error(Context ctx, int status, int code, String message) {
        json(ctx, status, Json.object().put("message", message).put("code", code));
    }

    /** The JSON body, or the {@code payload_json} part of a multipart body. */
    private static JsonNode body(Context ctx) {
        String contentType = ctx.contentType();
        String text =
                contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")
                        ? ctx.formParam("payload_json")
                        : ctx.body();
        if (text == null || text.isBlank()) {
            return Json.object();
        }
        try {
            return Json.read(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedJson(e.getMessage());
        }
    }

    // ---------------------------------------------------------------- gateway, users, application

    private void gatewayBot(Context ctx) {
        ObjectNode body = Json.object().put("url", gatewayUrl).put("shards", 1);
        body.putObject("session_start_limit")
                .put("total", 1000)
                .put("remaining", 1000)
                .put("reset_after", 0)
                .put("max_concurrency", 1);
        json(ctx, 200, body);
    }

    private void getUser(Context ctx, long userId) {
        ObjectNode user = world.read(() -> {
            UserImpl found = world.users.get(userId);
            return found == null ? null : world.userJson(found);
        });
        if (user == null) {
            error(ctx, 404, 10013, "Unknown User");
        } else {
            json(ctx, 200, user);
        }
    }

    private ObjectNode applicationJson() {
        return world.read(() -> {
            ObjectNode app = Json.object()
                    .put("id", Long.toUnsignedString(world.applicationId()))
                    .put("name", world.bot.username())
                    .put("description", "")
                    .put("summary", "")
                    .put("bot_public", true)
                    .put("bot_require_code_grant", false)
                    .put("verify_key", "")
                    .put("flags", 0);
            app.putNull("icon");
            app.putNull("team");
            app.set("owner", world.userJson(world.bot));
            app.set("bot", world.userJson(world.bot));
            return app;
        });
    }

    private void openDm(Context ctx) {
        long recipient = Json.snowflake(body(ctx).path("recipient_id"));
        ObjectNode channel = world.mutate(() -> {
            UserImpl user = world.users.get(recipient);
            return user == null || user == world.bot ? null : world.channelJson(world.dmChannel(user));
        });
        if (channel == null) {
            error(ctx, 400, 50007, "Cannot send messages to this user");
        } else {
            json(ctx, 200, channel);
        }
    }

    // ---------------------------------------------------------------- commands

    private boolean wrongApplication(Context ctx, long applicationId) {
        if (applicationId != world.applicationId()) {
            error(ctx, 404, 10002, "Unknown Application");
            return true;
        }
        return false;
    }

    private @Nullable List<CommandRecord> commandList(long guildId) {
        if (guildId == 0) {
            return world.globalCommands;
        }
        GuildImpl guild = world.guilds.get(guildId);
        return guild == null ? null : guild.commands;
    }

    private void listCommands(Context ctx, long applicationId, long guildId) {
        if (wrongApplication(ctx, applicationId)) {
            return;
        }
        ArrayNode result = world.read(() -> {
            List<CommandRecord> list = commandList(guildId);
            if (list == null) {
                return null;
            }
            ArrayNode array = Json.array();
            list.forEach(c -> array.add(c.json));
            return array;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 200, result);
        }
    }

    private void replaceCommands(Context ctx, long applicationId, long guildId) {
        if (wrongApplication(ctx, applicationId)) {
            return;
        }
        JsonNode body = body(ctx);
        if (!body.isArray()) {
            throw new IllegalArgumentException("expected an array of commands, was " + body.getNodeType());
        }
        InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
        for (int i = 0; i < body.size(); i++) {
            InvalidFormBody.checkCommand(body.get(i), List.of(Integer.toString(i)), errors);
        }
        errors.throwIfAny();
        ArrayNode result = world.mutate(() -> {
            List<CommandRecord> list = commandList(guildId);
            if (list == null) {
                return null;
            }
            List<CommandRecord> replacement = new ArrayList<>();
            for (JsonNode command : body) {
                replacement.add(new CommandRecord(
                        existingId(list, command).orElseGet(world.ids::next), world.applicationId(), guildId, command));
            }
            list.clear();
            list.addAll(replacement);
            ArrayNode array = Json.array();
            replacement.forEach(c -> array.add(c.json));
            LOG.debug("Registered {} commands (guild {}): {}", replacement.size(), guildId, array);
            return array;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 200, result);
        }
    }

    private static java.util.Optional<Long> existingId(List<CommandRecord> list, JsonNode command) {
        String name = command.path("name").asText();
        int type = command.path("type").asInt(1);
        return list.stream()
                .filter(c -> c.name.equals(name) && c.type == type)
                .map(c -> c.id)
                .findFirst();
    }

    private void upsertCommand(Context ctx, long applicationId, long guildId) {
        if (wrongApplication(ctx, applicationId)) {
            return;
        }
        JsonNode body = body(ctx);
        InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
        InvalidFormBody.checkCommand(body, List.of(), errors);
        errors.throwIfAny();
        ObjectNode result = world.mutate(() -> {
            List<CommandRecord> list = commandList(guildId);
            if (list == null) {
                return null;
            }
            java.util.Optional<Long> existing = existingId(list, body);
            CommandRecord record =
                    new CommandRecord(existing.orElseGet(world.ids::next), world.applicationId(), guildId, body);
            list.removeIf(c -> c.id == record.id);
            list.add(record);
            return record.json;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 201, result);
        }
    }

    private void deleteCommand(Context ctx, long applicationId, long guildId, long commandId) {
        if (wrongApplication(ctx, applicationId)) {
            return;
        }
        boolean removed = world.mutate(() -> {
            List<CommandRecord> list = commandList(guildId);
            return list != null && list.removeIf(c -> c.id == commandId);
        });
        if (removed) {
            ctx.status(204);
        } else {
            error(ctx, 404, 10063, "Unknown application command");
        }
    }

    // ---------------------------------------------------------------- interactions

    private void callback(Context ctx, Matcher match) {
        long interactionId = id(match, 1);
        String token = match.group(2);
        JsonNode body = body(ctx);
        int type = body.path("type").asInt(-1);
        JsonNode data = body.path("data");
        if (type == 4 || type == 7) {
            InvalidFormBody.checkMessage(data, List.of("data"));
        }
        boolean withResponse = "true".equalsIgnoreCase(ctx.queryParam("with_response"));
        ObjectNode result = world.mutate(() -> {
            InteractionImpl interaction = world.interactions.get(interactionId);
            if (interaction == null || !interaction.token().equals(token) || interaction.ackExpired()) {
                return Json.object().put("error", 10062);
            }
            if (interaction.acknowledged) {
                return Json.object().put("error", 40060);
            }
            StoredMessage message = null;
            switch (type) {
                case 4 -> {
                    message = newBotMessage(interaction.channel, interaction);
                    message.type = interaction.type == InteractionImpl.TYPE_COMMAND ? 20 : 0;
                    World.applyMessageBody(message, data, false);
                    interaction.original = message;
                    if (message.visibleInChannel()) {
                        world.dispatchMessageCreate(message);
                    }
                }
                case 5 -> {
                    StoredMessage placeholder = newBotMessage(interaction.channel, interaction);
                    placeholder.type = 20;
                    placeholder.flags = data.path("flags").asInt(0);
                    placeholder.placeholder = true;
                    interaction.original = placeholder;
                }
                case 6 -> interaction.original = interaction.componentMessage;
                case 7 -> {
                    message = interaction.componentMessage;
                    if (message == null) {
                        return Json.object().put("error", 40043);
                    }
                    World.applyMessageBody(message, data, true);
                    message.editedTimestamp = world.now();
                    interaction.original = message;
                    dispatchMessageUpdate(message);
                }
                case 8, 9, 10, 12 -> {
                    // autocomplete results, modals and the like: recorded only
                }
                default -> {
                    return Json.object().put("error", 50035);
                }
            }
            interaction.acknowledged = true;
            interaction.responses.add(World.response(
                    InteractionResponse.Kind.CALLBACK, type, message == null ? null : world.record(message)));
            ObjectNode response = Json.object();
            response.putObject("interaction")
                    .put("id", Long.toUnsignedString(interactionId))
                    .put("type", interaction.type);
            ObjectNode resource = response.putObject("resource").put("type", type);
            if (message != null) {
                resource.set("message", world.messageJson(message));
            }
            return response;
        });
        int errorCode = result.path("error").asInt(0);
        switch (errorCode) {
            case 0 -> {
                if (withResponse) {
                    json(ctx, 200, result);
                } else {
                    ctx.status(204);
                }
            }
            case 10062 -> error(ctx, 404, 10062, "Unknown interaction");
            case 40060 -> error(ctx, 400, 40060, "Interaction has already been acknowledged.");
            case 40043 -> error(ctx, 400, 40043, "Interaction has no message to update");
            default -> error(ctx, 400, 50035, "Invalid interaction callback type " + type);
        }
    }

    private StoredMessage newBotMessage(ChannelImpl channel, @Nullable InteractionImpl interaction) {
        StoredMessage message = world.newMessage(
                channel, world.bot, interaction == null && channel.guild != null ? channel.guild.botMember : null);
        message.interaction = interaction;
        return message;
    }

    private void dispatchMessageUpdate(StoredMessage message) {
        if (message.visibleInChannel()) {
            world.gateway.dispatch("MESSAGE_UPDATE", world.messageJson(message), messageIntent(message), false);
        }
    }

    private static int messageIntent(StoredMessage message) {
        return message.channel.guild == null ? Intents.DIRECT_MESSAGES : Intents.GUILD_MESSAGES;
    }

    private @Nullable InteractionImpl interactionByToken(long applicationId, String token) {
        if (applicationId != world.applicationId()) {
            return null;
        }
        for (InteractionImpl interaction : world.interactions.values()) {
            if (interaction.token().equals(token)) {
                return interaction;
            }
        }
        return null;
    }

    private void followUp(Context ctx, Matcher match) {
        long applicationId = id(match, 1);
        String token = match.group(2);
        JsonNode body = body(ctx);
        InvalidFormBody.checkMessage(body, List.of());
        Object result = world.mutate(() -> {
            InteractionImpl interaction = interactionByToken(applicationId, token);
            if (interaction != null && interaction.tokenExpired()) {
                return "expired";
            }
            if (interaction == null || !interaction.acknowledged) {
                return null;
            }
            StoredMessage message = newBotMessage(interaction.channel, interaction);
            World.applyMessageBody(message, body, false);
            if (message.visibleInChannel()) {
                world.dispatchMessageCreate(message);
            }
            interaction.responses.add(World.response(InteractionResponse.Kind.FOLLOW_UP, 0, world.record(message)));
            return world.messageJson(message);
        });
        if (result instanceof JsonNode node) {
            json(ctx, 200, node);
        } else if ("expired".equals(result)) {
            invalidWebhookToken(ctx);
        } else {
            error(ctx, 404, 10015, "Unknown Webhook");
        }
    }

    private static void invalidWebhookToken(Context ctx) {
        error(ctx, 401, 50027, "Invalid Webhook Token");
    }

    private void webhookMessage(Context ctx, Matcher match, String method, int messageGroup) {
        long applicationId = id(match, 1);
        String token = match.group(2);
        JsonNode body = method.equals("PATCH") ? body(ctx) : Json.object();
        InvalidFormBody.checkMessage(body, List.of());
        Object result = world.mutate(() -> {
            InteractionImpl interaction = interactionByToken(applicationId, token);
            if (interaction == null) {
                return "webhook";
            }
            if (interaction.tokenExpired()) {
                return "expired";
            }
            StoredMessage message;
            if (messageGroup < 0) {
                message = interaction.original;
            } else {
                StoredMessage candidate = world.messages.get(id(match, messageGroup));
                message = candidate != null && candidate.interaction == interaction ? candidate : null;
            }
            if (message == null || !world.messages.containsKey(message.id)) {
                return "message";
            }
            boolean original = message == interaction.original;
            switch (method) {
                case "GET" -> {
                    return world.messageJson(message);
                }
                case "PATCH" -> {
                    boolean wasPlaceholder = message.placeholder;
                    World.applyMessageBody(message, body, true);
                    message.placeholder = false;
                    if (!wasPlaceholder) {
                        message.editedTimestamp = world.now();
                        dispatchMessageUpdate(message);
                    } else if (message.visibleInChannel()) {
                        world.dispatchMessageCreate(message);
                    }
                    interaction.responses.add(World.response(
                            original ? InteractionResponse.Kind.EDIT_ORIGINAL : InteractionResponse.Kind.EDIT_FOLLOW_UP,
                            0,
                            world.record(message)));
                    return world.messageJson(message);
                }
                default -> {
                    world.messages.remove(message.id);
                    dispatchMessageDelete(message);
                    if (original) {
                        interaction.responses.add(World.response(InteractionResponse.Kind.DELETE_ORIGINAL, 0, null));
                    }
                    return "deleted";
                }
            }
        });
        if (result instanceof JsonNode node) {
            json(ctx, 200, node);
        } else if ("deleted".equals(result)) {
            ctx.status(204);
        } else if ("webhook".equals(result)) {
            error(ctx, 404, 10015, "Unknown Webhook");
        } else if ("expired".equals(result)) {
            invalidWebhookToken(ctx);
        } else {
            error(ctx, 404, 10008, "Unknown Message");
        }
    }

    private void dispatchMessageDelete(StoredMessage message) {
        if (!message.visibleInChannel()) {
            return;
        }
        ObjectNode data = Json.object()
                .put("id", Long.toUnsignedString(message.id))
                .put("channel_id", Long.toUnsignedString(message.channel.id()));
        if (message.channel.guild != null) {
            data.put("guild_id", Long.toUnsignedString(message.channel.guild.id()));
        }
        world.gateway.dispatch("MESSAGE_DELETE", data, messageIntent(message), false);
    }

    // ---------------------------------------------------------------- channel messages

    private void createMessage(Context ctx, long channelId) {
        JsonNode body = body(ctx);
        boolean empty = body.path("content").asText("").isEmpty()
                && body.path("embeds").isEmpty()
                && body.path("components").isEmpty()
                && body.path("sticker_ids").isEmpty()
                && body.path("attachments").isEmpty();
        if (empty) {
            error(ctx, 400, 50006, "Cannot send an empty message");
            return;
        }
        InvalidFormBody.checkMessage(body, List.of());
        ObjectNode result = world.mutate(() -> {
            ChannelImpl channel = world.channels.get(channelId);
            if (channel == null) {
                return null;
            }
            StoredMessage message = newBotMessage(channel, null);
            World.applyMessageBody(message, body, false);
            world.dispatchMessageCreate(message);
            return world.messageJson(message);
        });
        if (result == null) {
            error(ctx, 404, 10003, "Unknown Channel");
        } else {
            json(ctx, 200, result);
        }
    }

    private void channelMessage(Context ctx, Matcher match, String method) {
        long channelId = id(match, 1);
        long messageId = id(match, 2);
        JsonNode body = method.equals("PATCH") ? body(ctx) : Json.object();
        InvalidFormBody.checkMessage(body, List.of());
        Object result = world.mutate(() -> {
            StoredMessage message = world.messages.get(messageId);
            if (message == null || message.channel.id() != channelId || message.placeholder) {
                return null;
            }
            switch (method) {
                case "GET" -> {
                    return world.messageJson(message);
                }
                case "PATCH" -> {
                    if (message.author != world.bot) {
                        return "forbidden";
                    }
                    World.applyMessageBody(message, body, true);
                    message.editedTimestamp = world.now();
                    dispatchMessageUpdate(message);
                    return world.messageJson(message);
                }
                default -> {
                    world.messages.remove(message.id);
                    dispatchMessageDelete(message);
                    return "deleted";
                }
            }
        });
        if (result instanceof JsonNode node) {
            json(ctx, 200, node);
        } else if ("deleted".equals(result)) {
            ctx.status(204);
        } else if ("forbidden".equals(result)) {
            error(ctx, 403, 50005, "Cannot edit a message authored by another user");
        } else {
            error(ctx, 404, 10008, "Unknown Message");
        }
    }

    // ---------------------------------------------------------------- members

    private void getMember(Context ctx, long guildId, long userId) {
        ObjectNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            MemberImpl member = guild == null ? null : guild.members.get(userId);
            return member == null ? null : world.memberJson(member, true);
        });
        if (result == null) {
            error(ctx, 404, 10007, "Unknown Member");
        } else {
            json(ctx, 200, result);
        }
    }

    private void memberRole(Context ctx, Matcher match, boolean add) {
        long guildId = id(match, 1);
        long userId = id(match, 2);
        long roleId = id(match, 3);
        String outcome = world.mutate(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            MemberImpl member = guild == null ? null : guild.members.get(userId);
            if (member == null) {
                return "member";
            }
            RoleImpl role = guild.roles.stream()
                    .filter(r -> r.id() == roleId && r != guild.everyone)
                    .findFirst()
                    .orElse(null);
            if (role == null) {
                return "role";
            }
            if (!guild.botMayAssign(role)) {
                return "permissions";
            }
            boolean changed = add ? member.roles.add(role) : member.roles.remove(role);
            if (changed) {
                member.dispatchMemberUpdate();
            }
            return "ok";
        });
        switch (outcome) {
            case "ok" -> ctx.status(204);
            case "role" -> error(ctx, 404, 10011, "Unknown Role");
            case "permissions" -> error(ctx, 403, 50013, "Missing Permissions");
            default -> error(ctx, 404, 10007, "Unknown Member");
        }
    }

    // ---------------------------------------------------------------- guilds and channels

    private void getGuild(Context ctx, long guildId) {
        boolean withCounts = "true".equalsIgnoreCase(ctx.queryParam("with_counts"));
        ObjectNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            // the REST guild object lacks the GUILD_CREATE-only fields
            ObjectNode json = world.guildJson(guild);
            json.remove(List.of(
                    "channels",
                    "members",
                    "voice_states",
                    "threads",
                    "presences",
                    "guild_scheduled_events",
                    "stage_instances",
                    "joined_at",
                    "large",
                    "member_count",
                    "unavailable"));
            if (withCounts) {
                json.put("approximate_member_count", guild.members.size());
                json.put("approximate_presence_count", 0);
            }
            return json;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 200, result);
        }
    }

    private void getRoles(Context ctx, long guildId) {
        ArrayNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            ArrayNode roles = Json.array();
            guild.roles.forEach(role -> roles.add(world.roleJson(role)));
            return roles;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 200, result);
        }
    }

    /** {@code GET guilds/{id}/members?limit=&after=}: members by ascending user id; needs the GUILD_MEMBERS intent. */
    private void listMembers(Context ctx, long guildId) {
        int limit = queryInt(ctx, "limit", 1, 1, 1000);
        long after = ctx.queryParam("after") == null ? 0 : Long.parseUnsignedLong(ctx.queryParam("after"));
        if (!world.settings.privilegedIntentsAllowed()) {
            error(ctx, 403, 50001, "Missing Access");
            return;
        }
        ArrayNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            ArrayNode members = Json.array();
            guild.members.values().stream()
                    .filter(m -> Long.compareUnsigned(m.user.id(), after) > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.user.id(), b.user.id()))
                    .limit(limit)
                    .forEach(m -> members.add(world.memberJson(m, true)));
            return members;
        });
        if (result == null) {
            error(ctx, 404, 10004, "Unknown Guild");
        } else {
            json(ctx, 200, result);
        }
    }

    private static int queryInt(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
        int value = fallback;
        try {
            value = Integer.parseInt(text);
            if (value < min) {
                errors.add(
                        List.of(name), "NUMBER_TYPE_MIN", "int value should be greater than or equal to " + min + ".");
            } else if (value > max) {
                errors.add(List.of(name), "NUMBER_TYPE_MAX", "int value should be less than or equal to " + max + ".");
            }
        } catch (NumberFormatException e) {
            errors.add(List.of(name), "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not int.");
        }
        errors.throwIfAny();
        return value;
    }

    private void getChannel(Context ctx, long channelId) {
        ObjectNode result = world.read(() -> {
            ChannelImpl channel = world.channels.get(channelId);
            return channel == null ? null : world.channelJson(channel);
        });
        if (result == null) {
            error(ctx, 404, 10003, "Unknown Channel");
        } else {
            json(ctx, 200, result);
        }
    }
}

package dev.voicetrack.emulator.internal;

import static dev.voicetrack.emulator.internal.Http.body;
import static dev.voicetrack.emulator.internal.Http.error;
import static dev.voicetrack.emulator.internal.Http.id;
import static dev.voicetrack.emulator.internal.Http.json;
import static dev.voicetrack.emulator.internal.Http.jsonOrUnknown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes for the gateway URL, users, the application and its global and guild commands. */
final class ApplicationRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationRoutes.class);

    private final World world;

    ApplicationRoutes(World world) {
        this.world = world;
    }

    void register(RestApi api) {
        api.route(
                "GET",
                "gateway",
                false,
                (ctx, m) -> json(ctx, 200, Json.object().put("url", api.gatewayUrl())));
        api.route("GET", "gateway/bot", true, (ctx, m) -> gatewayBot(ctx, api.gatewayUrl()));
        api.route("GET", "users/@me", true, (ctx, m) -> json(ctx, 200, world.read(world::selfUserJson)));
        api.route("GET", "users/" + RestApi.SNOWFLAKE, true, (ctx, m) -> getUser(ctx, id(m, 1)));
        api.route("POST", "users/@me/channels", true, (ctx, m) -> openDm(ctx));
        api.route("GET", "oauth2/applications/@me", true, (ctx, m) -> json(ctx, 200, applicationJson()));
        api.route("GET", "applications/@me", true, (ctx, m) -> json(ctx, 200, applicationJson()));
        String global = "applications/" + RestApi.SNOWFLAKE + "/commands";
        String guild = "applications/" + RestApi.SNOWFLAKE + "/guilds/" + RestApi.SNOWFLAKE + "/commands";
        api.route("GET", global, true, (ctx, m) -> listCommands(ctx, id(m, 1), 0));
        api.route("PUT", global, true, (ctx, m) -> replaceCommands(ctx, id(m, 1), 0));
        api.route("POST", global, true, (ctx, m) -> upsertCommand(ctx, id(m, 1), 0));
        api.route(
                "DELETE",
                global + "/" + RestApi.SNOWFLAKE,
                true,
                (ctx, m) -> deleteCommand(ctx, id(m, 1), 0, id(m, 2)));
        api.route("GET", guild, true, (ctx, m) -> listCommands(ctx, id(m, 1), id(m, 2)));
        api.route("PUT", guild, true, (ctx, m) -> replaceCommands(ctx, id(m, 1), id(m, 2)));
        api.route("POST", guild, true, (ctx, m) -> upsertCommand(ctx, id(m, 1), id(m, 2)));
        api.route(
                "DELETE",
                guild + "/" + RestApi.SNOWFLAKE,
                true,
                (ctx, m) -> deleteCommand(ctx, id(m, 1), id(m, 2), id(m, 3)));
    }

    private void gatewayBot(Context ctx, String gatewayUrl) {
        ObjectNode body = Json.object().put("url", gatewayUrl).put("shards", world.settings.shards());
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
        jsonOrUnknown(ctx, 200, user, 10013, "Unknown User");
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
        jsonOrUnknown(ctx, 200, result, 10004, "Unknown Guild");
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
        jsonOrUnknown(ctx, 200, result, 10004, "Unknown Guild");
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
        jsonOrUnknown(ctx, 201, result, 10004, "Unknown Guild");
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
}

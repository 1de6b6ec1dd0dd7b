package dev.voicetrack.emulator.internal;

import static dev.voicetrack.emulator.internal.Http.body;
import static dev.voicetrack.emulator.internal.Http.error;
import static dev.voicetrack.emulator.internal.Http.id;
import static dev.voicetrack.emulator.internal.Http.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.InteractionResponse;
import io.javalin.http.Context;
import java.util.List;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/** Routes of interaction callbacks and the interaction webhook: follow-ups and {@code @original}. */
final class InteractionRoutes {
    private final World world;
    private final Messages messages;

    InteractionRoutes(World world) {
        this.world = world;
        this.messages = new Messages(world);
    }

    void register(RestApi api) {
        api.route(
                "POST",
                "interactions/" + RestApi.SNOWFLAKE + "/" + RestApi.TOKEN + "/callback",
                false,
                (ctx, m) -> callback(ctx, m));
        String webhook = "webhooks/" + RestApi.SNOWFLAKE + "/" + RestApi.TOKEN;
        api.route("POST", webhook, false, (ctx, m) -> followUp(ctx, m));
        api.route("GET", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "GET", -1));
        api.route("PATCH", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "PATCH", -1));
        api.route("DELETE", webhook + "/messages/@original", false, (ctx, m) -> webhookMessage(ctx, m, "DELETE", -1));
        api.route(
                "GET", webhook + "/messages/" + RestApi.SNOWFLAKE, false, (ctx, m) -> webhookMessage(ctx, m, "GET", 3));
        api.route(
                "PATCH",
                webhook + "/messages/" + RestApi.SNOWFLAKE,
                false,
                (ctx, m) -> webhookMessage(ctx, m, "PATCH", 3));
        api.route(
                "DELETE",
                webhook + "/messages/" + RestApi.SNOWFLAKE,
                false,
                (ctx, m) -> webhookMessage(ctx, m, "DELETE", 3));
    }

    private void callback(Context ctx, Matcher match) {
        long interactionId = id(match, 1);
        String token = match.group(2);
        JsonNode body = body(ctx);
        List<Http.Upload> uploads = Http.uploads(ctx);
        int type = body.path("type").asInt(-1);
        JsonNode data = body.path("data");
        if (type == 4 || type == 7) {
            InvalidFormBody.checkMessage(data, List.of("data"));
            MessageParts.checkAllowedMentions(data);
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
                    message = messages.newBotMessage(interaction.channel, interaction);
                    message.type = interaction.type == InteractionImpl.TYPE_COMMAND ? 20 : 0;
                    messages.apply(message, data, false, uploads);
                    interaction.original = message;
                    if (message.visibleInChannel()) {
                        world.dispatchMessageCreate(message);
                    }
                }
                case 5 -> {
                    StoredMessage placeholder = messages.newBotMessage(interaction.channel, interaction);
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
                    messages.apply(message, data, true, uploads);
                    message.editedTimestamp = world.now();
                    interaction.original = message;
                    messages.dispatchMessageUpdate(message);
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
        List<Http.Upload> uploads = Http.uploads(ctx);
        InvalidFormBody.checkMessage(body, List.of());
        MessageParts.checkAllowedMentions(body);
        Object result = world.mutate(() -> {
            InteractionImpl interaction = interactionByToken(applicationId, token);
            if (interaction != null && interaction.tokenExpired()) {
                return "expired";
            }
            if (interaction == null || !interaction.acknowledged) {
                return null;
            }
            StoredMessage message = messages.newBotMessage(interaction.channel, interaction);
            messages.apply(message, body, false, uploads);
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
        List<Http.Upload> uploads = Http.uploads(ctx);
        InvalidFormBody.checkMessage(body, List.of());
        MessageParts.checkAllowedMentions(body);
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
                    messages.apply(message, body, true, uploads);
                    message.placeholder = false;
                    if (!wasPlaceholder) {
                        message.editedTimestamp = world.now();
                        messages.dispatchMessageUpdate(message);
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
                    messages.dispatchMessageDelete(message);
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
}

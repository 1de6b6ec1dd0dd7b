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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/** Routes of channels and their messages. */
final class ChannelRoutes {
    private final World world;
    private final Messages messages;

    ChannelRoutes(World world) {
        this.world = world;
        this.messages = new Messages(world);
    }

    void register(RestApi api) {
        api.route("GET", "channels/" + RestApi.SNOWFLAKE, true, (ctx, m) -> getChannel(ctx, id(m, 1)));
        String channel = "channels/" + RestApi.SNOWFLAKE;
        api.route("POST", channel + "/messages", true, (ctx, m) -> createMessage(ctx, id(m, 1)));
        api.route("GET", channel + "/messages/" + RestApi.SNOWFLAKE, true, (ctx, m) -> channelMessage(ctx, m, "GET"));
        api.route(
                "PATCH", channel + "/messages/" + RestApi.SNOWFLAKE, true, (ctx, m) -> channelMessage(ctx, m, "PATCH"));
        api.route(
                "DELETE",
                channel + "/messages/" + RestApi.SNOWFLAKE,
                true,
                (ctx, m) -> channelMessage(ctx, m, "DELETE"));
        api.route("POST", channel + "/typing", true, (ctx, m) -> ctx.status(204));
        String reaction = channel + "/messages/" + RestApi.SNOWFLAKE + "/reactions/" + RestApi.TOKEN;
        api.route("PUT", reaction + "/@me", true, (ctx, m) -> reaction(ctx, m, true));
        api.route("DELETE", reaction + "/@me", true, (ctx, m) -> reaction(ctx, m, false));
        api.route("GET", reaction, true, (ctx, m) -> reactionUsers(ctx, m));
    }

    // ---------------------------------------------------------------- reactions

    /**
     * {@code PUT} or {@code DELETE .../reactions/{emoji}/@me}: 204, and MESSAGE_REACTION_ADD or _REMOVE when the bot's
     * reaction changed (intent GUILD_MESSAGE_REACTIONS, or DIRECT_MESSAGE_REACTIONS in a DM).
     */
    private void reaction(Context ctx, Matcher match, boolean add) {
        MessageParts.Emoji emoji = MessageParts.Emoji.parse(match.group(3));
        if (!emoji.known()) {
            error(ctx, 400, 10014, "Unknown Emoji");
            return;
        }
        boolean found = world.mutate(() -> {
            StoredMessage message = channelMessage(id(match, 1), id(match, 2));
            if (message == null) {
                return false;
            }
            Set<UserImpl> users = message.reactions.computeIfAbsent(emoji, e -> new LinkedHashSet<>());
            boolean changed = add ? users.add(world.bot) : users.remove(world.bot);
            if (users.isEmpty()) {
                message.reactions.remove(emoji);
            }
            if (changed) {
                dispatchReaction(message, emoji, add);
            }
            return true;
        });
        if (found) {
            ctx.status(204);
        } else {
            error(ctx, 404, 10008, "Unknown Message");
        }
    }

    private void dispatchReaction(StoredMessage message, MessageParts.Emoji emoji, boolean add) {
        GuildImpl guild = message.channel.guild;
        ObjectNode data = Json.object()
                .put("user_id", Long.toUnsignedString(world.bot.id()))
                .put("channel_id", Long.toUnsignedString(message.channel.id()))
                .put("message_id", Long.toUnsignedString(message.id));
        if (guild != null) {
            data.put("guild_id", Long.toUnsignedString(guild.id()));
            if (add) {
                data.set("member", world.memberJson(guild.botMember, true));
            }
        }
        data.set("emoji", emoji.json());
        if (add) {
            data.put("message_author_id", Long.toUnsignedString(message.author.id()));
            data.putArray("burst_colors");
        }
        data.put("burst", false).put("type", 0);
        int intent = guild == null ? Intents.DIRECT_MESSAGE_REACTIONS : Intents.GUILD_MESSAGE_REACTIONS;
        world.gateway.dispatch(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", data, intent, false);
    }

    /** {@code GET .../reactions/{emoji}?limit=&after=}: the users who reacted, by ascending id (limit 1..100). */
    private void reactionUsers(Context ctx, Matcher match) {
        MessageParts.Emoji emoji = MessageParts.Emoji.parse(match.group(3));
        int limit = Http.queryInt(ctx, "limit", 25, 1, 100);
        long after = Http.querySnowflake(ctx, "after");
        if (!emoji.known()) {
            error(ctx, 400, 10014, "Unknown Emoji");
            return;
        }
        ArrayNode result = world.read(() -> {
            StoredMessage message = channelMessage(id(match, 1), id(match, 2));
            if (message == null) {
                return null;
            }
            ArrayNode users = Json.array();
            message.reactions.getOrDefault(emoji, new LinkedHashSet<>()).stream()
                    .filter(u -> Long.compareUnsigned(u.id(), after) > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.id(), b.id()))
                    .limit(limit)
                    .forEach(u -> users.add(world.userJson(u)));
            return users;
        });
        jsonOrUnknown(ctx, 200, result, 10008, "Unknown Message");
    }

    private @Nullable StoredMessage channelMessage(long channelId, long messageId) {
        StoredMessage message = world.messages.get(messageId);
        return message == null || message.channel.id() != channelId || message.placeholder ? null : message;
    }

    // ---------------------------------------------------------------- attachments

    /** {@code GET /attachments/{channel}/{attachment}/{filename}}: a stored file's bytes, as Discord's CDN serves them. */
    void serveAttachment(Context ctx) {
        long channelId = Long.parseUnsignedLong(ctx.pathParam("channel"));
        long attachmentId = Long.parseUnsignedLong(ctx.pathParam("attachment"));
        MessageParts.Attachment found = world.read(() -> world.messages.values().stream()
                .filter(m -> m.channel.id() == channelId)
                .flatMap(m -> m.attachments.stream())
                .filter(a -> a.id() == attachmentId && a.filename().equals(ctx.pathParam("filename")))
                .findFirst()
                .orElse(null));
        if (found == null) {
            ctx.status(404).result("Not Found");
        } else {
            ctx.status(200).contentType(found.contentType()).result(found.data());
        }
    }

    private void createMessage(Context ctx, long channelId) {
        JsonNode body = body(ctx);
        List<Http.Upload> uploads = Http.uploads(ctx);
        boolean empty = body.path("content").asText("").isEmpty()
                && body.path("embeds").isEmpty()
                && body.path("components").isEmpty()
                && body.path("sticker_ids").isEmpty()
                && body.path("attachments").isEmpty()
                && uploads.isEmpty();
        if (empty) {
            error(ctx, 400, 50006, "Cannot send an empty message");
            return;
        }
        InvalidFormBody.checkMessage(body, List.of());
        MessageParts.checkAllowedMentions(body);
        ObjectNode result = world.mutate(() -> {
            ChannelImpl channel = world.channels.get(channelId);
            if (channel == null) {
                return null;
            }
            StoredMessage referenced = MessageParts.reference(world, channel, body);
            StoredMessage message = messages.newBotMessage(channel, null);
            if (referenced != null) {
                message.type = 19;
                message.referenced = referenced;
            }
            messages.apply(message, body, false, uploads);
            world.dispatchMessageCreate(message);
            return world.messageJson(message);
        });
        jsonOrUnknown(ctx, 200, result, 10003, "Unknown Channel");
    }

    private void channelMessage(Context ctx, Matcher match, String method) {
        long channelId = id(match, 1);
        long messageId = id(match, 2);
        JsonNode body = method.equals("PATCH") ? body(ctx) : Json.object();
        List<Http.Upload> uploads = Http.uploads(ctx);
        InvalidFormBody.checkMessage(body, List.of());
        MessageParts.checkAllowedMentions(body);
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
                    messages.apply(message, body, true, uploads);
                    message.editedTimestamp = world.now();
                    messages.dispatchMessageUpdate(message);
                    return world.messageJson(message);
                }
                default -> {
                    world.messages.remove(message.id);
                    messages.dispatchMessageDelete(message);
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

    private void getChannel(Context ctx, long channelId) {
        ObjectNode result = world.read(() -> {
            ChannelImpl channel = world.channels.get(channelId);
            return channel == null ? null : world.channelJson(channel);
        });
        jsonOrUnknown(ctx, 200, result, 10003, "Unknown Channel");
    }
}

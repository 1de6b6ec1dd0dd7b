package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the message routes share: creating the bot's messages, applying a create or edit body to them (text, embeds,
 * components, mentions and attachments), and dispatching their updates and deletions. Call with the world lock held.
 */
final class Messages {
    private final World world;

    Messages(World world) {
        this.world = world;
    }

    StoredMessage newBotMessage(ChannelImpl channel, @Nullable InteractionImpl interaction) {
        StoredMessage message = world.newMessage(
                channel, world.bot, interaction == null && channel.guild != null ? channel.guild.botMember : null);
        message.interaction = interaction;
        return message;
    }

    void dispatchMessageUpdate(StoredMessage message) {
        if (message.visibleInChannel()) {
            world.gateway.dispatch("MESSAGE_UPDATE", world.messageJson(message), messageIntent(message), false);
        }
    }

    static int messageIntent(StoredMessage message) {
        return message.channel.guild == null ? Intents.DIRECT_MESSAGES : Intents.GUILD_MESSAGES;
    }

    void dispatchMessageDelete(StoredMessage message) {
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

    /**
     * Applies a create or edit body and its uploaded files. An edit keeps the attachments its {@code attachments} list
     * names (all of them without the list) and adds the new files; mentions are recomputed when the content or {@code
     * allowed_mentions} is set.
     */
    void apply(StoredMessage message, JsonNode body, boolean edit, List<Http.Upload> uploads) {
        World.applyMessageBody(message, body, edit);
        if (!edit || body.has("content") || body.has("allowed_mentions")) {
            message.mentions = MessageParts.mentions(world, message, body);
        }
        if (!uploads.isEmpty() || (edit && body.has("attachments"))) {
            message.attachments = attachments(message, body, edit, uploads);
        }
    }

    private List<MessageParts.Attachment> attachments(
            StoredMessage message, JsonNode body, boolean edit, List<Http.Upload> uploads) {
        Map<Long, JsonNode> described = new HashMap<>();
        body.path("attachments").forEach(entry -> described.put(Json.snowflake(entry.get("id")), entry));
        List<MessageParts.Attachment> result = new ArrayList<>();
        if (edit) {
            Set<Long> kept = new HashSet<>(described.keySet());
            message.attachments.stream()
                    .filter(a -> !body.has("attachments") || kept.contains(a.id()))
                    .forEach(result::add);
        }
        for (Http.Upload upload : uploads) {
            JsonNode entry = described.get((long) upload.index());
            String filename = entry != null && entry.hasNonNull("filename")
                    ? entry.get("filename").asText()
                    : upload.filename();
            String description = entry != null && entry.hasNonNull("description")
                    ? entry.get("description").asText()
                    : null;
            result.add(new MessageParts.Attachment(
                    world.ids.next(), filename, description, contentType(upload, filename), upload.data()));
        }
        return List.copyOf(result);
    }

    /**
     * The attachment's content type: like Discord, the file name's type when the client sent a generic one (JDA
     * sends {@code application/octet-stream} for every file).
     */
    private static String contentType(Http.Upload upload, String filename) {
        String sent = upload.contentType();
        if (sent != null && !sent.startsWith("application/octet-stream")) {
            return sent;
        }
        String guessed = java.net.URLConnection.guessContentTypeFromName(filename);
        return guessed != null ? guessed : sent == null ? "application/octet-stream" : sent;
    }
}

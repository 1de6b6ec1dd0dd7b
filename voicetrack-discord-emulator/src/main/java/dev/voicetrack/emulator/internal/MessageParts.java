package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a message beyond its text and embeds, as Discord fills them: user mentions (from {@code <@id>} in the
 * content, honouring {@code allowed_mentions}), attachments (uploaded as multipart {@code files[n]}), the reply
 * reference and reactions. Methods that read or change a stored message run with {@link World#lock} held.
 */
final class MessageParts {
    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d+)>");

    private MessageParts() {}

    /** A file stored with a message; the emulator serves it at its {@code url}. */
    record Attachment(long id, String filename, @Nullable String description, String contentType, byte[] data) {}

    /** An emoji as reactions carry it: a unicode {@code name} and no id, or a custom emoji's name and id. */
    record Emoji(@Nullable Long id, String name) {
        /** The path segment form: the unicode emoji itself, or {@code name:id}. */
        static Emoji parse(String segment) {
            int colon = segment.lastIndexOf(':');
            if (colon > 0 && segment.substring(colon + 1).matches("\\d+")) {
                return new Emoji(Long.parseUnsignedLong(segment.substring(colon + 1)), segment.substring(0, colon));
            }
            return new Emoji(null, segment);
        }

        /** Whether Discord would know it: the emulator has no custom emojis, and a unicode emoji is not plain ASCII. */
        boolean known() {
            return id == null && name.codePoints().anyMatch(c -> c > 0x7f);
        }

        ObjectNode json() {
            ObjectNode json = Json.object();
            if (id == null) {
                json.putNull("id");
            } else {
                json.put("id", Long.toUnsignedString(id));
            }
            return json.put("name", name);
        }
    }

    // ---------------------------------------------------------------- mentions

    /**
     * Checks {@code allowed_mentions}: {@code parse} with {@code "users"} and a {@code users} list together are
     * refused (400, 50035), as on Discord.
     */
    static void checkAllowedMentions(JsonNode body) {
        JsonNode allowed = body.path("allowed_mentions");
        if (parses(allowed, "users") && !allowed.path("users").isEmpty()) {
            InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
            errors.add(
                    List.of("allowed_mentions"),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    "parse:[\"users\"] and users: [ids...] are mutually exclusive.");
            errors.throwIfAny();
        }
    }

    /**
     * The users the message pings: the known users written as {@code <@id>} in its content, filtered by {@code
     * allowed_mentions} when the body has one (by its {@code parse} list or its {@code users} list), plus for a reply
     * the replied-to author (unless {@code allowed_mentions.replied_user} is false or absent in a body that has {@code
     * allowed_mentions}).
     */
    static List<UserImpl> mentions(World world, StoredMessage message, @Nullable JsonNode body) {
        JsonNode allowed = body == null ? null : body.get("allowed_mentions");
        boolean restricted = allowed != null && allowed.isObject();
        Set<Long> allowedUsers = new HashSet<>();
        if (restricted) {
            allowed.path("users").forEach(id -> allowedUsers.add(Json.snowflake(id)));
        }
        Set<UserImpl> mentioned = new LinkedHashSet<>();
        Matcher matcher = USER_MENTION.matcher(message.content);
        while (matcher.find()) {
            long id = Long.parseUnsignedLong(matcher.group(1));
            UserImpl user = world.users.get(id);
            if (user != null && (!restricted || parses(allowed, "users") || allowedUsers.contains(id))) {
                mentioned.add(user);
            }
        }
        if (message.referenced != null
                && (!restricted || allowed.path("replied_user").asBoolean(false))) {
            mentioned.add(message.referenced.author);
        }
        return new ArrayList<>(mentioned);
    }

    private static boolean parses(JsonNode allowed, String kind) {
        for (JsonNode parse : allowed.path("parse")) {
            if (parse.asText().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- replies

    /**
     * Resolves {@code message_reference} of a new message in {@code channel}: the referenced message, or null if the
     * body has none, or if it names an unknown message and {@code fail_if_not_exists} is false.
     *
     * @throws InvalidFormBody 50035 with {@code MESSAGE_REFERENCE_UNKNOWN_MESSAGE} for an unknown message otherwise
     */
    static @Nullable StoredMessage reference(World world, ChannelImpl channel, JsonNode body) {
        JsonNode reference = body.get("message_reference");
        if (reference == null || reference.isNull()) {
            return null;
        }
        StoredMessage referenced = world.messages.get(Json.snowflake(reference.get("message_id")));
        long channelId =
                reference.hasNonNull("channel_id") ? Json.snowflake(reference.get("channel_id")) : channel.id();
        if (referenced != null
                && referenced.channel == channel
                && channelId == channel.id()
                && !referenced.placeholder) {
            return referenced;
        }
        if (!reference.path("fail_if_not_exists").asBoolean(true)) {
            return null;
        }
        InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
        errors.add(List.of("message_reference"), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
        errors.throwIfAny();
        return null;
    }

    // ---------------------------------------------------------------- JSON

    /** Adds mentions, attachments, the reply reference and reactions to a message object. */
    static void addTo(World world, StoredMessage message, ObjectNode json, boolean withReferenced) {
        ArrayNode mentions = json.putArray("mentions");
        for (UserImpl user : message.mentions) {
            ObjectNode mention = world.userJson(user);
            MemberImpl member = message.channel.guild == null ? null : message.channel.guild.members.get(user.id());
            if (member != null) {
                mention.set("member", world.memberJson(member, false));
            }
            mentions.add(mention);
        }
        ArrayNode attachments = json.putArray("attachments");
        for (Attachment attachment : message.attachments) {
            attachments.add(attachmentJson(world, message, attachment));
        }
        if (message.referenced != null) {
            ObjectNode reference = json.putObject("message_reference")
                    .put("type", 0)
                    .put("message_id", Long.toUnsignedString(message.referenced.id))
                    .put("channel_id", Long.toUnsignedString(message.channel.id()));
            if (message.channel.guild != null) {
                reference.put("guild_id", Long.toUnsignedString(message.channel.guild.id()));
            }
            if (withReferenced && world.messages.containsKey(message.referenced.id)) {
                json.set("referenced_message", world.messageJson(message.referenced, false));
            } else if (withReferenced) {
                json.putNull("referenced_message");
            }
        }
        if (!message.reactions.isEmpty()) {
            ArrayNode reactions = json.putArray("reactions");
            for (var reaction : message.reactions.entrySet()) {
                int count = reaction.getValue().size();
                ObjectNode entry = reactions.addObject().put("count", count);
                entry.putObject("count_details").put("burst", 0).put("normal", count);
                entry.put("me", reaction.getValue().contains(world.bot)).put("me_burst", false);
                entry.set("emoji", reaction.getKey().json());
                entry.putArray("burst_colors");
            }
        }
    }

    static ObjectNode attachmentJson(World world, StoredMessage message, Attachment attachment) {
        String url = world.baseUrl + "attachments/" + Long.toUnsignedString(message.channel.id()) + "/"
                + Long.toUnsignedString(attachment.id()) + "/" + attachment.filename();
        ObjectNode json = Json.object()
                .put("id", Long.toUnsignedString(attachment.id()))
                .put("filename", attachment.filename())
                .put("size", attachment.data().length)
                .put("url", url)
                .put("proxy_url", url)
                .put("content_type", attachment.contentType());
        if (attachment.description() != null) {
            json.put("description", attachment.description());
        }
        return json;
    }
}

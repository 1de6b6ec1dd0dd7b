package dev.voicetrack.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a message as the emulator stored it. Embeds and components are the JSON objects the bot sent, as
 * plain maps and lists.
 *
 * @param id message snowflake
 * @param channelId channel snowflake
 * @param authorId author's user snowflake (the bot's id for everything the bot sent)
 * @param content text content, empty when there is none
 * @param flags Discord message flags; bit 6 ({@value #EPHEMERAL_FLAG}) marks an ephemeral message
 * @param embeds embed objects
 * @param components top-level component objects (action rows)
 * @param interactionId the interaction this message answers, 0 for none
 * @param attachments the files attached to the message, in order
 */
public record RecordedMessage(
        long id,
        long channelId,
        long authorId,
        String content,
        int flags,
        List<Map<String, Object>> embeds,
        List<Map<String, Object>> components,
        long interactionId,
        List<RecordedAttachment> attachments) {

    /** The EPHEMERAL message flag. */
    public static final int EPHEMERAL_FLAG = 1 << 6;

    public RecordedMessage {
        Objects.requireNonNull(content, "content");
        embeds = List.copyOf(embeds);
        components = List.copyOf(components);
        attachments = List.copyOf(attachments);
    }

    public boolean ephemeral() {
        return (flags & EPHEMERAL_FLAG) != 0;
    }

    /** The custom ids of every button in the message's action rows, in order. */
    public List<String> buttonCustomIds() {
        List<String> ids = new ArrayList<>();
        collectButtons(components, ids);
        return ids;
    }

    /** The urls of every link button (style 5) in the message's action rows, in order. */
    public List<String> linkButtonUrls() {
        List<String> urls = new ArrayList<>();
        collectLinks(components, urls);
        return urls;
    }

    private static void collectLinks(List<?> nodes, List<String> out) {
        for (Object node : nodes) {
            if (node instanceof Map<?, ?> map) {
                if (Integer.valueOf(2).equals(asInt(map.get("type")))
                        && Integer.valueOf(5).equals(asInt(map.get("style")))
                        && map.get("url") instanceof String url) {
                    out.add(url);
                }
                if (map.get("components") instanceof List<?> children) {
                    collectLinks(children, out);
                }
            }
        }
    }

    private static void collectButtons(List<?> nodes, List<String> out) {
        for (Object node : nodes) {
            if (node instanceof Map<?, ?> map) {
                if (Integer.valueOf(2).equals(asInt(map.get("type"))) && map.get("custom_id") instanceof String id) {
                    out.add(id);
                }
                if (map.get("components") instanceof List<?> children) {
                    collectButtons(children, out);
                }
            }
        }
    }

    private static Integer asInt(Object value) {
        return value instanceof Number n ? n.intValue() : null;
    }
}

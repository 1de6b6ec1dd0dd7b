package dev.voicetrack.jda;

import dev.voicetrack.emulator.RecordedMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what the bot put into a recorded message's first embed. */
final class Embeds {
    private Embeds() {}

    static Map<String, String> fields(RecordedMessage message) {
        Map<String, String> out = new LinkedHashMap<>();
        Object fields = first(message).get("fields");
        if (fields instanceof List<?> list) {
            for (Object f : list) {
                if (f instanceof Map<?, ?> m) {
                    out.put(String.valueOf(m.get("name")), String.valueOf(m.get("value")));
                }
            }
        }
        return out;
    }

    static String description(RecordedMessage message) {
        return String.valueOf(first(message).get("description"));
    }

    static String title(RecordedMessage message) {
        return String.valueOf(first(message).get("title"));
    }

    private static Map<?, ?> first(RecordedMessage message) {
        if (message.embeds().isEmpty()) {
            throw new AssertionError("no embed in " + message);
        }
        Object e = message.embeds().get(0);
        if (!(e instanceof Map<?, ?> m)) {
            throw new AssertionError("embed is not an object: " + e);
        }
        return m;
    }
}

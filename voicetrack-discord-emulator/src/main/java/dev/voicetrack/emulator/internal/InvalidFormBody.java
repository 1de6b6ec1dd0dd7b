package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Discord's form validation: collects errors by field path into the nested {@code errors} object of a 50035 {@code
 * Invalid Form Body} answer, for example {@code {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message":
 * "Must be 2000 or fewer in length."}]}}}.
 */
final class InvalidFormBody extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int MAX_CONTENT = 2000;
    private static final Pattern COMMAND_NAME =
            Pattern.compile("^[-_'\\p{L}\\p{N}\\p{IsDevanagari}\\p{IsThai}]{1,32}$");

    final transient ObjectNode errors;

    private InvalidFormBody(ObjectNode errors) {
        super(Json.write(errors));
        this.errors = errors;
    }

    /** Collects errors; {@link #throwIfAny()} raises them together. */
    static final class Collector {
        private final ObjectNode errors = Json.object();

        void add(List<String> path, String code, String message) {
            ObjectNode node = errors;
            for (String part : path) {
                JsonNode child = node.get(part);
                node = child instanceof ObjectNode object ? object : node.putObject(part);
            }
            JsonNode list = node.get("_errors");
            (list != null && list.isArray() ? (ArrayNode) list : node.putArray("_errors"))
                    .addObject()
                    .put("code", code)
                    .put("message", message);
        }

        void throwIfAny() {
            if (!errors.isEmpty()) {
                throw new InvalidFormBody(errors);
            }
        }
    }

    private static List<String> path(List<String> prefix, String... parts) {
        List<String> path = new ArrayList<>(prefix);
        path.addAll(List.of(parts));
        return path;
    }

    private static void maxLength(Collector errors, List<String> path, JsonNode value, int max) {
        if (value != null
                && value.isTextual()
                && value.asText().codePointCount(0, value.asText().length()) > max) {
            errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be " + max + " or fewer in length.");
        }
    }

    private static int length(JsonNode value) {
        return value == null || !value.isTextual()
                ? 0
                : value.asText().codePointCount(0, value.asText().length());
    }

    /**
     * Checks a message create or edit body (under {@code prefix}, e.g. {@code data} for an interaction callback):
     * content up to 2000 characters, at most 10 embeds, embed title 256, description 4096, 25 fields (name 256, value
     * 1024), and 6000 characters over all embeds.
     */
    static void checkMessage(JsonNode body, List<String> prefix) {
        if (body == null || !body.isObject()) {
            return;
        }
        Collector errors = new Collector();
        maxLength(errors, path(prefix, "content"), body.get("content"), MAX_CONTENT);
        JsonNode embeds = body.get("embeds");
        if (embeds != null && embeds.isArray()) {
            if (embeds.size() > 10) {
                errors.add(path(prefix, "embeds"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
            }
            int total = 0;
            for (int i = 0; i < embeds.size(); i++) {
                JsonNode embed = embeds.get(i);
                String index = Integer.toString(i);
                maxLength(errors, path(prefix, "embeds", index, "title"), embed.get("title"), 256);
                maxLength(errors, path(prefix, "embeds", index, "description"), embed.get("description"), 4096);
                total += length(embed.get("title")) + length(embed.get("description"));
                total += length(embed.path("footer").get("text"))
                        + length(embed.path("author").get("name"));
                JsonNode fields = embed.get("fields");
                if (fields != null && fields.isArray()) {
                    if (fields.size() > 25) {
                        errors.add(
                                path(prefix, "embeds", index, "fields"),
                                "BASE_TYPE_MAX_LENGTH",
                                "Must be 25 or fewer in length.");
                    }
                    for (int f = 0; f < fields.size(); f++) {
                        JsonNode field = fields.get(f);
                        String fi = Integer.toString(f);
                        maxLength(errors, path(prefix, "embeds", index, "fields", fi, "name"), field.get("name"), 256);
                        maxLength(
                                errors, path(prefix, "embeds", index, "fields", fi, "value"), field.get("value"), 1024);
                        total += length(field.get("name")) + length(field.get("value"));
                    }
                }
            }
            if (total > 6000) {
                errors.add(
                        path(prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
            }
        }
        checkComponents(errors, body.get("components"), prefix);
        errors.throwIfAny();
    }

    /**
     * Action rows of buttons: at most 5 rows of at most 5 buttons; a link button (style 5) must have an http(s) url
     * (up to 512 characters), any other button a custom_id (up to 100); labels up to 80.
     */
    private static void checkComponents(Collector errors, @Nullable JsonNode rows, List<String> prefix) {
        if (rows == null || !rows.isArray()) {
            return;
        }
        if (rows.size() > 5) {
            errors.add(path(prefix, "components"), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
        }
        for (int r = 0; r < rows.size(); r++) {
            JsonNode children = rows.get(r).get("components");
            String ri = Integer.toString(r);
            if (children == null || !children.isArray()) {
                continue;
            }
            if (children.size() > 5) {
                errors.add(
                        path(prefix, "components", ri, "components"),
                        "BASE_TYPE_MAX_LENGTH",
                        "Must be 5 or fewer in length.");
            }
            for (int c = 0; c < children.size(); c++) {
                JsonNode button = children.get(c);
                if (button.path("type").asInt() != 2) {
                    continue;
                }
                List<String> at = path(prefix, "components", ri, "components", Integer.toString(c));
                maxLength(errors, path(at, "label"), button.get("label"), 80);
                boolean link = button.path("style").asInt() == 5;
                JsonNode url = button.get("url");
                JsonNode customId = button.get("custom_id");
                // (Discord also refuses a custom_id on a link button and a url on any other; its error codes for
                // those are not documented, so the emulator leaves them to the client libraries, which refuse both.)
                if (link) {
                    if (url == null || !url.isTextual()) {
                        errors.add(path(at, "url"), "BASE_TYPE_REQUIRED", "This field is required");
                    } else {
                        String u = url.asText();
                        int colon = u.indexOf(':');
                        String scheme = colon < 0 ? "" : u.substring(0, colon);
                        if (!scheme.equals("http") && !scheme.equals("https")) {
                            errors.add(
                                    path(at, "url"),
                                    "URL_TYPE_INVALID_SCHEME",
                                    "Scheme \"" + scheme
                                            + "\" is not supported. Scheme must be one of ('http', 'https').");
                        }
                        maxLength(errors, path(at, "url"), url, 512);
                    }
                } else {
                    if (customId == null || !customId.isTextual()) {
                        errors.add(path(at, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required");
                    } else {
                        maxLength(errors, path(at, "custom_id"), customId, 100);
                    }
                }
            }
        }
    }

    /**
     * Checks an application command (under {@code prefix}: an index for a bulk overwrite): name, description
     * (required for slash commands, 1..100), and the options recursively (at most 25, names and descriptions as for
     * the command, at most 25 choices, required options first).
     */
    static void checkCommand(JsonNode command, List<String> prefix, Collector errors) {
        int type = command.path("type").asInt(1);
        checkName(command.get("name"), path(prefix, "name"), type == 1, errors);
        JsonNode description = command.get("description");
        if (type == 1) {
            checkDescription(description, path(prefix, "description"), errors);
        } else if (description != null && !description.asText("").isEmpty()) {
            errors.add(
                    path(prefix, "description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have description");
        }
        checkOptions(command.get("options"), path(prefix, "options"), errors);
    }

    private static void checkOptions(JsonNode options, List<String> path, Collector errors) {
        if (options == null || !options.isArray()) {
            return;
        }
        if (options.size() > 25) {
            errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
        }
        boolean optionalSeen = false;
        for (int i = 0; i < options.size(); i++) {
            JsonNode option = options.get(i);
            List<String> at = path(path, Integer.toString(i));
            checkName(option.get("name"), path(at, "name"), true, errors);
            checkDescription(option.get("description"), path(at, "description"), errors);
            int optionType = option.path("type").asInt(0);
            if (optionType < 1 || optionType > 11) {
                errors.add(
                        path(at, "type"),
                        "BASE_TYPE_CHOICES",
                        "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.");
            }
            boolean required = option.path("required").asBoolean(false);
            if (required && optionalSeen) {
                errors.add(
                        path(at, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options");
            }
            optionalSeen |= !required && optionType > 2;
            JsonNode choices = option.get("choices");
            if (choices != null && choices.isArray() && choices.size() > 25) {
                errors.add(path(at, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
            }
            checkOptions(option.get("options"), path(at, "options"), errors);
        }
    }

    private static void checkName(JsonNode name, List<String> path, boolean slash, Collector errors) {
        if (name == null || name.isNull() || !name.isTextual()) {
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
            return;
        }
        String text = name.asText();
        if (text.isEmpty() || text.codePointCount(0, text.length()) > 32) {
            errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
        } else if (slash && (!COMMAND_NAME.matcher(text).matches() || !text.equals(text.toLowerCase(Locale.ROOT)))) {
            errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
        }
    }

    private static void checkDescription(JsonNode description, List<String> path, Collector errors) {
        if (description == null || description.isNull() || !description.isTextual()) {
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
            return;
        }
        int length = length(description);
        if (length < 1 || length > 100) {
            errors.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
        }
    }
}

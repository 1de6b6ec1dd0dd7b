package dev.voicetrack.storage.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Strict reads of JSON fields: a missing or mistyped field is an error naming it, never a default. */
final class Json {
    private Json() {}

    static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }

    static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + name + "' must be a string, was " + v);
        }
        return v.asText();
    }

    static long number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer, was " + v);
        }
        return v.asLong();
    }

    static boolean bool(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field '" + name + "' must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    static long id(JsonNode n, String name) {
        long id = id0(n, name);
        if (id <= 0) {
            throw new IllegalArgumentException("field '" + name + "' must be an id > 0, was " + id);
        }
        return id;
    }

    static long id0(JsonNode n, String name) {
        String s = text(n, name);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a decimal id, was '" + s + "'", e);
        }
    }

    static List<Long> ids(JsonNode n, String name) {
        var out = new ArrayList<Long>();
        for (JsonNode v : array(n, name)) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("field '" + name + "' must hold id strings, was " + v);
            }
            out.add(Long.parseLong(v.asText()));
        }
        return out;
    }

    static JsonNode array(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("field '" + name + "' must be an array, was " + v.getNodeType());
        }
        return v;
    }
}

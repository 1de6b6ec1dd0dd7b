package dev.voicetrack.storage.json.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * A guild file's {@code "config"} object: the kernel's {@link GuildConfigCodec} options, in its order,
 * as JSON. A dotted key is a field of a sub-object ({@code "xpConfig": {"baseAmount": 5}}); ids are
 * strings; the role XP map is an array of {@code {"roleId": "1", "xp": 5}} (its order matters); an
 * unset optional number is {@code null}; {@code messageXpCooldown} is stored in milliseconds as {@code
 * messageXpCooldownMs}. Reading is strict: every field must be there, except options added after format 1
 * ({@code levelRewards}, written only when a guild has rewards).
 */
final class ConfigJson {
    private ConfigJson() {}

    private static String jsonKey(String key) {
        return key.equals("messageXpCooldown") ? "messageXpCooldownMs" : key;
    }

    static void write(JsonGenerator j, GuildConfig c) throws IOException {
        j.writeStartObject();
        var w = new Writer(j);
        try {
            GuildConfigCodec.write(c, w);
            w.field("");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        j.writeEndObject();
    }

    /** Writes each option, opening and closing sub-objects as the keys' prefixes change. */
    private static final class Writer implements GuildConfigCodec.Writer {
        private final JsonGenerator j;
        private String open = "";

        Writer(JsonGenerator j) {
            this.j = j;
        }

        /** Writes the field name of {@code key} (its last part), in the right sub-object; "" closes any. */
        String field(String key) {
            int dot = key.indexOf('.');
            String prefix = dot < 0 ? "" : key.substring(0, dot);
            try {
                if (!prefix.equals(open)) {
                    if (!open.isEmpty()) {
                        j.writeEndObject();
                    }
                    if (!prefix.isEmpty()) {
                        j.writeObjectFieldStart(prefix);
                    }
                    open = prefix;
                }
                String name = jsonKey(dot < 0 ? key : key.substring(dot + 1));
                if (!key.isEmpty()) {
                    j.writeFieldName(name);
                }
                return name;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private interface Io {
            void run() throws IOException;
        }

        private void io(Io body) {
            try {
                body.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void bool(String key, boolean value) {
            field(key);
            io(() -> j.writeBoolean(value));
        }

        @Override
        public void integer(String key, int value) {
            field(key);
            io(() -> j.writeNumber(value));
        }

        @Override
        public void number(String key, @Nullable Long value) {
            field(key);
            io(() -> {
                if (value == null) {
                    j.writeNull();
                } else {
                    j.writeNumber(value);
                }
            });
        }

        @Override
        public void decimal(String key, @Nullable Double value) {
            field(key);
            io(() -> {
                if (value == null) {
                    j.writeNull();
                } else {
                    j.writeNumber(value);
                }
            });
        }

        @Override
        public void string(String key, String value) {
            field(key);
            io(() -> j.writeString(value));
        }

        @Override
        public void ids(String key, SortedSet<Long> value) {
            field(key);
            io(() -> {
                j.writeStartArray();
                for (long id : value) {
                    j.writeString(Long.toString(id));
                }
                j.writeEndArray();
            });
        }

        @Override
        public void strings(String key, SortedSet<String> value) {
            field(key);
            io(() -> {
                j.writeStartArray();
                for (String s : value) {
                    j.writeString(s);
                }
                j.writeEndArray();
            });
        }

        @Override
        public void roleXp(String key, Map<Long, Long> value) {
            field(key);
            io(() -> {
                j.writeStartArray();
                for (var e : value.entrySet()) {
                    j.writeStartObject();
                    j.writeStringField("roleId", Long.toString(e.getKey()));
                    j.writeNumberField("xp", e.getValue());
                    j.writeEndObject();
                }
                j.writeEndArray();
            });
        }

        @Override
        public void duration(String key, Duration value) {
            field(key);
            io(() -> j.writeNumber(value.toMillis()));
        }

        @Override
        public void zone(String key, ZoneId value) {
            field(key);
            io(() -> j.writeString(value.getId()));
        }
    }

    /**
     * @throws IllegalArgumentException naming the field if one is missing or mistyped, or the option if
     *     its value is invalid
     */
    static GuildConfig read(JsonNode c) {
        return GuildConfigCodec.read(new GuildConfigCodec.Reader() {
            @Override
            public boolean complete() {
                return true;
            }

            @Override
            public boolean has(String key) {
                return parent(key).has(name(key));
            }

            private JsonNode node(String key) {
                int dot = key.indexOf('.');
                if (dot < 0) {
                    return Json.field(c, jsonKey(key));
                }
                return Json.field(Json.field(c, key.substring(0, dot)), jsonKey(key.substring(dot + 1)));
            }

            private JsonNode parent(String key) {
                int dot = key.indexOf('.');
                return dot < 0 ? c : Json.field(c, key.substring(0, dot));
            }

            private String name(String key) {
                int dot = key.indexOf('.');
                return jsonKey(dot < 0 ? key : key.substring(dot + 1));
            }

            @Override
            public Boolean bool(String key) {
                return Json.bool(parent(key), name(key));
            }

            @Override
            public Integer integer(String key) {
                return Math.toIntExact(Json.number(parent(key), name(key)));
            }

            @Override
            public @Nullable Long number(String key) {
                return node(key).isNull() ? null : Json.number(parent(key), name(key));
            }

            @Override
            public @Nullable Double decimal(String key) {
                JsonNode v = node(key);
                if (v.isNull()) {
                    return null;
                }
                if (!v.isNumber()) {
                    throw new IllegalArgumentException("field '" + name(key) + "' must be a number, was " + v);
                }
                return v.asDouble();
            }

            @Override
            public String string(String key) {
                return Json.text(parent(key), name(key));
            }

            @Override
            public List<Long> ids(String key) {
                return Json.ids(parent(key), name(key));
            }

            @Override
            public List<String> strings(String key) {
                var out = new ArrayList<String>();
                for (JsonNode p : Json.array(parent(key), name(key))) {
                    if (!p.isTextual()) {
                        throw new IllegalArgumentException(name(key) + " must hold strings");
                    }
                    out.add(p.asText());
                }
                return out;
            }

            @Override
            public Map<Long, Long> roleXp(String key) {
                Map<Long, Long> roles = new LinkedHashMap<>();
                for (JsonNode r : Json.array(parent(key), name(key))) {
                    roles.put(Json.id(r, "roleId"), Json.number(r, "xp"));
                }
                return roles;
            }

            @Override
            public Duration duration(String key) {
                return Duration.ofMillis(Json.number(parent(key), name(key)));
            }

            @Override
            public ZoneId zone(String key) {
                return ZoneId.of(Json.text(parent(key), name(key)));
            }
        });
    }
}

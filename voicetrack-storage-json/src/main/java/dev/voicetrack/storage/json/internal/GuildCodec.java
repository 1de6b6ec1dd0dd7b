package dev.voicetrack.storage.json.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.kernel.MemberRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The file format, version {@value #VERSION}. A guild is one guild file plus one activity file per
 * day with activity. The guild file is one JSON object:
 *
 * <pre>{@code
 * { "format": "voicetrack-guild", "version": 1, "guildId": "123",
 *   "config": { ...every persisted GuildConfig option... } | null,
 *   "members": [ { "userId": "1", "voiceMs": 0, "xp": 0, "level": 0, "sessions": 0, "messages": 0,
 *                  "lastSeen": "2024-03-10T12:00:00.123Z", "streak": 0, "lastActiveDay": "2024-03-10",
 *                  "channels": [ { "id": "5", "voiceMs": 0, "sessions": 0 } ],
 *                  "metadata": { "k": "v" } } ],
 *   "activityFiles": { "2024-03-10": 7 },
 *   "sessions": [ { "id": "...", "userId": "1", "channelId": "5", "start": "...", "end": null,
 *                   "lastAccrual": "...", "durationMs": 0, "xpEarned": 0, "mutedMs": 0, "deafenedMs": 0 } ] }
 * }</pre>
 *
 * {@code activityFiles} names, for each day, the generation of its committed activity file {@code
 * guild-<id>-day-<day>-<generation>.json} (see {@link #writeDay}). Ids are strings (snowflakes exceed
 * what JavaScript numbers hold exactly); instants are ISO-8601 with their fraction (milliseconds are
 * never lost); days are ISO dates. Reading is strict: a missing or mistyped field is an error, never a
 * default.
 */
public final class GuildCodec {
    public static final String FORMAT = "voicetrack-guild";
    public static final String DAY_FORMAT = "voicetrack-day";
    public static final int VERSION = 1;
    /**
     * The version of day files written: 2 adds the guild's hourly activity ({@code "hours"}). Version 1
     * day files (no hours) are still read.
     */
    public static final int DAY_VERSION = 2;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GuildCodec() {}

    // ---------------------------------------------------------------- write

    public static byte[] write(GuildChange g) {
        var out = new ByteArrayOutputStream(Math.max(1024, g.sizeHint + g.sizeHint / 8));
        GuildConfig config = g.config();
        try (JsonGenerator j = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            j.writeStringField("format", FORMAT);
            j.writeNumberField("version", VERSION);
            j.writeStringField("guildId", Long.toString(g.guildId));
            j.writeFieldName("config");
            if (config == null) {
                j.writeNull();
            } else {
                ConfigJson.write(j, config);
            }
            j.writeArrayFieldStart("members");
            for (long id : g.memberIds()) {
                writeMember(j, Objects.requireNonNull(g.member(id)));
            }
            j.writeEndArray();
            j.writeObjectFieldStart("activityFiles");
            for (var e : g.dayFiles().entrySet()) {
                j.writeNumberField(e.getKey().toString(), e.getValue());
            }
            j.writeEndObject();
            j.writeArrayFieldStart("sessions");
            for (VoiceSession s : g.sessions().values()) {
                writeSession(j, s);
            }
            j.writeEndArray();
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        g.sizeHint = out.size();
        return out.toByteArray();
    }

    /**
     * The activity file of one day: {@code {"format": "voicetrack-day", "version": 2, "guildId": "1",
     * "day": "2024-03-10", "rows": [["userId", "channel", voiceMs, xp, messages], ...], "hours":
     * [[hourOfDay, "channel", voiceMs, messages], ...]}}. {@code hours} holds the guild's hourly
     * activity of the day (local hours of the guild's time zone, see the kernel's {@code HourlyRule}),
     * by hour then channel; a version 1 file has none.
     *
     * @param hours the day's hourly rows {slot, channelId, voiceMs, messages}
     */
    public static byte[] writeDay(GuildChange g, LocalDate day, List<Long> users, List<long[]> hours) {
        var out = new ByteArrayOutputStream(64 + users.size() * 48);
        try (JsonGenerator j = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            j.writeStringField("format", DAY_FORMAT);
            j.writeNumberField("version", DAY_VERSION);
            j.writeStringField("guildId", Long.toString(g.guildId));
            j.writeStringField("day", day.toString());
            j.writeArrayFieldStart("rows");
            for (long u : users) {
                String user = Long.toString(u);
                Objects.requireNonNull(g.member(u)).forEachActivityOn(day, (channel, v) -> {
                    try {
                        j.writeStartArray();
                        j.writeString(user);
                        j.writeString(Long.toString(channel));
                        j.writeNumber(v[0]);
                        j.writeNumber(v[1]);
                        j.writeNumber(v[2]);
                        j.writeEndArray();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            j.writeEndArray();
            j.writeArrayFieldStart("hours");
            for (long[] h : hours) {
                j.writeStartArray();
                j.writeNumber(Math.floorMod(h[0], 24));
                j.writeString(Long.toString(h[1]));
                j.writeNumber(h[2]);
                j.writeNumber(h[3]);
                j.writeEndArray();
            }
            j.writeEndArray();
            j.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a day file into the guild's member rows.
     *
     * @throws IllegalArgumentException describing the first problem, including a row of a member the
     *     guild file does not hold
     */
    public static void readDay(byte[] bytes, GuildData g, LocalDate day) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!DAY_FORMAT.equals(Json.text(root, "format"))) {
            throw new IllegalArgumentException(
                    "format must be '" + DAY_FORMAT + "', was '" + Json.text(root, "format") + "'");
        }
        long version = Json.number(root, "version");
        if (version != 1 && version != DAY_VERSION) {
            throw new IllegalArgumentException(
                    "version " + version + " is not supported (this build reads versions 1 to " + DAY_VERSION + ")");
        }
        if (Json.id(root, "guildId") != g.guildId || !Json.text(root, "day").equals(day.toString())) {
            throw new IllegalArgumentException("holds guild " + Json.text(root, "guildId") + " day "
                    + Json.text(root, "day") + ", not guild " + g.guildId + " day " + day);
        }
        for (JsonNode d : Json.array(root, "rows")) {
            if (!d.isArray()
                    || d.size() != 5
                    || !d.get(0).isTextual()
                    || !d.get(1).isTextual()) {
                throw new IllegalArgumentException("a row must be [userId, channel, voiceMs, xp, messages], was " + d);
            }
            long user;
            long channel;
            try {
                user = Long.parseLong(d.get(0).asText());
                channel = Long.parseLong(d.get(1).asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a row's ids must be decimal, was " + d, e);
            }
            MemberRecord r = g.model.get(user);
            if (r == null || channel < 0) {
                throw new IllegalArgumentException("a row names a member the guild file does not hold: " + d);
            }
            long[] v = new long[3];
            for (int i = 0; i < 3; i++) {
                JsonNode x = d.get(2 + i);
                if (!x.isIntegralNumber() || !x.canConvertToLong()) {
                    throw new IllegalArgumentException("a row's counters must be integers, was " + d);
                }
                v[i] = x.asLong();
            }
            r.putActivity(day, channel, v[0], v[1], v[2]);
        }
        if (version >= 2) {
            readHours(Json.array(root, "hours"), g, day);
        }
    }

    private static void readHours(Iterable<JsonNode> hours, GuildData g, LocalDate day) {
        for (JsonNode h : hours) {
            if (!h.isArray()
                    || h.size() != 4
                    || !h.get(0).isIntegralNumber()
                    || !h.get(1).isTextual()
                    || !h.get(2).isIntegralNumber()
                    || !h.get(2).canConvertToLong()
                    || !h.get(3).isIntegralNumber()
                    || !h.get(3).canConvertToLong()) {
                throw new IllegalArgumentException("an hour must be [hourOfDay, channel, voiceMs, messages], was " + h);
            }
            int hour = h.get(0).asInt();
            long channel;
            try {
                channel = Long.parseLong(h.get(1).asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an hour's channel must be decimal, was " + h, e);
            }
            if (hour < 0
                    || hour > 23
                    || channel < 0
                    || h.get(2).asLong() < 0
                    || h.get(3).asLong() < 0) {
                throw new IllegalArgumentException("an hour must be 0 to 23 with counters >= 0, was " + h);
            }
            g.putHour(day, hour, channel, h.get(2).asLong(), h.get(3).asLong());
        }
    }

    private static void writeMember(JsonGenerator j, MemberRecord r) throws IOException {
        j.writeStartObject();
        j.writeStringField("userId", Long.toString(r.userId()));
        j.writeNumberField("voiceMs", r.voiceMs());
        j.writeNumberField("xp", r.xp());
        j.writeNumberField("level", r.level());
        j.writeNumberField("sessions", r.sessions());
        j.writeNumberField("messages", r.messages());
        j.writeStringField("lastSeen", Instant.ofEpochMilli(r.lastSeenMs()).toString());
        j.writeNumberField("streak", r.streak());
        j.writeStringField("lastActiveDay", r.lastActiveDay().toString());
        j.writeArrayFieldStart("channels");
        try {
            r.forEachChannel((channel, v) -> {
                try {
                    j.writeStartObject();
                    j.writeStringField("id", Long.toString(channel));
                    j.writeNumberField("voiceMs", v[0]);
                    j.writeNumberField("sessions", v[1]);
                    j.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        j.writeEndArray();
        j.writeObjectFieldStart("metadata");
        Map<String, String> metadata = r.metadata();
        for (var m : (metadata.size() < 2 ? metadata : new TreeMap<>(metadata)).entrySet()) {
            j.writeStringField(m.getKey(), m.getValue());
        }
        j.writeEndObject();
        j.writeEndObject();
    }

    private static void writeSession(JsonGenerator j, VoiceSession s) throws IOException {
        j.writeStartObject();
        j.writeStringField("id", s.id());
        j.writeStringField("userId", Long.toString(s.userId()));
        j.writeStringField("channelId", Long.toString(s.channelId()));
        j.writeStringField("start", s.start().toString());
        j.writeStringField("end", s.end() == null ? null : s.end().toString());
        j.writeStringField("lastAccrual", s.lastAccrual().toString());
        j.writeNumberField("durationMs", s.durationMs());
        j.writeNumberField("xpEarned", s.xpEarned());
        j.writeNumberField("mutedMs", s.mutedMs());
        j.writeNumberField("deafenedMs", s.deafenedMs());
        j.writeEndObject();
    }

    // ---------------------------------------------------------------- read

    /**
     * Parses a guild file.
     *
     * @throws IllegalArgumentException describing the first problem (not JSON, another format, a newer
     *     version, a missing or mistyped field)
     */
    public static GuildData read(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!FORMAT.equals(Json.text(root, "format"))) {
            throw new IllegalArgumentException(
                    "format must be '" + FORMAT + "', was '" + Json.text(root, "format") + "'");
        }
        long version = Json.number(root, "version");
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "version " + version + " is not supported (this build reads version " + VERSION + ")");
        }
        GuildData g = new GuildData(Json.id(root, "guildId"));
        JsonNode config = Json.field(root, "config");
        g.config = config.isNull() ? null : ConfigJson.read(config);
        for (JsonNode m : Json.array(root, "members")) {
            long user = Json.id(m, "userId");
            if (g.model.get(user) != null) {
                throw new IllegalArgumentException("member " + user + " appears twice");
            }
            g.model.put(readMember(g.guildId, user, m));
        }
        JsonNode files = Json.field(root, "activityFiles");
        if (!files.isObject()) {
            throw new IllegalArgumentException("field 'activityFiles' must be an object, was " + files.getNodeType());
        }
        var fit = ((ObjectNode) files).fields();
        while (fit.hasNext()) {
            var e = fit.next();
            if (!e.getValue().isIntegralNumber() || e.getValue().asLong() <= 0) {
                throw new IllegalArgumentException("activityFiles." + e.getKey() + " must be a generation > 0");
            }
            g.dayFiles.put(LocalDate.parse(e.getKey()), e.getValue().asLong());
            g.lastGeneration = Math.max(g.lastGeneration, e.getValue().asLong());
        }
        for (JsonNode s : Json.array(root, "sessions")) {
            VoiceSession vs = readSession(g.guildId, s);
            if (g.sessions.put(vs.id(), vs) != null) {
                throw new IllegalArgumentException("session " + vs.id() + " appears twice");
            }
        }
        return g;
    }

    private static MemberRecord readMember(long guildId, long userId, JsonNode m) {
        var channels = new HashMap<Long, MemberStats.ChannelStats>();
        for (JsonNode c : Json.array(m, "channels")) {
            long ch = Json.id(c, "id");
            channels.put(ch, new MemberStats.ChannelStats(ch, Json.number(c, "voiceMs"), Json.number(c, "sessions")));
        }
        var metadata = new HashMap<String, String>();
        JsonNode meta = Json.field(m, "metadata");
        if (!meta.isObject()) {
            throw new IllegalArgumentException("metadata must be an object, was " + meta.getNodeType());
        }
        var it = ((ObjectNode) meta).fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("metadata." + e.getKey() + " must be a string");
            }
            metadata.put(e.getKey(), e.getValue().asText());
        }
        var stats = new MemberStats(
                guildId,
                userId,
                Json.number(m, "voiceMs"),
                Json.number(m, "xp"),
                Math.toIntExact(Json.number(m, "level")),
                Json.number(m, "sessions"),
                Json.number(m, "messages"),
                Instant.parse(Json.text(m, "lastSeen")),
                Math.toIntExact(Json.number(m, "streak")),
                LocalDate.parse(Json.text(m, "lastActiveDay")),
                channels,
                metadata);
        return MemberRecord.of(stats, List.of());
    }

    private static VoiceSession readSession(long guildId, JsonNode s) {
        JsonNode end = Json.field(s, "end");
        return new VoiceSession(
                Json.text(s, "id"),
                guildId,
                Json.id(s, "userId"),
                Json.id(s, "channelId"),
                Instant.parse(Json.text(s, "start")),
                end.isNull() ? null : Instant.parse(Json.text(s, "end")),
                Instant.parse(Json.text(s, "lastAccrual")),
                Json.number(s, "durationMs"),
                Json.number(s, "xpEarned"),
                Json.number(s, "mutedMs"),
                Json.number(s, "deafenedMs"));
    }
}

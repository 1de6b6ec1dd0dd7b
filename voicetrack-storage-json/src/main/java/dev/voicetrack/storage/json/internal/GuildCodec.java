package dev.voicetrack.storage.json.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

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

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GuildCodec() {}

    // ---------------------------------------------------------------- write

    public static byte[] write(GuildData g) {
        var out = new ByteArrayOutputStream(Math.max(1024, g.sizeHint + g.sizeHint / 8));
        try (JsonGenerator j = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            j.writeStringField("format", FORMAT);
            j.writeNumberField("version", VERSION);
            j.writeStringField("guildId", Long.toString(g.guildId));
            j.writeFieldName("config");
            if (g.config == null) {
                j.writeNull();
            } else {
                writeConfig(j, g.config);
            }
            j.writeArrayFieldStart("members");
            long[] ids = new long[g.members.size()];
            int n = 0;
            for (long id : g.members.keySet()) {
                ids[n++] = id;
            }
            Arrays.sort(ids);
            for (long id : ids) {
                writeMember(j, id, g.members.get(id));
            }
            j.writeEndArray();
            j.writeObjectFieldStart("activityFiles");
            for (var e : g.dayFiles.entrySet()) {
                j.writeNumberField(e.getKey().toString(), e.getValue());
            }
            j.writeEndObject();
            j.writeArrayFieldStart("sessions");
            for (VoiceSession s : g.sessions.values()) {
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
     * The activity file of one day: {@code {"format": "voicetrack-day", "version": 1, "guildId": "1",
     * "day": "2024-03-10", "rows": [["userId", "channel", voiceMs, xp, messages], ...]}}.
     */
    public static byte[] writeDay(GuildData g, LocalDate day, List<Long> users) {
        var out = new ByteArrayOutputStream(64 + users.size() * 48);
        try (JsonGenerator j = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            j.writeStartObject();
            j.writeStringField("format", DAY_FORMAT);
            j.writeNumberField("version", VERSION);
            j.writeStringField("guildId", Long.toString(g.guildId));
            j.writeStringField("day", day.toString());
            j.writeArrayFieldStart("rows");
            for (long u : users) {
                TreeMap<Long, long[]> m = g.members.get(u).daily.get(day);
                for (var c : m.entrySet()) {
                    long[] v = c.getValue();
                    j.writeStartArray();
                    j.writeString(Long.toString(u));
                    j.writeString(Long.toString(c.getKey()));
                    j.writeNumber(v[0]);
                    j.writeNumber(v[1]);
                    j.writeNumber(v[2]);
                    j.writeEndArray();
                }
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
        if (!DAY_FORMAT.equals(text(root, "format"))) {
            throw new IllegalArgumentException(
                    "format must be '" + DAY_FORMAT + "', was '" + text(root, "format") + "'");
        }
        long version = number(root, "version");
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "version " + version + " is not supported (this build reads version " + VERSION + ")");
        }
        if (id(root, "guildId") != g.guildId || !text(root, "day").equals(day.toString())) {
            throw new IllegalArgumentException("holds guild " + text(root, "guildId") + " day " + text(root, "day")
                    + ", not guild " + g.guildId + " day " + day);
        }
        for (JsonNode d : array(root, "rows")) {
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
            MemberRow r = g.members.get(user);
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
            r.daily.computeIfAbsent(day, k -> new TreeMap<>()).put(channel, v);
        }
    }

    private static void writeMember(JsonGenerator j, long userId, MemberRow r) throws IOException {
        j.writeStartObject();
        j.writeStringField("userId", Long.toString(userId));
        j.writeNumberField("voiceMs", r.voiceMs);
        j.writeNumberField("xp", r.xp);
        j.writeNumberField("level", r.level);
        j.writeNumberField("sessions", r.sessions);
        j.writeNumberField("messages", r.messages);
        j.writeStringField("lastSeen", r.lastSeen.toString());
        j.writeNumberField("streak", r.streak);
        j.writeStringField("lastActiveDay", r.lastActiveDay.toString());
        j.writeArrayFieldStart("channels");
        for (var c : r.channels.entrySet()) {
            j.writeStartObject();
            j.writeStringField("id", Long.toString(c.getKey()));
            j.writeNumberField("voiceMs", c.getValue()[0]);
            j.writeNumberField("sessions", c.getValue()[1]);
            j.writeEndObject();
        }
        j.writeEndArray();
        j.writeObjectFieldStart("metadata");
        for (var m : r.metadata.entrySet()) {
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

    private static void writeConfig(JsonGenerator j, GuildConfig c) throws IOException {
        j.writeStartObject();
        j.writeBooleanField("trackBots", c.trackBots());
        j.writeBooleanField("trackAllChannels", c.trackAllChannels());
        writeIds(j, "channelIds", c.channelIds());
        j.writeBooleanField("trackMuted", c.trackMuted());
        j.writeBooleanField("trackDeafened", c.trackDeafened());
        j.writeNumberField("minUsersToTrack", c.minUsersToTrack());
        j.writeNumberField("maxUsersToTrack", c.maxUsersToTrack());
        j.writeArrayFieldStart("exemptPermissions");
        for (String p : new TreeSet<>(c.exemptPermissions())) {
            j.writeString(p);
        }
        j.writeEndArray();
        j.writeStringField("xpStrategy", c.xpStrategy());
        XpConfig x = c.xpConfig();
        j.writeObjectFieldStart("xpConfig");
        writeNullable(j, "baseAmount", x.baseAmount());
        j.writeArrayFieldStart("roles"); // an array: the order of roles matters
        for (var e : x.roles().entrySet()) {
            j.writeStartObject();
            j.writeStringField("roleId", Long.toString(e.getKey()));
            j.writeNumberField("xp", e.getValue());
            j.writeEndObject();
        }
        j.writeEndArray();
        writeNullable(j, "boosterMultiplier", x.boosterMultiplier());
        writeNullable(j, "minXP", x.minXP());
        writeNullable(j, "maxXP", x.maxXP());
        j.writeEndObject();
        j.writeStringField("voiceTimeStrategy", c.voiceTimeStrategy());
        j.writeObjectFieldStart("voiceTimeConfig");
        writeNullable(j, "baseAmount", c.voiceTimeConfig().baseAmount());
        writeNullable(j, "multiplier", c.voiceTimeConfig().multiplier());
        j.writeEndObject();
        j.writeStringField("levelMultiplierStrategy", c.levelMultiplierStrategy());
        j.writeObjectFieldStart("levelMultiplierConfig");
        writeNullable(j, "baseMultiplier", c.levelMultiplierConfig().baseMultiplier());
        j.writeEndObject();
        j.writeBooleanField("enableLeveling", c.enableLeveling());
        j.writeBooleanField("enableVoiceTime", c.enableVoiceTime());
        writeIds(j, "excludedChannelIds", c.excludedChannelIds());
        writeIds(j, "noXpRoleIds", c.noXpRoleIds());
        writeIds(j, "noXpChannelIds", c.noXpChannelIds());
        j.writeBooleanField("botsCountAsCompany", c.botsCountAsCompany());
        j.writeBooleanField("mutedCountAsCompany", c.mutedCountAsCompany());
        j.writeNumberField("messageXp", c.messageXp());
        j.writeNumberField("messageXpCooldownMs", c.messageXpCooldown().toMillis());
        j.writeStringField("timeZone", c.timeZone().getId());
        j.writeEndObject();
    }

    private static void writeIds(JsonGenerator j, String name, java.util.Set<Long> ids) throws IOException {
        j.writeArrayFieldStart(name);
        for (long id : new TreeSet<>(ids)) {
            j.writeString(Long.toString(id));
        }
        j.writeEndArray();
    }

    private static void writeNullable(JsonGenerator j, String name, @Nullable Number n) throws IOException {
        j.writeFieldName(name);
        if (n == null) {
            j.writeNull();
        } else if (n instanceof Double d) {
            j.writeNumber(d);
        } else {
            j.writeNumber(n.longValue());
        }
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
        if (!FORMAT.equals(text(root, "format"))) {
            throw new IllegalArgumentException("format must be '" + FORMAT + "', was '" + text(root, "format") + "'");
        }
        long version = number(root, "version");
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "version " + version + " is not supported (this build reads version " + VERSION + ")");
        }
        GuildData g = new GuildData(id(root, "guildId"));
        JsonNode config = field(root, "config");
        g.config = config.isNull() ? null : readConfig(config);
        for (JsonNode m : array(root, "members")) {
            long user = id(m, "userId");
            if (g.members.put(user, readMember(m)) != null) {
                throw new IllegalArgumentException("member " + user + " appears twice");
            }
        }
        JsonNode files = field(root, "activityFiles");
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
        for (JsonNode s : array(root, "sessions")) {
            VoiceSession vs = readSession(g.guildId, s);
            if (g.sessions.put(vs.id(), vs) != null) {
                throw new IllegalArgumentException("session " + vs.id() + " appears twice");
            }
        }
        return g;
    }

    private static MemberRow readMember(JsonNode m) {
        MemberRow r = new MemberRow();
        r.voiceMs = number(m, "voiceMs");
        r.xp = number(m, "xp");
        r.level = Math.toIntExact(number(m, "level"));
        r.sessions = number(m, "sessions");
        r.messages = number(m, "messages");
        r.lastSeen = Instant.parse(text(m, "lastSeen"));
        r.streak = Math.toIntExact(number(m, "streak"));
        r.lastActiveDay = LocalDate.parse(text(m, "lastActiveDay"));
        for (JsonNode c : array(m, "channels")) {
            r.channels.put(id(c, "id"), new long[] {number(c, "voiceMs"), number(c, "sessions")});
        }
        JsonNode meta = field(m, "metadata");
        if (!meta.isObject()) {
            throw new IllegalArgumentException("metadata must be an object, was " + meta.getNodeType());
        }
        var it = ((ObjectNode) meta).fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("metadata." + e.getKey() + " must be a string");
            }
            r.metadata.put(e.getKey(), e.getValue().asText());
        }
        return r;
    }

    private static VoiceSession readSession(long guildId, JsonNode s) {
        JsonNode end = field(s, "end");
        return new VoiceSession(
                text(s, "id"),
                guildId,
                id(s, "userId"),
                id(s, "channelId"),
                Instant.parse(text(s, "start")),
                end.isNull() ? null : Instant.parse(text(s, "end")),
                Instant.parse(text(s, "lastAccrual")),
                number(s, "durationMs"),
                number(s, "xpEarned"),
                number(s, "mutedMs"),
                number(s, "deafenedMs"));
    }

    private static GuildConfig readConfig(JsonNode c) {
        JsonNode x = field(c, "xpConfig");
        Map<Long, Long> roles = new LinkedHashMap<>();
        for (JsonNode r : array(x, "roles")) {
            roles.put(id(r, "roleId"), number(r, "xp"));
        }
        var xp = new XpConfig(
                nullableLong(x, "baseAmount"),
                roles,
                nullableDouble(x, "boosterMultiplier"),
                nullableLong(x, "minXP"),
                nullableLong(x, "maxXP"));
        JsonNode v = field(c, "voiceTimeConfig");
        JsonNode l = field(c, "levelMultiplierConfig");
        var perms = new ArrayList<String>();
        for (JsonNode p : array(c, "exemptPermissions")) {
            if (!p.isTextual()) {
                throw new IllegalArgumentException("exemptPermissions must hold strings");
            }
            perms.add(p.asText());
        }
        return GuildConfig.builder()
                .trackBots(bool(c, "trackBots"))
                .trackAllChannels(bool(c, "trackAllChannels"))
                .channelIds(ids(c, "channelIds"))
                .trackMuted(bool(c, "trackMuted"))
                .trackDeafened(bool(c, "trackDeafened"))
                .minUsersToTrack(Math.toIntExact(number(c, "minUsersToTrack")))
                .maxUsersToTrack(Math.toIntExact(number(c, "maxUsersToTrack")))
                .exemptPermissions(perms)
                .xpStrategy(text(c, "xpStrategy"))
                .xpConfig(xp)
                .voiceTimeStrategy(text(c, "voiceTimeStrategy"))
                .voiceTimeConfig(new VoiceTimeConfig(nullableLong(v, "baseAmount"), nullableDouble(v, "multiplier")))
                .levelMultiplierStrategy(text(c, "levelMultiplierStrategy"))
                .levelMultiplierConfig(new LevelMultiplierConfig(nullableDouble(l, "baseMultiplier")))
                .enableLeveling(bool(c, "enableLeveling"))
                .enableVoiceTime(bool(c, "enableVoiceTime"))
                .excludedChannelIds(ids(c, "excludedChannelIds"))
                .noXpRoleIds(ids(c, "noXpRoleIds"))
                .noXpChannelIds(ids(c, "noXpChannelIds"))
                .botsCountAsCompany(bool(c, "botsCountAsCompany"))
                .mutedCountAsCompany(bool(c, "mutedCountAsCompany"))
                .messageXp(number(c, "messageXp"))
                .messageXpCooldown(Duration.ofMillis(number(c, "messageXpCooldownMs")))
                .timeZone(ZoneId.of(text(c, "timeZone")))
                .build();
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + name + "' must be a string, was " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer, was " + v);
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field '" + name + "' must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    private static long id(JsonNode n, String name) {
        long id = id0(n, name);
        if (id <= 0) {
            throw new IllegalArgumentException("field '" + name + "' must be an id > 0, was " + id);
        }
        return id;
    }

    private static long id0(JsonNode n, String name) {
        String s = text(n, name);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + name + "' must be a decimal id, was '" + s + "'", e);
        }
    }

    private static List<Long> ids(JsonNode n, String name) {
        var out = new ArrayList<Long>();
        for (JsonNode v : array(n, name)) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("field '" + name + "' must hold id strings, was " + v);
            }
            out.add(Long.parseLong(v.asText()));
        }
        return out;
    }

    private static JsonNode array(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("field '" + name + "' must be an array, was " + v.getNodeType());
        }
        return v;
    }

    private static @Nullable Long nullableLong(JsonNode n, String name) {
        return field(n, name).isNull() ? null : number(n, name);
    }

    private static @Nullable Double nullableDouble(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field '" + name + "' must be a number, was " + v);
        }
        return v.asDouble();
    }
}

package dev.voicetrack.core.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Dvt*} records from discord-vc-tracker's objects as a JSON file or a MongoDB document
 * holds them (a map per object, field names as the original's types name them), in one place for
 * every reader. Missing counters read as 0, as the original's defaults; a value of the wrong type is
 * an {@link ImportException} naming the place and the value.
 */
public final class DvtDocuments {
    private DvtDocuments() {}

    /** A guild record ({@code guildId} is taken from the key the store files it under). */
    public static DvtGuild guild(String guildId, Map<String, Object> doc, String where) {
        Map<String, Object> extra = DvtValues.object(doc.get("extraData"), where + ".extraData");
        return new DvtGuild(
                guildId,
                DvtValues.object(doc.get("config"), where + ".config"),
                DvtValues.instant(doc.get("lastUpdated"), where + ".lastUpdated"),
                extra == null ? Map.of() : extra);
    }

    /** A member record. */
    public static DvtUser user(Map<String, Object> doc, String where) {
        String userId = DvtValues.id(doc.get("userId"), where + ".userId");
        String at = where + " (user " + userId + ")";
        return new DvtUser(
                userId,
                DvtValues.integer(doc.get("totalVoiceTime"), 0, at + ".totalVoiceTime"),
                DvtValues.integer(doc.get("xp"), 0, at + ".xp"),
                DvtValues.integer(doc.get("level"), 0, at + ".level"),
                channels(doc.get("channels"), at + ".channels"),
                DvtValues.instant(doc.get("lastSeen"), at + ".lastSeen"),
                DvtValues.integer(doc.get("streak"), 0, at + ".streak"),
                DvtValues.integer(doc.get("totalSessions"), 0, at + ".totalSessions"),
                DvtValues.object(doc.get("metadata"), at + ".metadata"));
    }

    /** The per-channel entries: a list of objects, or null for none. */
    public static List<DvtUser.DvtChannel> channels(@Nullable Object list, String where) {
        List<DvtUser.DvtChannel> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        if (!(list instanceof List<?> entries)) {
            throw new ImportException(where + " must be a list, was " + DvtValues.show(list));
        }
        int i = 0;
        for (Object e : entries) {
            String at = where + "[" + i++ + "]";
            Map<String, Object> c = DvtValues.object(e, at);
            if (c == null) {
                throw new ImportException(at + " must be an object, was nothing");
            }
            out.add(new DvtUser.DvtChannel(
                    DvtValues.id(c.get("channelId"), at + ".channelId"),
                    DvtValues.integer(c.get("voiceTime"), 0, at + ".voiceTime"),
                    DvtValues.integer(c.get("sessions"), 0, at + ".sessions"),
                    DvtValues.instant(c.get("lastActivity"), at + ".lastActivity")));
        }
        return out;
    }

    /** A session record. */
    public static DvtSession session(Map<String, Object> doc, String where) {
        String id = DvtValues.id(doc.get("sessionId"), where + ".sessionId");
        String at = where + " (session " + id + ")";
        var start = DvtValues.instant(doc.get("startTime"), at + ".startTime");
        if (start == null) {
            throw new ImportException(at + ".startTime is missing");
        }
        Object duration = doc.get("duration");
        return new DvtSession(
                id,
                DvtValues.id(doc.get("userId"), at + ".userId"),
                DvtValues.id(doc.get("channelId"), at + ".channelId"),
                start,
                DvtValues.instant(doc.get("endTime"), at + ".endTime"),
                duration == null ? null : DvtValues.integer(duration, at + ".duration"),
                DvtValues.integer(doc.get("xpEarned"), 0, at + ".xpEarned"),
                DvtValues.bool(doc.get("wasMuted"), false, at + ".wasMuted"),
                DvtValues.bool(doc.get("wasDeafened"), false, at + ".wasDeafened"));
    }
}

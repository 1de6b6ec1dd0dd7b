package dev.voicetrack.core.migrate;

import java.util.List;
import java.util.Locale;

/**
 * The portable member formats of {@link MemberExport} and {@link MemberFileSource}: one record per
 * member with everything a {@link dev.voicetrack.core.MemberStats} holds: guild id, user id, voice
 * time (ms), XP, level, messages, sessions, last seen (ISO-8601, UTC), per-channel voice time and
 * sessions, streak, last active day (ISO-8601 date) and metadata; ids as text so that no reader rounds
 * them. Daily activity and sessions are not part of it.
 *
 * <ul>
 *   <li>{@link #CSV}: a header line {@value #CSV_HEADER}, then one line per member; {@code channels}
 *       is {@code channelId:voiceMs:sessions} entries joined by {@code ;}, {@code metadata} a JSON
 *       object of text values ({@code {"note":"vip"}}, quoted as CSV quotes a field with commas or
 *       quotes). Fields may be quoted as spreadsheets write them. A file with the first nine columns
 *       only ({@value #BASE_CSV_HEADER}, as the first exports wrote) is read too, with streak 0,
 *       no last active day and no metadata.
 *   <li>{@link #JSON}: a JSON array with one member object per line, {@code {"guild_id": "1",
 *       "user_id": "2", "voice_time_ms": 0, "xp": 0, "level": 0, "messages": 0, "sessions": 0,
 *       "last_seen": "...", "channels": {"3": {"voice_time_ms": 0, "sessions": 0}}, "streak": 0,
 *       "last_active_day": "1970-01-01", "metadata": {}}}; the last three may be left out (as in the
 *       CSV's nine columns). The reader takes one object per line (as the export writes it), so
 *       files of any size stream.
 * </ul>
 */
public enum MemberFormat {
    CSV,
    JSON;

    /** The CSV header line. */
    public static final String CSV_HEADER = "guild_id,user_id,voice_time_ms,xp,level,messages,sessions,last_seen,"
            + "channels,streak,last_active_day,metadata";

    /** The header of files with the first nine columns only, still read. */
    public static final String BASE_CSV_HEADER =
            "guild_id,user_id,voice_time_ms,xp,level,messages,sessions,last_seen,channels";

    static final List<String> COLUMNS = List.of(CSV_HEADER.split(","));

    static final List<String> BASE_COLUMNS = List.of(BASE_CSV_HEADER.split(","));

    /**
     * The format of a name: {@code csv} or {@code json}, any case.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static MemberFormat of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("format must be csv or json, was '" + name + "'");
        };
    }
}

package dev.voicetrack.core.migrate;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.storage.GuildSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a file in a {@link MemberFormat} (what {@link MemberExport} writes, or a spreadsheet saved as
 * CSV with the same columns) as an {@link ImportSource}: line by line, one guild's members at a time,
 * so the rows of a guild must be together (as the export writes them). Every row is checked; a
 * malformed one fails with an {@link ImportException} naming the file, the line number, the column
 * and the value, and (through the {@link Importer}'s check) nothing is written.
 *
 * <p>The format holds member totals only: each guild in the file replaces that guild's members in the
 * target, whose sessions and daily history of that guild are cleared with them; the target's config
 * of the guild is kept ({@link Importer} keeps it for sources without configs). Daily activity is not
 * part of the format: the imported members have none.
 */
public final class MemberFileSource implements ImportSource {
    private final Path file;
    private final MemberFormat format;

    private MemberFileSource(Path file, MemberFormat format) {
        this.file = file;
        this.format = format;
    }

    /**
     * A source reading {@code file}.
     *
     * @throws ImportException if the file does not exist
     */
    public static MemberFileSource open(Path file, MemberFormat format) {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(format, "format must not be null");
        if (!Files.isRegularFile(file)) {
            throw new ImportException(file + " does not exist or is not a file");
        }
        return new MemberFileSource(file, format);
    }

    @Override
    public String describe() {
        return format.name().toLowerCase(java.util.Locale.ROOT) + ":" + file;
    }

    @Override
    public void read(Sink sink) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Set<Long> seen = new HashSet<>();
            long guild = -1;
            List<GuildSnapshot.Member> members = new ArrayList<>();
            Set<Long> users = new HashSet<>();
            String line;
            int n = 0;
            boolean header = false;
            List<String> columns = MemberFormat.COLUMNS;
            boolean closed = false;
            while ((line = in.readLine()) != null) {
                n++;
                String text = n == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
                if (text.isBlank()) {
                    continue;
                }
                if (closed) {
                    throw error(n, "unexpected text after the closing ']'");
                }
                MemberStats m;
                if (format == MemberFormat.CSV) {
                    if (!header) {
                        columns = split(text, n);
                        if (!columns.equals(MemberFormat.COLUMNS) && !columns.equals(MemberFormat.BASE_COLUMNS)) {
                            throw error(
                                    n,
                                    "the header must be " + MemberFormat.CSV_HEADER
                                            + " (or its first nine columns), was '" + text + "'");
                        }
                        header = true;
                        continue;
                    }
                    m = fromCsv(split(text, n), columns.size(), n);
                } else {
                    String t = text.strip();
                    if (!header) {
                        if (!t.equals("[") && !t.equals("[]")) {
                            throw error(n, "expected '[' (a JSON array of members, one object per line)");
                        }
                        header = true;
                        closed = t.equals("[]");
                        continue;
                    }
                    if (t.equals("]")) {
                        closed = true;
                        continue;
                    }
                    m = fromJson(t.endsWith(",") ? t.substring(0, t.length() - 1) : t, n);
                }
                if (m.guildId() != guild) {
                    if (guild > 0) {
                        sink.guild(Long.toString(guild), new GuildSnapshot(guild, null, members, List.of()));
                    }
                    if (!seen.add(m.guildId())) {
                        throw error(
                                n,
                                "guild " + m.guildId() + " appears again after other guilds; the rows of a"
                                        + " guild must be together");
                    }
                    guild = m.guildId();
                    members = new ArrayList<>();
                    users.clear();
                }
                if (!users.add(m.userId())) {
                    throw error(n, "user " + m.userId() + " of guild " + guild + " appears twice");
                }
                members.add(new GuildSnapshot.Member(m, List.of()));
            }
            if (!header) {
                throw error(n, format == MemberFormat.CSV ? "the file is empty (no header line)" : "the file is empty");
            }
            if (format == MemberFormat.JSON && !closed) {
                throw error(n, "the file ends before the closing ']' (half-written?)");
            }
            if (guild > 0) {
                sink.guild(Long.toString(guild), new GuildSnapshot(guild, null, members, List.of()));
            }
        } catch (IOException e) {
            throw new ImportException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private MemberStats fromCsv(List<String> f, int columns, int line) {
        if (f.size() != columns) {
            throw error(line, "expected " + columns + " columns as the header has, found " + f.size());
        }
        Map<Long, MemberStats.ChannelStats> channels = new HashMap<>();
        String text = f.get(8).strip();
        if (!text.isEmpty()) {
            for (String entry : text.split(";", -1)) {
                String[] p = entry.split(":", -1);
                if (p.length != 3) {
                    throw error(
                            line, "column 'channels' entries must be channelId:voiceMs:sessions, was '" + entry + "'");
                }
                long id = id(p[0], "channels", line);
                channel(channels, id, count(p[1], "channels", line), count(p[2], "channels", line), line);
            }
        }
        MemberStats m =
                member(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5), f.get(6), f.get(7), channels, line);
        if (columns == MemberFormat.BASE_COLUMNS.size()) {
            return m;
        }
        Object metadata = null;
        String md = f.get(11).strip();
        if (!md.isEmpty()) {
            try {
                metadata = DvtJson.parse(md, "column 'metadata'");
            } catch (ImportException e) {
                throw error(
                        line,
                        "column 'metadata' must be a JSON object of text values such as {\"note\":\"vip\"}: "
                                + e.getMessage() + ", was '" + md + "'");
            }
        }
        return withRest(m, f.get(9), f.get(10), metadata, line);
    }

    /** The member with its streak, last active day and metadata (each as the file spells it; blank: none). */
    private MemberStats withRest(
            MemberStats m, String streak, String lastActiveDay, @Nullable Object metadata, int line) {
        long days = streak.isBlank() ? 0 : count(streak, "streak", line);
        if (days > Integer.MAX_VALUE) {
            throw error(line, "column 'streak' must be at most " + Integer.MAX_VALUE + ", was '" + streak + "'");
        }
        LocalDate day = LocalDate.EPOCH;
        if (!lastActiveDay.isBlank()) {
            try {
                day = LocalDate.parse(lastActiveDay.strip());
            } catch (RuntimeException e) {
                throw error(
                        line,
                        "column 'last_active_day' must be an ISO-8601 date such as 2024-05-01, was '" + lastActiveDay
                                + "'");
            }
        }
        Map<String, String> values = new HashMap<>();
        if (metadata != null) {
            if (!(metadata instanceof Map<?, ?> map)) {
                throw error(
                        line,
                        "column 'metadata' must be a JSON object of text values such as {\"note\":\"vip\"}, was '"
                                + DvtJson.write(metadata) + "'");
            }
            for (var e : map.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw error(
                            line,
                            "column 'metadata' value of '" + e.getKey() + "' must be text, was "
                                    + DvtValues.show(e.getValue()));
                }
                values.put(String.valueOf(e.getKey()), v);
            }
        }
        return new MemberStats(
                m.guildId(),
                m.userId(),
                m.voiceTimeMs(),
                m.xp(),
                m.level(),
                m.sessions(),
                m.messages(),
                m.lastSeen(),
                (int) days,
                day,
                m.channels(),
                values);
    }

    private MemberStats fromJson(String text, int line) {
        Object v;
        try {
            v = DvtJson.parse(text, "line " + line);
        } catch (ImportException e) {
            throw error(line, e.getMessage());
        }
        if (!(v instanceof Map<?, ?> o)) {
            throw error(line, "expected one member object per line");
        }
        for (Object key : o.keySet()) {
            if (!MemberFormat.COLUMNS.contains(key)) {
                throw error(line, "unknown field '" + key + "' (fields: " + MemberFormat.CSV_HEADER + ")");
            }
        }
        Map<Long, MemberStats.ChannelStats> channels = new HashMap<>();
        Object cs = o.get("channels");
        if (cs != null) {
            if (!(cs instanceof Map<?, ?> cm)) {
                throw error(line, "field 'channels' must be an object keyed by channel id");
            }
            for (var e : cm.entrySet()) {
                long id = id(String.valueOf(e.getKey()), "channels", line);
                if (!(e.getValue() instanceof Map<?, ?> c)) {
                    throw error(line, "field 'channels." + e.getKey() + "' must be an object");
                }
                channel(
                        channels,
                        id,
                        count(text(c.get("voice_time_ms")), "channels", line),
                        count(text(c.get("sessions")), "channels", line),
                        line);
            }
        }
        MemberStats m = member(
                text(o.get("guild_id")),
                text(o.get("user_id")),
                text(o.get("voice_time_ms")),
                text(o.get("xp")),
                text(o.get("level")),
                text(o.get("messages")),
                text(o.get("sessions")),
                text(o.get("last_seen")),
                channels,
                line);
        return withRest(m, text(o.get("streak")), text(o.get("last_active_day")), o.get("metadata"), line);
    }

    private MemberStats member(
            String guild,
            String user,
            String voice,
            String xp,
            String level,
            String messages,
            String sessions,
            String lastSeen,
            Map<Long, MemberStats.ChannelStats> channels,
            int line) {
        long lvl = count(level, "level", line);
        if (lvl > Integer.MAX_VALUE) {
            throw error(line, "column 'level' must be at most " + Integer.MAX_VALUE + ", was '" + level + "'");
        }
        Instant seen;
        try {
            seen = Instant.parse(lastSeen.strip());
        } catch (RuntimeException e) {
            throw error(
                    line,
                    "column 'last_seen' must be an ISO-8601 instant such as 2024-05-01T10:00:00.123Z," + " was '"
                            + lastSeen + "'");
        }
        return new MemberStats(
                id(guild, "guild_id", line),
                id(user, "user_id", line),
                count(voice, "voice_time_ms", line),
                count(xp, "xp", line),
                (int) lvl,
                count(sessions, "sessions", line),
                count(messages, "messages", line),
                seen,
                0,
                LocalDate.EPOCH,
                channels,
                Map.of());
    }

    private void channel(Map<Long, MemberStats.ChannelStats> channels, long id, long ms, long sessions, int line) {
        if (channels.put(id, new MemberStats.ChannelStats(id, ms, sessions)) != null) {
            throw error(line, "channel " + id + " is listed twice");
        }
    }

    private static String text(@Nullable Object v) {
        return v == null ? "" : v.toString();
    }

    private long id(String text, String column, int line) {
        try {
            long v = Long.parseLong(text.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(line, "column '" + column + "' must be a snowflake id (digits, > 0), was '" + text + "'");
    }

    private long count(String text, String column, int line) {
        try {
            long v = Long.parseLong(text.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(line, "column '" + column + "' must be a whole number >= 0, was '" + text + "'");
    }

    /** The fields of one CSV line; double quotes group, {@code ""} inside quotes is a quote. */
    private List<String> split(String line, int n) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw error(n, "a quoted field is not closed on its line");
        }
        out.add(cur.toString());
        return out;
    }

    private ImportException error(int line, String what) {
        return new ImportException(file + " line " + line + ": " + what + "; nothing was written");
    }
}

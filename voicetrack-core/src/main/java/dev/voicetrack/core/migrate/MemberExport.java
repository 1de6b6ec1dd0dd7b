package dev.voicetrack.core.migrate;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes every member of some guilds of a {@link Storage} in a {@link MemberFormat}, streamed: the
 * members are read a page of {@value #PAGE} at a time (the all-time XP leaderboard, then each
 * member), so a guild of a million members needs memory for one page. {@link MemberFileSource} reads
 * the output back exactly. Stop the trackers writing to the storage first: a member that moves across
 * a page boundary while the export runs could be written twice or missed (the export checks the
 * count per guild and fails if it differs).
 */
public final class MemberExport {
    /** Members read per page. */
    public static final int PAGE = 1000;

    private MemberExport() {}

    /**
     * Writes the members of {@code guildIds}, guild by guild in the order given.
     *
     * @return the number of members written
     * @throws StorageException if a read fails, or a guild's member count changed during the export
     * @throws UncheckedIOException if {@code out} fails
     */
    public static long write(Storage storage, Collection<Long> guildIds, MemberFormat format, Appendable out) {
        Objects.requireNonNull(storage, "storage must not be null");
        Objects.requireNonNull(format, "format must not be null");
        Objects.requireNonNull(out, "out must not be null");
        long written = 0;
        try {
            out.append(format == MemberFormat.CSV ? MemberFormat.CSV_HEADER : "[")
                    .append('\n');
            boolean first = true;
            for (long guildId : guildIds) {
                long expected = storage.memberCount(guildId);
                long inGuild = 0;
                for (int offset = 0; ; offset += PAGE) {
                    List<LeaderboardEntry> page = storage.leaderboard(guildId, Metric.XP, null, PAGE, offset);
                    for (LeaderboardEntry e : page) {
                        MemberStats m = storage.member(guildId, e.userId())
                                .orElseThrow(() -> new StorageException("export of guild " + guildId + ": member "
                                        + e.userId() + " disappeared while it was exported; stop the bot and retry"));
                        if (format == MemberFormat.CSV) {
                            out.append(csv(m)).append('\n');
                        } else {
                            out.append(first ? "" : ",\n").append(json(m));
                            first = false;
                        }
                        inGuild++;
                    }
                    if (page.size() < PAGE) {
                        break;
                    }
                }
                if (inGuild != expected) {
                    throw new StorageException("export of guild " + guildId + ": " + expected + " members stored, "
                            + inGuild + " exported (it changed during the export); stop the bot and retry");
                }
                written += inGuild;
            }
            if (format == MemberFormat.JSON) {
                out.append(first ? "]\n" : "\n]\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    static String csv(MemberStats m) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(m.guildId())
                .append(',')
                .append(m.userId())
                .append(',')
                .append(m.voiceTimeMs())
                .append(',')
                .append(m.xp())
                .append(',')
                .append(m.level())
                .append(',')
                .append(m.messages())
                .append(',')
                .append(m.sessions())
                .append(',')
                .append(m.lastSeen())
                .append(',');
        boolean first = true;
        for (MemberStats.ChannelStats c : channels(m)) {
            sb.append(first ? "" : ";")
                    .append(c.channelId())
                    .append(':')
                    .append(c.voiceTimeMs())
                    .append(':')
                    .append(c.sessions());
            first = false;
        }
        sb.append(',').append(m.streak()).append(',').append(m.lastActiveDay()).append(',');
        String metadata = DvtJson.write(new TreeMap<>(m.metadata()));
        if (metadata.indexOf(',') < 0 && metadata.indexOf('"') < 0) {
            sb.append(metadata);
        } else {
            sb.append('"').append(metadata.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    static String json(MemberStats m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("guild_id", Long.toString(m.guildId()));
        o.put("user_id", Long.toString(m.userId()));
        o.put("voice_time_ms", m.voiceTimeMs());
        o.put("xp", m.xp());
        o.put("level", (long) m.level());
        o.put("messages", m.messages());
        o.put("sessions", m.sessions());
        o.put("last_seen", m.lastSeen().toString());
        Map<String, Object> channels = new LinkedHashMap<>();
        for (MemberStats.ChannelStats c : channels(m)) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("voice_time_ms", c.voiceTimeMs());
            v.put("sessions", c.sessions());
            channels.put(Long.toString(c.channelId()), v);
        }
        o.put("channels", channels);
        o.put("streak", (long) m.streak());
        o.put("last_active_day", m.lastActiveDay().toString());
        o.put("metadata", new TreeMap<String, Object>(m.metadata()));
        return DvtJson.write(o);
    }

    private static List<MemberStats.ChannelStats> channels(MemberStats m) {
        List<MemberStats.ChannelStats> list = new ArrayList<>(m.channels().values());
        list.sort(Comparator.comparingLong(MemberStats.ChannelStats::channelId));
        return list;
    }
}

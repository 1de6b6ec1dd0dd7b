package dev.voicetrack.core.migrate.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.migrate.DvtGuild;
import dev.voicetrack.core.migrate.DvtGuildData;
import dev.voicetrack.core.migrate.DvtJson;
import dev.voicetrack.core.migrate.DvtSession;
import dev.voicetrack.core.migrate.DvtUser;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportNote;
import dev.voicetrack.core.migrate.ImportNote.Kind;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.SessionTable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One discord-vc-tracker guild to a {@link GuildSnapshot}, with a note for everything not copied as
 * it was. The rules, each applied here once whatever the source format:
 *
 * <ul>
 *   <li>Totals, XP, level, session counts, per-channel time and session counts, last seen, metadata
 *       and stored sessions come over as stored. Where the source disagrees with itself (a level the
 *       formula would not give, voice time that is not the sum of the channels or of the member's
 *       sessions), its numbers are kept and an {@code INCONSISTENT} note lists them.
 *   <li>Sessions whose member record was deleted are kept (the original keeps them too).
 *   <li>Metadata values that are not strings are stored as their JSON text (VoiceTrack's metadata
 *       is text); guild {@code extraData}, per-channel {@code lastActivity} and the sessions'
 *       {@code wasMuted}/{@code wasDeafened} have no VoiceTrack counterpart and are reported.
 *   <li>A session's missing duration is 0 (SQLite stored a 0 as NULL; an open session has none). An
 *       open session stays open with its start as the last accrual, so a tracker that starts on the
 *       imported data credits nothing for the time before the import.
 *   <li>The original keeps no daily history, so the imported members have no daily activity rows:
 *       day, week and month leaderboards count from the import on.
 * </ul>
 */
public final class DvtMapper {
    private final DvtGuildData data;
    private final Consumer<ImportNote> notes;
    private final String gid;

    private DvtMapper(DvtGuildData data, Consumer<ImportNote> notes) {
        this.data = data;
        this.notes = notes;
        this.gid = data.guildId();
    }

    /**
     * Maps one guild.
     *
     * @return the snapshot, or null if the guild cannot be imported (a note says why)
     */
    public static @Nullable GuildSnapshot map(DvtGuildData data, Consumer<ImportNote> notes) {
        return new DvtMapper(data, notes).map();
    }

    private @Nullable GuildSnapshot map() {
        long guildId;
        try {
            guildId = DvtConfigMapper.snowflake(gid, "guild id");
        } catch (ImportException e) {
            note(
                    Kind.SKIPPED,
                    "guild",
                    e.getMessage() + "; its " + data.users().size() + " members and "
                            + data.sessions().size() + " sessions are not imported");
            return null;
        }
        DvtGuild guild = data.guild();
        if (guild == null) {
            note(
                    Kind.SKIPPED,
                    "guild",
                    "no guild record (the guild was deleted in the source); its "
                            + data.users().size() + " members and "
                            + data.sessions().size() + " sessions are not imported");
            return null;
        }
        GuildConfig config = DvtConfigMapper.map(guild.config(), gid, notes);
        if (!guild.extraData().isEmpty()) {
            note(
                    Kind.SKIPPED,
                    "guild.extraData",
                    "VoiceTrack stores no free-form guild data; not imported: " + DvtJson.write(guild.extraData()));
        }
        double multiplier = DvtConfigMapper.multiplier(config);
        Map<Long, MemberStats> members = new LinkedHashMap<>();
        boolean lastActivity = false;
        for (DvtUser u : data.users()) {
            MemberStats m = member(guildId, u, multiplier);
            if (m == null) {
                continue;
            }
            if (members.putIfAbsent(m.userId(), m) != null) {
                note(Kind.SKIPPED, "user " + u.userId(), "appears twice in the guild; the first record is imported");
            }
            lastActivity |= u.channels().stream().anyMatch(c -> c.lastActivity() != null);
        }
        if (lastActivity) {
            note(
                    Kind.INFO,
                    "channels.lastActivity",
                    "the time of the last credit per channel has no VoiceTrack"
                            + " counterpart and is not imported (each member's last seen is)");
        }
        List<VoiceSession> sessions = sessions(guildId, members);
        if (!members.isEmpty()) {
            note(
                    Kind.INFO,
                    "guild",
                    "discord-vc-tracker keeps no daily history: day, week and month leaderboards"
                            + " count from the import on; all-time figures are complete");
        }
        List<GuildSnapshot.Member> rows = new ArrayList<>(members.size());
        members.values().forEach(m -> rows.add(new GuildSnapshot.Member(m, List.of())));
        return new GuildSnapshot(guildId, config, rows, sessions);
    }

    private @Nullable MemberStats member(long guildId, DvtUser u, double multiplier) {
        String rec = "user " + u.userId();
        long userId;
        try {
            userId = DvtConfigMapper.snowflake(u.userId(), "user id");
        } catch (ImportException e) {
            note(Kind.SKIPPED, rec, e.getMessage());
            return null;
        }
        long voice = nonNegative(rec, "totalVoiceTime", u.totalVoiceTime());
        long xp = nonNegative(rec, "xp", u.xp());
        long sessions = nonNegative(rec, "totalSessions", u.totalSessions());
        long levelStored = nonNegative(rec, "level", u.level());
        int level = (int) Math.min(levelStored, Integer.MAX_VALUE);
        if (level != levelStored) {
            note(Kind.CHANGED, rec, "level " + levelStored + " is beyond VoiceTrack's largest, imported as " + level);
        }
        int streak = (int) Math.min(nonNegative(rec, "streak", u.streak()), Integer.MAX_VALUE);
        Instant lastSeen = u.lastSeen();
        if (lastSeen == null) {
            note(Kind.CHANGED, rec, "has no lastSeen; imported as never seen (1970-01-01)");
            lastSeen = Instant.EPOCH;
        }
        Map<Long, MemberStats.ChannelStats> channels = new HashMap<>();
        long channelSum = 0;
        for (DvtUser.DvtChannel c : u.channels()) {
            long channelId;
            try {
                channelId = DvtConfigMapper.snowflake(c.channelId(), "channel id");
            } catch (ImportException e) {
                note(Kind.SKIPPED, rec + " channel " + c.channelId(), e.getMessage());
                continue;
            }
            long ms = nonNegative(rec, "channel " + c.channelId() + " voiceTime", c.voiceTime());
            long n = nonNegative(rec, "channel " + c.channelId() + " sessions", c.sessions());
            MemberStats.ChannelStats before = channels.get(channelId);
            if (before != null) {
                note(Kind.CHANGED, rec, "channel " + channelId + " is listed twice; the two entries are added up");
                ms += before.voiceTimeMs();
                n += before.sessions();
            }
            channels.put(channelId, new MemberStats.ChannelStats(channelId, ms, n));
            channelSum += c.voiceTime();
        }
        if (!u.channels().isEmpty() && channelSum != u.totalVoiceTime()) {
            note(
                    Kind.INCONSISTENT,
                    rec,
                    "totalVoiceTime " + u.totalVoiceTime() + " ms is not the sum of its channels' " + channelSum
                            + " ms; both kept as stored");
        }
        if (levelStored != LevelCalculator.level(xp, multiplier)) {
            note(
                    Kind.INCONSISTENT,
                    rec,
                    "level " + levelStored + " is not what " + xp + " XP gives ("
                            + LevelCalculator.level(xp, multiplier) + " at multiplier " + multiplier
                            + "); kept as stored");
        }
        Map<String, String> metadata = new HashMap<>();
        if (u.metadata() != null) {
            List<String> converted = new ArrayList<>();
            u.metadata().forEach((k, v) -> {
                if (v instanceof String s) {
                    metadata.put(k, s);
                } else {
                    metadata.put(k, DvtJson.write(v));
                    converted.add(k);
                }
            });
            if (!converted.isEmpty()) {
                note(Kind.CHANGED, rec, "metadata " + converted + " are not text; stored as their JSON text");
            }
        }
        LocalDate lastActiveDay = streak > 0 ? LocalDate.ofInstant(lastSeen, ZoneOffset.UTC) : LocalDate.EPOCH;
        return new MemberStats(
                guildId, userId, voice, xp, level, sessions, 0, lastSeen, streak, lastActiveDay, channels, metadata);
    }

    private List<VoiceSession> sessions(long guildId, Map<Long, MemberStats> members) {
        // Columns, not objects: a guild may hold millions of sessions (see SessionTable).
        SessionTable.Builder table =
                SessionTable.builder(guildId, Math.min(data.sessions().size(), Integer.MAX_VALUE - 8));
        BitSet mutedRows = new BitSet();
        BitSet deafenedRows = new BitSet();
        for (DvtSession s : data.sessions()) {
            // The record's name is built only for a note: a guild may hold millions of sessions.
            if (s.sessionId().isBlank()) {
                note(Kind.SKIPPED, "session " + s.sessionId(), "the session id is blank");
                continue;
            }
            long userId;
            long channelId;
            try {
                userId = DvtConfigMapper.snowflake(s.userId(), "session user id");
                channelId = DvtConfigMapper.snowflake(s.channelId(), "session channel id");
            } catch (ImportException e) {
                note(Kind.SKIPPED, "session " + s.sessionId(), e.getMessage());
                continue;
            }
            long duration = s.duration() == null ? 0 : s.duration();
            if (duration < 0) {
                note(
                        Kind.CHANGED,
                        "session " + s.sessionId(),
                        "duration " + duration + " ms is negative; imported as 0");
                duration = 0;
            }
            long xp =
                    s.xpEarned() < 0 ? nonNegative("session " + s.sessionId(), "xpEarned", s.xpEarned()) : s.xpEarned();
            if (s.end() != null && s.end().isBefore(s.start())) {
                note(
                        Kind.INCONSISTENT,
                        "session " + s.sessionId(),
                        "ends (" + s.end() + ") before it starts (" + s.start() + "); kept as stored");
            }
            mutedRows.set(table.size(), s.wasMuted());
            deafenedRows.set(table.size(), s.wasDeafened());
            Instant lastAccrual = s.end() != null ? s.end() : s.start();
            table.add(new VoiceSession(
                    s.sessionId(), guildId, userId, channelId, s.start(), s.end(), lastAccrual, duration, xp, 0, 0));
        }
        SessionTable out = table.build((dropped, row) -> {
            note(Kind.SKIPPED, "session " + dropped.id(), "the session id appears twice; the first is imported");
            mutedRows.clear(row);
            deafenedRows.clear(row);
        });
        long muted = mutedRows.cardinality();
        long deafened = deafenedRows.cardinality();
        long orphans = 0;
        Map<Long, Long> closedSum = new HashMap<>();
        for (int i = 0; i < out.size(); i++) {
            long userId = out.userId(i);
            if (!members.containsKey(userId)) {
                orphans++;
            } else if (!out.isOpen(i)) {
                closedSum.merge(userId, out.durationMs(i), Long::sum);
            }
        }
        if (orphans > 0) {
            note(
                    Kind.INFO,
                    "sessions",
                    orphans + " sessions belong to members whose record was deleted in the source;"
                            + " kept, as the original keeps them");
        }
        if (muted + deafened > 0) {
            note(
                    Kind.CHANGED,
                    "sessions",
                    muted + " sessions started muted and " + deafened + " deafened; VoiceTrack"
                            + " records time spent muted or deafened, not the state at the start, so those flags are not"
                            + " imported (muted and deafened time 0)");
        }
        closedSum.forEach((user, sum) -> {
            long total = members.get(user).voiceTimeMs();
            if (sum != total) {
                note(
                        Kind.INCONSISTENT,
                        "user " + user,
                        "totalVoiceTime " + total + " ms is not the sum of its stored"
                                + " sessions' " + sum + " ms (the original credits time per check, not per session);"
                                + " both kept as stored");
            }
        });
        return out;
    }

    private long nonNegative(String rec, String field, long value) {
        if (value < 0) {
            note(Kind.CHANGED, rec, field + " " + value + " is negative; imported as 0");
            return 0;
        }
        return value;
    }

    private void note(Kind kind, String record, String why) {
        notes.accept(new ImportNote(kind, gid, record, why));
    }
}

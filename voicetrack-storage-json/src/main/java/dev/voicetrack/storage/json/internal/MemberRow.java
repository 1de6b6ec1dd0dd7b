package dev.voicetrack.storage.json.internal;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.storage.ActivityRow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One member's stored data. Copy-on-write: a row reachable from a published {@link GuildData} is
 * never changed again; a write {@link #copy() copies} the row, changes the copy, and publishes it
 * only after the guild file holding it was written. Day maps are copied lazily, on first change.
 * Not thread safe (only the single writer touches unpublished rows).
 */
public final class MemberRow {
    public long voiceMs;
    public long xp;
    public int level;
    public long sessions;
    public long messages;
    public Instant lastSeen = Instant.EPOCH;
    public int streak;
    public LocalDate lastActiveDay = LocalDate.EPOCH;
    /** channel id to {voiceMs, sessions}. */
    public final TreeMap<Long, long[]> channels;

    public final TreeMap<String, String> metadata;
    /** day to channel id to {voiceMs, xp, messages}. */
    public final TreeMap<LocalDate, TreeMap<Long, long[]>> daily;

    private final Set<LocalDate> ownDays = new HashSet<>();

    public MemberRow() {
        channels = new TreeMap<>();
        metadata = new TreeMap<>();
        daily = new TreeMap<>();
    }

    private MemberRow(MemberRow o) {
        voiceMs = o.voiceMs;
        xp = o.xp;
        level = o.level;
        sessions = o.sessions;
        messages = o.messages;
        lastSeen = o.lastSeen;
        streak = o.streak;
        lastActiveDay = o.lastActiveDay;
        channels = new TreeMap<>();
        o.channels.forEach((k, v) -> channels.put(k, v.clone()));
        metadata = new TreeMap<>(o.metadata);
        daily = new TreeMap<>(o.daily); // shared day maps until dayForWrite copies them
    }

    /** A private copy to change. */
    public MemberRow copy() {
        return new MemberRow(this);
    }

    /** A day's map that this (unpublished) row owns, copied from the shared one on first use. */
    public TreeMap<Long, long[]> dayForWrite(LocalDate day) {
        TreeMap<Long, long[]> m = daily.get(day);
        if (ownDays.add(day)) {
            TreeMap<Long, long[]> own = new TreeMap<>();
            if (m != null) {
                m.forEach((k, v) -> own.put(k, v.clone()));
            }
            daily.put(day, own);
            return own;
        }
        return m;
    }

    /** Counts {@code day} as active: the streak grows on the next day, restarts after a gap. */
    public void touchStreak(LocalDate day) {
        if (!day.isAfter(lastActiveDay)) {
            return; // same day, or a late increment for an older day: the streak stands
        }
        streak = day.minusDays(1).equals(lastActiveDay) ? streak + 1 : 1;
        lastActiveDay = day;
    }

    public MemberStats toStats(long guildId, long userId) {
        var ch = new HashMap<Long, MemberStats.ChannelStats>();
        channels.forEach((c, v) -> ch.put(c, new MemberStats.ChannelStats(c, v[0], v[1])));
        return new MemberStats(
                guildId,
                userId,
                voiceMs,
                xp,
                level,
                sessions,
                messages,
                lastSeen,
                streak,
                lastActiveDay,
                ch,
                Map.copyOf(metadata));
    }

    public List<ActivityRow> activity(LocalDate from, LocalDate to) {
        var out = new ArrayList<ActivityRow>();
        daily.subMap(from, true, to, true)
                .forEach((day, m) -> m.forEach((c, v) -> out.add(new ActivityRow(day, c, v[0], v[1], v[2]))));
        return out;
    }

    /** A row holding a member's totals and activity as they are. */
    public static MemberRow of(MemberStats s, List<ActivityRow> activity) {
        MemberRow r = new MemberRow();
        r.voiceMs = s.voiceTimeMs();
        r.xp = s.xp();
        r.level = s.level();
        r.sessions = s.sessions();
        r.messages = s.messages();
        r.lastSeen = s.lastSeen();
        r.streak = s.streak();
        r.lastActiveDay = s.lastActiveDay();
        s.channels().forEach((c, v) -> r.channels.put(c, new long[] {v.voiceTimeMs(), v.sessions()}));
        r.metadata.putAll(s.metadata());
        for (ActivityRow a : activity) {
            r.daily
                    .computeIfAbsent(a.day(), d -> new TreeMap<>())
                    .put(a.channelId(), new long[] {a.voiceMs(), a.xp(), a.messages()});
        }
        return r;
    }
}

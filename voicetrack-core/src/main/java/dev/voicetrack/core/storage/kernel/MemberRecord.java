package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One member's row in the in-memory model ({@link GuildModel}): totals, streak, per-channel totals,
 * daily activity and metadata. Increments reach it through {@link #add(MemberDelta)} (one delta) or
 * {@link #add(MemberFold)} (a folded batch), both through the kernel's rules; a row that belongs to a
 * {@link GuildModel} is changed only through the model's methods, which keep its rank indexes up to
 * date.
 *
 * <p>Not thread safe: the storage that owns the model confines writes to one thread at a time.
 * {@link #copy()} gives a private copy for copy-on-write stores, sharing the day maps until {@link
 * #dayForWrite} copies one.
 */
public final class MemberRecord {
    final long guildId;
    final long userId;
    long voiceMs;
    long xp;
    int level;
    long sessions;
    long messages;
    long lastSeenMs; // epoch millis: a long, so a tick stores no reference to a young object
    int streak;
    long lastActiveDay; // epoch day
    // TreeMaps, not HashMaps: a member has one or two channels per day, and a one-entry TreeMap takes
    // about half the memory of a HashMap (its table) across a long history; iteration is sorted.
    final TreeMap<Long, long[]> channels; // voiceMs, sessions
    final HashMap<String, String> metadata;
    final TreeMap<LocalDate, TreeMap<Long, long[]>> daily; // voiceMs, xp, messages
    /** The days whose maps this row owns; null when it owns them all (it was never copied). */
    private @Nullable Set<LocalDate> ownDays;

    /** Set when the row is deleted or replaced; the model's dirty lists skip it. */
    boolean deleted;

    /** The model whose indexes hold this row, or null (a staged copy, a removed row). */
    @Nullable
    GuildModel owner;

    // last channel and daily entries touched, so that a tick's usual delta needs no map lookup
    private long lastChannelId = -1;
    private long @Nullable [] lastChannel;
    private @Nullable LocalDate lastDay;
    private long lastDayEpoch;
    private long lastDayChannelId = -1;
    private long @Nullable [] lastDayEntry;

    // per metric: the value the rank index holds for this member, and GuildModel's IN_INDEX / DIRTY bits
    final long[] indexed = new long[GuildModel.METRICS];
    final byte[] indexState = new byte[GuildModel.METRICS];

    /** The last write that touched this row, for a store that lists each touched member once (see {@link #touch}). */
    private long touchedBy;

    /** A new member: zeros, streak 0 on the epoch day, last seen at the epoch. */
    public MemberRecord(long guildId, long userId) {
        this.guildId = guildId;
        this.userId = userId;
        channels = new TreeMap<>();
        metadata = new HashMap<>();
        daily = new TreeMap<>();
    }

    private MemberRecord(MemberRecord o) {
        guildId = o.guildId;
        userId = o.userId;
        voiceMs = o.voiceMs;
        xp = o.xp;
        level = o.level;
        sessions = o.sessions;
        messages = o.messages;
        lastSeenMs = o.lastSeenMs;
        streak = o.streak;
        lastActiveDay = o.lastActiveDay;
        channels = new TreeMap<>();
        o.channels.forEach((k, v) -> channels.put(k, v.clone()));
        metadata = new HashMap<>(o.metadata);
        daily = new TreeMap<>(o.daily); // day maps shared until dayForWrite copies them
        ownDays = new HashSet<>();
    }

    /** A row holding a member's totals and activity as they are (an import, a file read). */
    public static MemberRecord of(MemberStats s, List<ActivityRow> activity) {
        MemberRecord r = new MemberRecord(s.guildId(), s.userId());
        r.voiceMs = s.voiceTimeMs();
        r.xp = s.xp();
        r.level = s.level();
        r.sessions = s.sessions();
        r.messages = s.messages();
        r.lastSeenMs = s.lastSeen().toEpochMilli();
        r.streak = s.streak();
        r.lastActiveDay = s.lastActiveDay().toEpochDay();
        s.channels().forEach((c, v) -> r.channels.put(c, new long[] {v.voiceTimeMs(), v.sessions()}));
        r.metadata.putAll(s.metadata());
        for (ActivityRow a : activity) {
            r.putActivity(a.day(), a.channelId(), a.voiceMs(), a.xp(), a.messages());
        }
        return r;
    }

    /** A private copy to change (copy-on-write): totals, channels and metadata copied, day maps shared until written. */
    public MemberRecord copy() {
        return new MemberRecord(this);
    }

    /** A new row for the same member with every counter zero and no history, keeping the metadata (a reset). */
    public MemberRecord resetCopy() {
        MemberRecord r = new MemberRecord(guildId, userId);
        r.metadata.putAll(metadata);
        return r;
    }

    /**
     * Marks the row touched by write {@code writeId}; returns true the first time for that write (so
     * that a store lists each member of a batch once, without a set).
     */
    public boolean touch(long writeId) {
        if (touchedBy == writeId) {
            return false;
        }
        touchedBy = writeId;
        return true;
    }

    public long guildId() {
        return guildId;
    }

    public long userId() {
        return userId;
    }

    public long voiceMs() {
        return voiceMs;
    }

    public long xp() {
        return xp;
    }

    public int level() {
        return level;
    }

    public long sessions() {
        return sessions;
    }

    public long messages() {
        return messages;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public int streak() {
        return streak;
    }

    public LocalDate lastActiveDay() {
        return LocalDate.ofEpochDay(lastActiveDay);
    }

    /** The member's value of an all-time metric. */
    public long value(Metric metric) {
        return switch (metric) {
            case XP -> xp;
            case VOICE_TIME -> voiceMs;
            case LEVEL -> level;
            case MESSAGES -> messages;
        };
    }

    /** The days with activity, ascending (a read-only view). */
    public Set<LocalDate> activeDays() {
        return java.util.Collections.unmodifiableSet(daily.keySet());
    }

    public boolean hasActivityOn(LocalDate day) {
        return daily.containsKey(day);
    }

    /** Metadata (a read-only view). */
    public Map<String, String> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    /**
     * Sets XP on a row that belongs to no model (a staged copy, which a model then takes with {@link
     * GuildModel#put}); rows of a model change through the model, which keeps its indexes right.
     *
     * @throws IllegalStateException if the row belongs to a model
     */
    public void setXp(long value) {
        checkDetached();
        xp = value;
    }

    /** Sets the level on a row that belongs to no model (see {@link #setXp}). */
    public void setLevel(int value) {
        checkDetached();
        level = value;
    }

    private void checkDetached() {
        if (owner != null) {
            throw new IllegalStateException("member " + userId + " belongs to the model of guild " + owner.guildId()
                    + ": change it through the model");
        }
    }

    /** Puts and removes metadata entries (checked by {@link StorageArgs#metadata}). */
    public void editMetadata(Map<String, String> set, List<String> remove) {
        metadata.putAll(set);
        remove.forEach(metadata::remove);
    }

    /** Sets one activity row as it is (a file read or an import), replacing what the row held for it. */
    public void putActivity(LocalDate day, long channelId, long voiceMs, long xp, long messages) {
        dayForWrite(day).put(channelId, new long[] {voiceMs, xp, messages});
        lastDayEntry = null; // it may have been the entry just replaced
    }

    /** A day's map that this row owns (copied from a shared one on first use), created if absent. */
    private TreeMap<Long, long[]> dayForWrite(LocalDate day) {
        TreeMap<Long, long[]> m = daily.get(day);
        if (ownDays != null && ownDays.add(day)) {
            TreeMap<Long, long[]> own = new TreeMap<>();
            if (m != null) {
                m.forEach((k, v) -> own.put(k, v.clone()));
            }
            daily.put(day, own);
            lastDayEntry = null;
            return own;
        }
        if (m == null) {
            m = new TreeMap<>();
            daily.put(day, m);
        }
        return m;
    }

    /**
     * Adds one delta (the member and guild are the caller's to match) through the kernel's rules:
     * sums, channel and day activity as {@link BatchFold} describes, {@link LastSeenRule}, {@link
     * StreakRule}. Does not check overflow (the caller did). The usual tick (same channel and day as
     * the last delta) adds without any map lookup.
     */
    void add(MemberDelta d) {
        long dv = d.voiceMs();
        long dx = d.xp();
        long dm = d.messages();
        long ds = d.sessions();
        voiceMs += dv;
        xp += dx;
        messages += dm;
        sessions += ds;
        lastSeenMs = LastSeenRule.next(lastSeenMs, d.lastSeen().toEpochMilli());
        long channelId = d.channelId();
        if (channelId != 0 && (dv > 0 || ds > 0)) {
            long[] c = lastChannel;
            if (c == null || lastChannelId != channelId) {
                c = channels.computeIfAbsent(channelId, k -> new long[2]);
                lastChannel = c;
                lastChannelId = channelId;
            }
            c[0] += dv;
            c[1] += ds;
        }
        if (dv > 0 || dx > 0 || dm > 0) {
            LocalDate day = d.day();
            long[] e = lastDayEntry;
            if (e == null || lastDayChannelId != channelId || !day.equals(lastDay)) {
                e = dayForWrite(day).computeIfAbsent(channelId, k -> new long[3]);
                lastDayEntry = e;
                lastDay = day;
                lastDayEpoch = day.toEpochDay();
                lastDayChannelId = channelId;
            }
            e[0] += dv;
            e[1] += dx;
            e[2] += dm;
            long epochDay = lastDayEpoch;
            if (epochDay > lastActiveDay) { // else the rule changes nothing: skip the stores on the hot path
                streak = StreakRule.nextStreak(streak, lastActiveDay, epochDay);
                lastActiveDay = StreakRule.nextLastActiveDay(lastActiveDay, epochDay);
            }
        }
    }

    /**
     * Adds a member's folded increments through the kernel's rules ({@link MemberFold#checkFits} first:
     * nothing changes if a total would overflow).
     *
     * @throws dev.voicetrack.core.storage.StorageException if a total would overflow
     */
    void add(MemberFold f) {
        f.checkFits(voiceMs, xp, messages, sessions);
        voiceMs += f.voiceMs();
        xp += f.xp();
        messages += f.messages();
        sessions += f.sessions();
        lastSeenMs = LastSeenRule.next(lastSeenMs, f.lastSeenMs());
        for (int i = 0; i < f.channelCount(); i++) {
            long[] v = channels.computeIfAbsent(f.channelId(i), k -> new long[2]);
            v[0] += f.channelVoiceMs(i);
            v[1] += f.channelSessions(i);
        }
        lastChannel = null;
        LocalDate day = null;
        for (int i = 0; i < f.dayCount(); i++) { // by day
            if (day == null || day.toEpochDay() != f.dayEpochDay(i)) {
                day = LocalDate.ofEpochDay(f.dayEpochDay(i));
            }
            long[] v = dayForWrite(day).computeIfAbsent(f.dayChannelId(i), k -> new long[3]);
            v[0] += f.dayVoiceMs(i);
            v[1] += f.dayXp(i);
            v[2] += f.dayMessages(i);
        }
        lastDayEntry = null;
        var s = StreakRule.apply(new StreakRule.State(streak, lastActiveDay), f.streakRun());
        streak = s.streak();
        lastActiveDay = s.lastActiveDay();
    }

    /** The member's stats, with copies of its maps. */
    public MemberStats toStats(long guildId) {
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
                Instant.ofEpochMilli(lastSeenMs),
                streak,
                LocalDate.ofEpochDay(lastActiveDay),
                ch,
                Map.copyOf(metadata));
    }

    /** Receives rows of longs: a channel's {channelId, voiceMs, sessions}, or a day's {channelId, voiceMs, xp, messages}. */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(long channelId, long[] values);
    }

    /** The member's per-channel totals, by channel ascending ({voiceMs, sessions}; do not change them). */
    public void forEachChannel(RowConsumer out) {
        forEachSorted(channels, out);
    }

    /** The member's activity on one day, by channel ascending ({voiceMs, xp, messages}; do not change them). */
    public void forEachActivityOn(LocalDate day, RowConsumer out) {
        TreeMap<Long, long[]> m = daily.get(day);
        if (m != null) {
            forEachSorted(m, out);
        }
    }

    private static void forEachSorted(TreeMap<Long, long[]> rows, RowConsumer out) {
        for (var e : rows.entrySet()) {
            out.accept(e.getKey(), e.getValue());
        }
    }

    /** The member's per-channel totals, by channel ascending: {channelId, voiceMs, sessions}. */
    public List<long[]> channelRows() {
        var out = new ArrayList<long[]>(channels.size());
        forEachChannel((c, v) -> out.add(new long[] {c, v[0], v[1]}));
        return out;
    }

    /** Activity rows of the days {@code from..to}, ordered by day then channel. */
    public List<ActivityRow> activity(LocalDate from, LocalDate to) {
        var out = new ArrayList<ActivityRow>();
        for (var day : daily.subMap(from, true, to, true).entrySet()) {
            day.getValue().forEach((c, v) -> out.add(new ActivityRow(day.getKey(), c, v[0], v[1], v[2])));
        }
        return out;
    }

    /** The member's sums over the days of a range (voiceMs, xp, messages), or null if it has none in it. */
    long @Nullable [] windowSums(LocalDate from, LocalDate to) {
        long voice = 0, x = 0, msgs = 0;
        for (var day : daily.subMap(from, true, to, true).values()) {
            for (long[] v : day.values()) {
                voice += v[0];
                x += v[1];
                msgs += v[2];
            }
        }
        return voice > 0 || x > 0 || msgs > 0 ? new long[] {voice, x, msgs} : null;
    }
}

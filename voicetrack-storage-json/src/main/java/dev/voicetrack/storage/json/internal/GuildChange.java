package dev.voicetrack.storage.json.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.kernel.HourSum;
import dev.voicetrack.core.storage.kernel.HourlyModel;
import dev.voicetrack.core.storage.kernel.HourlyRule;
import dev.voicetrack.core.storage.kernel.MemberRecord;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One write's changes to one guild, staged over its published {@link GuildData} (copy-on-write): the
 * rows it changes are private copies ({@link MemberRecord#copy()}), the rest is read through from the
 * published guild. The guild file and day files are written from this view; {@link
 * GuildData#publish} then makes it visible. Not thread safe (the single writer owns it).
 */
public final class GuildChange {
    public final long guildId;
    private final @Nullable GuildData base;
    private boolean replaced;
    private @Nullable GuildConfig config;
    private final HashMap<Long, MemberRecord> staged = new HashMap<>();
    private final Set<Long> removed = new HashSet<>();
    private LinkedHashMap<String, VoiceSession> sessions;
    private boolean ownSessions;
    private final TreeMap<LocalDate, Long> dayFiles;
    private TreeMap<LocalDate, HourlyModel> hourlyDays;
    /** The days whose hourly model is this change's own copy. */
    private final Set<LocalDate> ownHourlyDays = new HashSet<>();

    long lastGeneration;
    int sizeHint;

    /** Days whose activity file this change must rewrite. */
    public final Set<LocalDate> dirtyDays = new HashSet<>();

    /** Whether every day file must be rewritten (an import). */
    public boolean allDaysDirty;

    /** A change of the published guild {@code base}, or of a guild that has no file yet (null). */
    public GuildChange(long guildId, @Nullable GuildData base) {
        this.guildId = guildId;
        this.base = base;
        if (base == null) {
            sessions = new LinkedHashMap<>();
            ownSessions = true;
            dayFiles = new TreeMap<>();
            hourlyDays = new TreeMap<>();
        } else {
            hourlyDays = new TreeMap<>(base.hourlyDays);
            config = base.config;
            sessions = base.sessions;
            dayFiles = new TreeMap<>(base.dayFiles);
            lastGeneration = base.lastGeneration;
            sizeHint = base.sizeHint;
        }
    }

    /** Drops everything the guild held (config, members, sessions): a delete, or the start of an import. */
    public void clear() {
        replaced = true;
        staged.clear();
        removed.clear();
        config = null;
        sessions = new LinkedHashMap<>();
        ownSessions = true;
        hourlyDays = new TreeMap<>();
        ownHourlyDays.clear();
    }

    boolean replaced() {
        return replaced;
    }

    Collection<MemberRecord> staged() {
        return staged.values();
    }

    Set<Long> removed() {
        return removed;
    }

    public @Nullable GuildConfig config() {
        return config;
    }

    public void config(@Nullable GuildConfig value) {
        config = value;
    }

    LinkedHashMap<String, VoiceSession> sessions() {
        return sessions;
    }

    /** The session map, copied first if it is still the published one. */
    public LinkedHashMap<String, VoiceSession> sessionsForWrite() {
        if (!ownSessions) {
            sessions = new LinkedHashMap<>(sessions);
            ownSessions = true;
        }
        return sessions;
    }

    TreeMap<LocalDate, Long> dayFiles() {
        return dayFiles;
    }

    TreeMap<LocalDate, HourlyModel> hourlyDays() {
        return hourlyDays;
    }

    /** The hourly rows of a day, ordered: {slot, channelId, voiceMs, messages}. */
    List<long[]> hourlyRowsOf(LocalDate day) {
        HourlyModel m = hourlyDays.get(day);
        return m == null ? List.of() : m.rowsOf(day);
    }

    /**
     * Adds a batch's hourly sum (its day's file is rewritten).
     *
     * @throws dev.voicetrack.core.storage.StorageException if the row would overflow (the write is dropped)
     */
    public void addHour(HourSum h) {
        LocalDate day = HourlyRule.day(h.slot());
        HourlyModel m = hourlyDays.get(day);
        if (m == null) {
            m = new HourlyModel();
            hourlyDays.put(day, m);
            ownHourlyDays.add(day);
        } else if (ownHourlyDays.add(day)) {
            m = m.copy();
            hourlyDays.put(day, m);
        }
        m.checkFits(guildId, List.of(h));
        m.add(h);
        dirtyDays.add(day);
    }

    /** Drops the hourly rows of the days before the one {@code keptFrom} starts (their files are rewritten). */
    public void pruneHours(long keptFrom) {
        var old = hourlyDays.headMap(HourlyRule.day(keptFrom), false);
        dirtyDays.addAll(old.keySet());
        old.clear();
    }

    /** The member's row as this change sees it (staged, else published), or null. */
    public @Nullable MemberRecord member(long userId) {
        MemberRecord r = staged.get(userId);
        if (r != null) {
            return r;
        }
        if (replaced || base == null || removed.contains(userId)) {
            return null;
        }
        return base.model.get(userId);
    }

    /** A private row of the member to change (a copy of the published one), created if {@code create}. */
    public @Nullable MemberRecord rowForWrite(long userId, boolean create) {
        MemberRecord r = staged.get(userId);
        if (r != null) {
            return r;
        }
        MemberRecord published = member(userId);
        if (published == null && !create) {
            return null;
        }
        r = published == null ? new MemberRecord(guildId, userId) : published.copy();
        staged.put(userId, r);
        removed.remove(userId);
        return r;
    }

    /** Puts a whole row (an import, a reset), replacing the member's. */
    public void put(MemberRecord r) {
        staged.put(r.userId(), r);
        removed.remove(r.userId());
    }

    /** Removes a member; returns the row it had, or null. */
    public @Nullable MemberRecord remove(long userId) {
        MemberRecord r = member(userId);
        staged.remove(userId);
        if (r != null && !replaced && base != null && base.model.get(userId) != null) {
            removed.add(userId);
        }
        return r;
    }

    /** The ids of the members after this change, ascending. */
    public long[] memberIds() {
        boolean fromBase = !replaced && base != null;
        long[] out = new long[(fromBase ? base.model.size() : 0) + staged.size()];
        int[] n = {0};
        if (fromBase) {
            base.model.forEach(r -> {
                if (!removed.contains(r.userId()) && !staged.containsKey(r.userId())) {
                    out[n[0]++] = r.userId();
                }
            });
        }
        for (long id : staged.keySet()) {
            out[n[0]++] = id;
        }
        long[] ids = Arrays.copyOf(out, n[0]);
        Arrays.sort(ids);
        return ids;
    }

    /** Whether the guild holds nothing after this change (its file is then emptied). */
    public boolean isEmpty() {
        if (config != null || !sessions.isEmpty() || !staged.isEmpty() || !hourlyDays.isEmpty()) {
            return false;
        }
        return replaced || base == null || base.model.size() == removed.size();
    }

    /** Every active day of the members after this change (for a rewrite of all day files). */
    public Set<LocalDate> allActiveDays() {
        var days = new TreeSet<LocalDate>(dayFiles.keySet());
        days.addAll(hourlyDays.keySet());
        for (long u : memberIds()) {
            days.addAll(java.util.Objects.requireNonNull(member(u)).activeDays());
        }
        return days;
    }
}

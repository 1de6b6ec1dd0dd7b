package dev.voicetrack.storage.json.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.kernel.GuildModel;
import dev.voicetrack.core.storage.kernel.HourlyModel;
import dev.voicetrack.core.storage.kernel.HourlyRule;
import dev.voicetrack.core.storage.kernel.MemberRecord;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A guild as committed to its files, as readers see it: config, members in the kernel's {@link
 * GuildModel} (so leaderboards and ranks are O(log n)), sessions and the committed day files. A write
 * never changes it directly: it stages a {@link GuildChange}, writes the files from it, and only then
 * {@link #publish publishes} it, under the storage's exclusive lock.
 */
public final class GuildData {
    public final long guildId;

    @Nullable
    GuildConfig config;

    final GuildModel model;
    /** By session id, in insertion order; replaced (never changed) by {@link #publish}. */
    LinkedHashMap<String, VoiceSession> sessions;

    /** Day to the generation of its committed activity file ({@code guild-<id>-day-<day>-<gen>.json}). */
    TreeMap<LocalDate, Long> dayFiles;

    /**
     * The guild's hourly activity by day (each day's rows live in that day's file); replaced (never
     * changed) by {@link #publish}, and each day's model is copied before a write changes it.
     */
    TreeMap<LocalDate, HourlyModel> hourlyDays = new TreeMap<>();

    /** The last generation used for a day file of this guild. */
    public long lastGeneration;

    /** The size of this guild's last serialised file, to size the next buffer. */
    int sizeHint;

    public GuildData(long guildId) {
        this.guildId = guildId;
        this.model = new GuildModel(guildId);
        this.sessions = new LinkedHashMap<>();
        this.dayFiles = new TreeMap<>();
    }

    public @Nullable GuildConfig config() {
        return config;
    }

    /** The members; read under the storage's shared lock. */
    public GuildModel model() {
        return model;
    }

    public Map<String, VoiceSession> sessions() {
        return sessions;
    }

    /** The committed day files: day to generation (read-only use). */
    public Map<LocalDate, Long> dayFiles() {
        return dayFiles;
    }

    /** The hourly rows of slots {@code from} to {@code end} (excluded); read under the storage's shared lock. */
    public java.util.List<long[]> hourly(long from, long end) {
        var out = new java.util.ArrayList<long[]>();
        if (from >= end) {
            return out;
        }
        for (HourlyModel m : hourlyDays
                .subMap(HourlyRule.day(from), true, HourlyRule.day(end - 1), true)
                .values()) {
            out.addAll(m.rows(from, end));
        }
        return out;
    }

    /** Sets a stored hourly row (reading a day file). */
    void putHour(LocalDate day, int hourOfDay, long channelId, long voiceMs, long messages) {
        hourlyDays
                .computeIfAbsent(day, d -> new HourlyModel())
                .put(HourlyRule.slot(day, hourOfDay), channelId, voiceMs, messages);
    }

    /** Whether the guild has nothing stored. */
    public boolean isEmpty() {
        return config == null && model.isEmpty() && sessions.isEmpty();
    }

    /**
     * Makes a committed change visible: the staged rows replace the members' rows (re-positioned in
     * the rank indexes lazily), removed members go, and config, sessions and day files are the
     * change's. Call under the storage's exclusive lock.
     */
    public void publish(GuildChange c) {
        if (c.replaced()) {
            model.dropAll();
        }
        for (long userId : c.removed()) {
            model.remove(userId);
        }
        for (MemberRecord r : c.staged()) {
            model.put(r);
        }
        config = c.config();
        sessions = c.sessions();
        dayFiles = c.dayFiles();
        hourlyDays = c.hourlyDays();
        lastGeneration = Math.max(lastGeneration, c.lastGeneration);
        sizeHint = c.sizeHint;
    }

    /** Forgets every member (the guild was emptied and is no longer published). */
    public void drop() {
        model.dropAll();
    }
}

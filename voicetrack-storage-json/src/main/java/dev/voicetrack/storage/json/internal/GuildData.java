package dev.voicetrack.storage.json.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceSession;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything about one guild, as its file holds it. Published instances are never changed: a write
 * builds a new instance with {@link #copy()} (a shallow copy: rows and sessions are shared until
 * replaced), writes its file, then publishes it.
 */
public final class GuildData {
    public final long guildId;
    public @Nullable GuildConfig config;
    public final HashMap<Long, MemberRow> members;
    /** By session id, in insertion order; shared with the copied instance until {@link #sessionsForWrite()}. */
    public LinkedHashMap<String, VoiceSession> sessions;

    private boolean ownSessions;

    /** The size of this guild's last serialised file, to size the next buffer. */
    public int sizeHint;

    /** Day to the generation of its committed activity file ({@code guild-<id>-day-<day>-<gen>.json}). */
    public final TreeMap<LocalDate, Long> dayFiles;

    /** The last generation used for a day file of this guild. */
    public long lastGeneration;

    /** Days whose activity file this (unpublished) copy must rewrite. */
    public final Set<LocalDate> dirtyDays = new HashSet<>();

    /** Whether this (unpublished) copy must rewrite every day file (an import). */
    public boolean allDaysDirty;

    public GuildData(long guildId) {
        this.guildId = guildId;
        this.members = new HashMap<>();
        this.sessions = new LinkedHashMap<>();
        this.ownSessions = true;
        this.dayFiles = new TreeMap<>();
    }

    private GuildData(GuildData o) {
        guildId = o.guildId;
        config = o.config;
        members = new HashMap<>(o.members);
        sessions = o.sessions;
        ownSessions = false;
        sizeHint = o.sizeHint;
        dayFiles = new TreeMap<>(o.dayFiles);
        lastGeneration = o.lastGeneration;
    }

    /** The session map, copied first if it is still shared with a published instance. */
    public LinkedHashMap<String, VoiceSession> sessionsForWrite() {
        if (!ownSessions) {
            sessions = new LinkedHashMap<>(sessions);
            ownSessions = true;
        }
        return sessions;
    }

    public GuildData copy() {
        return new GuildData(this);
    }

    /** Whether the guild has nothing stored (its file is then deleted). */
    public boolean isEmpty() {
        return config == null && members.isEmpty() && sessions.isEmpty();
    }

    public Map<Long, MemberRow> members() {
        return members;
    }
}

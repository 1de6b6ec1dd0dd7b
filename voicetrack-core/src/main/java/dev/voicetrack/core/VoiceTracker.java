package dev.voicetrack.core;

import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.MemberTotals;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The voice tracker: consumes {@link GatewayEvent}s, accrues voice time, XP, sessions and messages
 * every check interval into {@link dev.voicetrack.core.storage.Storage} as one atomic batch of
 * increments, and answers user, leaderboard, rank and stats queries through an optional cache.
 * Create one with {@link #builder()}.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>{@link #accept} only enqueues: call it from gateway threads; it never blocks or does I/O.
 *   <li>Ticks run every {@code checkInterval} from {@link #start()} on the tracker's own tick thread
 *       (or the scheduler given to the builder), and when {@link #tickNow()} is called; with {@link
 *       VoiceTrackerBuilder#manualTicks()} only then. Two ticks never run at once. A scheduled tick that finds the previous one still running is skipped and
 *       reported through the {@code error} event; it is never stacked.
 *   <li>Admin operations, {@link #updateConfig} and queries do storage I/O on the calling thread:
 *       call them from a command or worker thread, not from a gateway thread. Admin operations and
 *       config updates wait for a running tick to finish.
 *   <li>Listeners run on the listener executor, never on the tick or a gateway thread.
 * </ul>
 *
 * <h2>Consistency</h2>
 *
 * Storage is the source of truth; the tracker never writes a member from a copy. After each tick's
 * write commits, the cache entries of every guild the tick touched are invalidated (one tag
 * invalidation per guild per tick), so a query never serves data older than one tick, and clearing
 * the cache at any time loses nothing. If a write fails, the increments stay buffered (bounded,
 * reported through {@code error}) and are retried by the next tick.
 */
public interface VoiceTracker extends AutoCloseable {

    /** A builder; {@link VoiceTrackerBuilder#storage} is required. */
    static VoiceTrackerBuilder builder() {
        return new VoiceTrackerBuilder();
    }

    /**
     * Initialises storage, loads guild configs, reconciles persisted open sessions with the {@link
     * VoiceView} (closing the sessions of members no longer in voice at their last accrual, resuming
     * those still in the same channel, opening sessions for members already in voice) and starts the
     * ticks: on the scheduler given to the builder, else on a tick thread the tracker owns, unless the
     * builder asked for {@link VoiceTrackerBuilder#manualTicks() manual ticks}.
     *
     * @throws IllegalStateException if already started or closed
     */
    void start();

    /** Enqueues an event, stamped with the tracker's clock. Never blocks, never does I/O. */
    void accept(GatewayEvent event);

    /** Runs one tick now on the calling thread (waiting for a running tick first) and reports it. */
    TickReport tickNow();

    /** Reconciles the tracker's view of who is in voice with the {@link VoiceView}, now. */
    void reconcile();

    /** The guild's configuration: the stored one, or the tracker's {@code defaultConfig}. */
    GuildConfig config(long guildId);

    /**
     * Validates, stores and applies a guild's configuration; emits {@code configUpdated}.
     *
     * @throws IllegalArgumentException naming the field and the value if a strategy name is unknown
     */
    void updateConfig(long guildId, GuildConfig config);

    /** The level multiplier of the guild's current level-multiplier strategy. */
    double levelMultiplier(long guildId);

    // ---- admin operations: written to storage at once, never undone by a tick ----

    /** Adds XP (an increment, like a tick's); raises the level if a threshold is crossed. */
    MemberTotals addXp(long guildId, long userId, long xp);

    /** Sets XP and recomputes the level from it, as the original's {@code setXP}. */
    MemberTotals setXp(long guildId, long userId, long xp);

    /** Sets the stored level, leaving XP as it is, as the original's {@code setLevel}. */
    MemberTotals setLevel(long guildId, long userId, int level);

    /**
     * Zeroes a member's counters and deletes its sessions and activity (metadata is kept). A member
     * in voice continues in a fresh session from now.
     */
    boolean resetUser(long guildId, long userId);

    /**
     * Deletes a member and everything about it; emits {@code userDeleted}. Its old data never comes
     * back; a member still in voice starts again from zero, from now.
     */
    boolean deleteUser(long guildId, long userId);

    /** Deletes a guild's config and all its data; members in voice start again from zero, from now. */
    void deleteGuild(long guildId);

    /** Puts {@code set} into a member's metadata, then removes {@code remove}. */
    void editMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove);

    // ---- queries (cache-aware) ----

    /** A member's totals, or empty if nothing is stored for it. */
    Optional<MemberStats> getUser(long guildId, long userId);

    /**
     * A leaderboard page.
     *
     * @throws IllegalArgumentException if {@code limit} is not in 1..1000, {@code offset < 0}, or
     *     {@code metric} is {@link Metric#LEVEL} with a window other than all time
     */
    LeaderboardPage getLeaderboard(long guildId, Metric metric, Window window, int limit, int offset);

    /** The rank of any member (no top-N limit), empty if the member is not on that leaderboard. */
    OptionalInt getRank(long guildId, long userId, Metric metric, Window window);

    /**
     * A member's activity over the last {@code days} days (today included) in the guild's time zone.
     *
     * @throws IllegalArgumentException if {@code days} is not in 1..{@value Window#MAX_DAYS}
     */
    UserActivity getUserStats(long guildId, long userId, int days);

    /**
     * A guild's hourly activity (voice time and messages per local hour, totals and per channel) over
     * the last {@code days} days (today included) in the guild's time zone, read from storage (not
     * cached). Hours older than the storage's retention are not kept.
     *
     * @throws IllegalArgumentException if the guild id is invalid or {@code days} is not in
     *     1..{@value Window#MAX_DAYS}
     */
    HourlyActivity getHourlyActivity(long guildId, int days);

    /**
     * A member's sessions, newest first, at most {@code limit} (not cached), as stored: the row of a
     * session still open is as of its last write, at most {@code openSessionWriteInterval} old (the
     * member's totals in {@link #getUser} are as of the last tick).
     */
    List<VoiceSession> getSessions(long guildId, long userId, int limit);

    // ---- events ----

    void addListener(TrackerListener listener);

    void removeListener(TrackerListener listener);

    /** Waits until every event emitted so far has been delivered to the listeners. */
    void flushEvents();

    /**
     * The storage given to the builder, for its maintenance ({@link
     * dev.voicetrack.core.storage.StorageMaintenance} when the backend implements it) and for tools
     * that read it directly. Do not close it while the tracker runs.
     */
    dev.voicetrack.core.storage.Storage storage();

    /** The cache given to the builder, if any, for its stats and admin tools. */
    Optional<dev.voicetrack.cache.Cache<Object>> cache();

    /**
     * Stops the ticks, runs a last tick to record the time up to now (open sessions stay open in
     * storage, to be reconciled at the next start), shuts down the threads the tracker created, then
     * closes the cache and the storage it owns: both by default, see {@link
     * VoiceTrackerBuilder#ownsCache} and {@link VoiceTrackerBuilder#ownsStorage}. Idempotent.
     *
     * @throws dev.voicetrack.core.storage.StorageException if closing an owned storage fails
     */
    @Override
    void close();
}

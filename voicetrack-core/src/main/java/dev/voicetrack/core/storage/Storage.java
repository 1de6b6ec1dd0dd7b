package dev.voicetrack.core.storage;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where the tracker keeps its data: the source of truth. Every accrual arrives as increments in an
 * atomic {@link Batch}; nothing is ever written back from a copy of a member. Every backend passes
 * the storage contract suite of {@code voicetrack-testkit} ({@code StorageContractTest}).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Thread safety.</b> Every method may be called from any number of threads at once;
 *       concurrent batches add up exactly.
 *   <li><b>Atomicity.</b> {@link #apply} writes all of a batch or nothing; a batch that fails throws
 *       {@link StorageException} and leaves no trace (a process crash in the middle likewise).
 *   <li><b>Failures</b> are thrown as {@link StorageException}, never swallowed; storage that cannot
 *       be read is an error, never "empty".
 *   <li><b>Precision.</b> Instants keep their milliseconds.
 *   <li><b>Ordering.</b> Leaderboards order by the metric descending, ties by user id ascending;
 *       ranks agree with leaderboards, for any user, with no limit.
 *   <li><b>Runtime filters</b> of a {@link GuildConfig} are not stored: a stored config comes back
 *       with the accept-all filters.
 *   <li>Blocking: methods block the calling thread for I/O; the tracker never calls them on gateway
 *       threads.
 * </ul>
 */
public interface Storage extends AutoCloseable {

    /** The data format version this SPI describes. */
    int SCHEMA_VERSION = 1;

    /** Creates or migrates what the backend needs; idempotent. Must be called before anything else. */
    void init();

    /** The schema version of the stored data, {@link #SCHEMA_VERSION} after {@link #init()}. */
    int schemaVersion();

    Optional<GuildConfig> guildConfig(long guildId);

    /** Stores a guild's configuration (replacing the previous one); touches no member data. */
    void saveGuildConfig(long guildId, GuildConfig config);

    /** Every guild with a stored config or member data. */
    List<Long> guildIds();

    /**
     * Applies a batch atomically.
     *
     * @return the totals, after the write, of every member the batch's deltas name, once each
     * @throws StorageException if anything fails (then nothing was written), including a total that
     *     would overflow a {@code long}
     */
    List<MemberTotals> apply(Batch batch);

    /** Raises stored levels (never lowers them); returns the levels actually raised. */
    List<LevelChange> raiseLevels(Collection<LevelRaise> raises);

    Optional<MemberStats> member(long guildId, long userId);

    /**
     * Hands {@code action} every member stored in a guild, with every field {@link #member} gives (per-channel
     * totals and metadata included), each once, in no particular order; an unknown guild gives none. For reads of a
     * whole guild (the tracker's guild snapshots, {@link #exportGuild}). A member is handed exactly when {@link
     * #member} would find it, with the same stats, had nothing been written during the read. The backends read it
     * in one pass, a few queries for the guild rather than a few per member: one snapshot transaction of three
     * queries (JDBC), one copy under the read lock (JSON, in-memory), one query (MongoDB, not a point-in-time view);
     * {@code action} runs on the calling thread, once the read is done.
     *
     * <p>The default lists the members through the all-time leaderboard and reads each with {@link #member}: a call
     * per member, and not a point-in-time view when writes run concurrently.
     *
     * @throws StorageException if the storage cannot be read (some members may have been handed already)
     */
    default void forEachMember(long guildId, Consumer<? super MemberStats> action) {
        Snapshots.forEachMember(this, guildId, action);
    }

    /**
     * A page of the leaderboard; over all time when {@code range} is null, else over the daily
     * activity within it (members with nothing in the range are left out).
     *
     * @throws IllegalArgumentException for {@link Metric#LEVEL} with a range
     */
    List<LeaderboardEntry> leaderboard(long guildId, Metric metric, @Nullable DayRange range, int limit, int offset);

    /** The 1-based rank of a member in the leaderboard of the same arguments, empty if not on it. */
    OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range);

    /** How many members a guild has stored. */
    long memberCount(long guildId);

    /** A member's daily activity in a range, ordered by day then channel. */
    List<ActivityRow> activity(long guildId, long userId, DayRange range);

    /**
     * A guild's hourly activity over a range of days in its time zone: voice time and messages per
     * local hour, as guild totals and per channel (written with each batch from the deltas that carry
     * an hour; kept for the storage's retention, 90 days by default). An unknown guild, or a range
     * older than the retention, gives no rows. Cost: one indexed range read.
     */
    HourlyActivity hourlyActivity(long guildId, DayRange range);

    /** Every session row that is still open, in every guild. */
    List<VoiceSession> openSessions();

    /** A member's sessions, newest start first, at most {@code limit}. */
    List<VoiceSession> sessions(long guildId, long userId, int limit);

    /**
     * Sets a member's XP and level (creating the member if needed).
     *
     * @return the totals after the write
     */
    MemberTotals setXp(long guildId, long userId, long xp, int level);

    /** Sets a member's level, leaving XP as it is (creating the member if needed). */
    MemberTotals setLevel(long guildId, long userId, int level);

    /**
     * Sets every counter of a member to zero and deletes its sessions, per-channel totals and daily
     * activity; keeps its metadata. Returns whether the member existed.
     */
    boolean resetMember(long guildId, long userId);

    /** Deletes a member and everything about it; returns whether it existed. */
    boolean deleteMember(long guildId, long userId);

    /** Deletes a guild's config and every member, session, activity and hourly activity row of it. */
    void deleteGuild(long guildId);

    /**
     * Edits a member's metadata: puts {@code set}, then removes {@code remove} (creating the member if
     * needed).
     */
    void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove);

    /**
     * Reads everything stored about one guild (what {@link StorageMigration} copies). An unknown guild
     * gives an empty snapshot (no config, no members, no sessions).
     *
     * <p>The default builds the snapshot from the other methods: the members from {@link #forEachMember},
     * then {@link #activity} over {@link GuildSnapshot#ALL_DAYS} and {@link #sessions} for each; closed
     * sessions of users without a member row are not visible to it. It is not a point-in-time view when
     * writes run concurrently (stop the tracker first, or override with a consistent read). Cost: two
     * calls per member.
     *
     * @throws StorageException if the storage cannot be read
     */
    default GuildSnapshot exportGuild(long guildId) {
        return Snapshots.export(this, guildId);
    }

    /**
     * Replaces everything stored about {@code snapshot.guildId()} (config, members, activity, sessions)
     * with the snapshot, so that {@link #exportGuild} then returns a snapshot equal to it. Other guilds
     * are not touched. Idempotent: importing the same snapshot twice leaves the same data.
     *
     * <p>The default first checks that the snapshot can be rebuilt from increments (it cannot when a
     * member's streak was left by a late increment for an earlier day, or when its voice time,
     * messages or per-channel voice time differ from the activity rows), throwing {@link StorageException} and writing nothing if not; it then
     * calls {@link #deleteGuild}, {@link #saveGuildConfig}, one {@link #apply}, and {@link #setXp} and
     * {@link #updateMetadata} per member. Those are separate writes, so a crash part-way leaves the
     * guild partly imported (a rerun repairs it). Backends override it to write the rows exactly and,
     * where they can, atomically.
     *
     * @throws StorageException if the snapshot cannot be written exactly, or the write fails
     */
    default void importGuild(GuildSnapshot snapshot) {
        Snapshots.importByReplay(this, snapshot);
    }

    @Override
    void close();
}

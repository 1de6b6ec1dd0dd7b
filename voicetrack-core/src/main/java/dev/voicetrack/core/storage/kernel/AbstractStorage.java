package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The base of every storage backend: it owns the lifecycle ({@link Lifecycle}), the argument checks
 * ({@link StorageArgs}), folding a batch ({@link BatchFold}), the stored form of a config ({@link
 * GuildConfigCodec#withoutFilters}) and the default snapshot export and import; a backend implements
 * small primitives, each called with checked arguments on a ready storage (initialised, not closed).
 *
 * <h2>What a backend implements</h2>
 *
 * <ul>
 *   <li>{@link #open()} and {@link #release()}: acquire and release its resources;
 *   <li>{@link #writeFolded}: write a folded batch atomically and return the new totals. The backend
 *       deletes the hourly rows of its {@link FoldedBatch#prunes()} and adds its {@link
 *       FoldedBatch#hours()} to the guild's hourly rows, in the same transaction or file write.
 *       applies the sums to its rows: adds them after {@link MemberFold#checkFits} (the overflow
 *       rule), keeps the later last-seen ({@link LastSeenRule}), applies the streak run ({@link
 *       StreakRule#apply} or its SQL form), upserts the session rows. A backend that holds its rows in
 *       memory may instead override {@link #writeBatch} and apply the deltas one by one through the
 *       same rules (see {@code GuildModel});
 *   <li>absolute sets and deletes: {@link #writeConfig}, {@link #writeLevelRaises} (with {@link
 *       LevelRule}), {@link #writeXp}, {@link #writeLevel}, {@link #writeMetadata}, {@link
 *       #resetMemberRows}, {@link #deleteMemberRows}, {@link #deleteGuildRows};
 *   <li>reads, which stay native (SQL, queries, in-memory indexes): {@link #readConfig}, {@link
 *       #readGuildIds}, {@link #readMember}, {@link #readLeaderboard}, {@link #readRank}, {@link
 *       #countMembers}, {@link #readActivity}, {@link #readOpenSessions}, {@link #readSessions}.
 * </ul>
 *
 * <p>{@link #exportGuild} and {@link #importGuild} default to the SPI's defaults; a backend that can
 * read or write a guild's rows directly overrides them (calling {@link #checkReady()} first).
 *
 * <p>Thread safety: this class holds no lock on the data; each primitive must be safe to call from
 * any number of threads, as {@link Storage} requires.
 */
public abstract class AbstractStorage implements Storage {

    /** This storage's lifecycle; {@link #checkReady()} is its usual use. */
    protected final Lifecycle lifecycle = new Lifecycle();

    /** When this storage prunes hourly rows; a backend that overrides {@link #writeBatch} uses it too. */
    protected final HourlyPruning hourlyPruning = new HourlyPruning();

    protected AbstractStorage() {}

    // ------------------------------------------------------------------ lifecycle

    /**
     * Calls {@link #open()} once; later calls do nothing.
     *
     * @throws dev.voicetrack.core.storage.StorageException if closed, or if {@link #open()} fails (the
     *     storage then stays uninitialised)
     */
    @Override
    public final void init() {
        synchronized (lifecycle) {
            lifecycle.checkOpen();
            if (lifecycle.isInitialized()) {
                return;
            }
            open();
            lifecycle.markInitialized();
        }
    }

    /** Marks the storage closed (every later call but {@code close()} throws), then calls {@link #release()} once. */
    @Override
    public final void close() {
        synchronized (lifecycle) {
            if (lifecycle.isClosed()) {
                return;
            }
            lifecycle.markClosed();
        }
        release();
    }

    /** How many days of hourly activity this storage keeps ({@link HourlyRule#DEFAULT_RETENTION_DAYS} by default). */
    public final int hourlyRetentionDays() {
        return hourlyPruning.retentionDays();
    }

    /**
     * Sets how many days of hourly activity this storage keeps; older hours are deleted by the next
     * write of each guild. May be called at any time.
     *
     * @throws IllegalArgumentException naming the setting and the value unless 1 to {@link
     *     HourlyRule#MAX_RETENTION_DAYS}
     */
    public final void setHourlyRetentionDays(int days) {
        hourlyPruning.retentionDays(days);
    }

    /** @throws dev.voicetrack.core.storage.StorageException unless initialised, not closed and not broken */
    protected final void checkReady() {
        lifecycle.checkReady();
    }

    /** Creates or migrates what the backend needs, reads what it keeps in memory. Called once, by {@link #init()}. */
    protected abstract void open();

    /** Releases the backend's resources. Called once, by {@link #close()}; the storage is already closed. */
    protected abstract void release();

    // ------------------------------------------------------------------ writes

    @Override
    public final void saveGuildConfig(long guildId, GuildConfig config) {
        GuildConfig stored = GuildConfigCodec.withoutFilters(config);
        checkReady();
        writeConfig(guildId, stored);
    }

    @Override
    public final List<MemberTotals> apply(Batch batch) {
        StorageArgs.notNull(batch, "batch");
        checkReady();
        return writeBatch(batch);
    }

    @Override
    public final List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        StorageArgs.notNull(raises, "raises");
        List<LevelRaise> copy = List.copyOf(raises);
        checkReady();
        return writeLevelRaises(copy);
    }

    @Override
    public final MemberTotals setXp(long guildId, long userId, long xp, int level) {
        StorageArgs.xpAndLevel(xp, level);
        checkReady();
        return writeXp(guildId, userId, xp, level);
    }

    @Override
    public final MemberTotals setLevel(long guildId, long userId, int level) {
        StorageArgs.level(level);
        checkReady();
        return writeLevel(guildId, userId, level);
    }

    @Override
    public final boolean resetMember(long guildId, long userId) {
        checkReady();
        return resetMemberRows(guildId, userId);
    }

    @Override
    public final boolean deleteMember(long guildId, long userId) {
        checkReady();
        return deleteMemberRows(guildId, userId);
    }

    @Override
    public final void deleteGuild(long guildId) {
        checkReady();
        deleteGuildRows(guildId);
        hourlyPruning.forget(guildId);
    }

    @Override
    public final void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        StorageArgs.MetadataEdit edit = StorageArgs.metadata(set, remove);
        checkReady();
        writeMetadata(guildId, userId, edit.set(), edit.remove());
    }

    /**
     * Writes a batch atomically and returns the new totals of every member its deltas name, once each,
     * in order of first appearance. The default folds it ({@link BatchFold}) and calls {@link
     * #writeFolded}; a backend overrides it only to apply the deltas one by one through the kernel's
     * rules (an in-memory model, where folding first would cost more than it saves).
     */
    protected List<MemberTotals> writeBatch(Batch batch) {
        FoldedBatch folded = BatchFold.fold(batch);
        folded = folded.withPrunes(hourlyPruning.due(folded.hours()));
        List<MemberTotals> out = writeFolded(folded);
        hourlyPruning.done(folded.prunes());
        return out;
    }

    /**
     * Writes a folded batch atomically: all of it or nothing, its {@link FoldedBatch#prunes() prunes}
     * and {@link FoldedBatch#hours() hourly sums} included, throwing {@link
     * dev.voicetrack.core.storage.StorageException} if anything fails, including {@link
     * MemberFold#checkFits} against the stored totals.
     *
     * @return the totals after the write of {@link FoldedBatch#members()}, in that order
     */
    protected abstract List<MemberTotals> writeFolded(FoldedBatch batch);

    /** Stores a config (already without runtime filters), replacing the previous one. */
    protected abstract void writeConfig(long guildId, GuildConfig stored);

    /** Raises the levels of existing members where {@link LevelRule#raises}; returns the changes made. */
    protected abstract List<LevelChange> writeLevelRaises(List<LevelRaise> raises);

    /** Sets XP and level (checked >= 0), creating the member if needed. */
    protected abstract MemberTotals writeXp(long guildId, long userId, long xp, int level);

    /** Sets the level (checked >= 0), creating the member if needed. */
    protected abstract MemberTotals writeLevel(long guildId, long userId, int level);

    /** Puts {@code set}, then removes {@code remove}, creating the member if needed (both checked, immutable). */
    protected abstract void writeMetadata(long guildId, long userId, Map<String, String> set, List<String> remove);

    /** See {@link Storage#resetMember}. */
    protected abstract boolean resetMemberRows(long guildId, long userId);

    /** See {@link Storage#deleteMember}. */
    protected abstract boolean deleteMemberRows(long guildId, long userId);

    /** See {@link Storage#deleteGuild}; hourly rows included. */
    protected abstract void deleteGuildRows(long guildId);

    // ------------------------------------------------------------------ reads

    @Override
    public final Optional<GuildConfig> guildConfig(long guildId) {
        checkReady();
        return readConfig(guildId);
    }

    @Override
    public final List<Long> guildIds() {
        checkReady();
        return readGuildIds();
    }

    @Override
    public final Optional<MemberStats> member(long guildId, long userId) {
        checkReady();
        return readMember(guildId, userId);
    }

    @Override
    public final void forEachMember(long guildId, Consumer<? super MemberStats> action) {
        StorageArgs.notNull(action, "action");
        checkReady();
        readMembers(guildId, action);
    }

    @Override
    public final List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        StorageArgs.page(limit, offset);
        StorageArgs.metric(metric, range);
        checkReady();
        return readLeaderboard(guildId, metric, range, limit, offset);
    }

    @Override
    public final OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        StorageArgs.metric(metric, range);
        checkReady();
        return readRank(guildId, userId, metric, range);
    }

    @Override
    public final long memberCount(long guildId) {
        checkReady();
        return countMembers(guildId);
    }

    @Override
    public final List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        StorageArgs.notNull(range, "range");
        checkReady();
        return readActivity(guildId, userId, range);
    }

    @Override
    public final List<VoiceSession> openSessions() {
        checkReady();
        return readOpenSessions();
    }

    @Override
    public final List<VoiceSession> sessions(long guildId, long userId, int limit) {
        StorageArgs.sessionLimit(limit);
        checkReady();
        return readSessions(guildId, userId, limit);
    }

    @Override
    public final HourlyActivity hourlyActivity(long guildId, DayRange range) {
        StorageArgs.notNull(range, "range");
        checkReady();
        return HourlyRule.activity(
                guildId, range, readHourly(guildId, HourlyRule.firstSlot(range), HourlyRule.endSlot(range)));
    }

    /** {@inheritDoc} Checks that the storage is ready, then reads through the SPI's default. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        checkReady();
        return Storage.super.exportGuild(guildId);
    }

    /** {@inheritDoc} Checks that the storage is ready, then replays through the SPI's default. */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        StorageArgs.notNull(snapshot, "snapshot");
        checkReady();
        Storage.super.importGuild(snapshot);
    }

    protected abstract Optional<GuildConfig> readConfig(long guildId);

    /** Every guild with a stored config or member data, ascending. */
    protected abstract List<Long> readGuildIds();

    protected abstract Optional<MemberStats> readMember(long guildId, long userId);

    /** Every member of the guild, in one consistent read (see {@link Storage#forEachMember}). */
    protected abstract void readMembers(long guildId, Consumer<? super MemberStats> action);

    /** A page (limit >= 1, offset >= 0 checked; a level board has no range). */
    protected abstract List<LeaderboardEntry> readLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset);

    protected abstract OptionalInt readRank(long guildId, long userId, Metric metric, @Nullable DayRange range);

    protected abstract long countMembers(long guildId);

    protected abstract List<ActivityRow> readActivity(long guildId, long userId, DayRange range);

    protected abstract List<VoiceSession> readOpenSessions();

    /**
     * A guild's hourly rows of slots {@code from} (included) to {@code end} (excluded), as {slot,
     * channelId, voiceMs, messages}, by slot then channel ascending ({@link HourlyRule}).
     */
    protected abstract List<long[]> readHourly(long guildId, long from, long end);

    /** At most {@code limit} (>= 0) sessions, newest start first. */
    protected abstract List<VoiceSession> readSessions(long guildId, long userId, int limit);
}

package dev.voicetrack.core.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Copies everything from one {@link Storage} to another, whatever the two backends are (JSON to
 * SQLite, SQLite to MongoDB, ...), then verifies the copy. Unlike the original library, whose guide
 * says existing JSON data is not migrated, any store can be moved to any other:
 *
 * <pre>{@code
 * MigrationReport report = StorageMigration.from(json)
 *         .to(postgres)
 *         .onProgress(p -> log.info("{}/{} guilds, {} rows", p.guildsDone(), p.guildsTotal(), p.rowsCopied()))
 *         .run();
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>What is copied</b>: for every guild of {@code source.guildIds()} (or the ones given to
 *       {@link #guilds}), the {@link Storage#exportGuild snapshot}: config, member totals with last
 *       seen, streak, per-channel totals and metadata, daily activity, sessions.
 *   <li><b>Replace, per guild</b>: each copied guild's data in the target is replaced by the source's
 *       ({@link Storage#importGuild}); guilds that only the target has are left alone.
 *   <li><b>Idempotent</b>: rerunning onto a target that already holds the data leaves the same data,
 *       never doubled; a run interrupted part-way is finished by running it again.
 *   <li><b>Verified</b>: after each guild is written it is read back from the target and compared
 *       with the source's snapshot (counts and {@link GuildSnapshot#checksum()}); a difference stops
 *       the run with a {@link StorageException} naming the guild.
 *   <li><b>Consistency</b>: the source is read guild by guild while it may change; stop the trackers
 *       that write to it (or to the target) during a migration.
 *   <li>Both storages must be {@link Storage#init() initialised}; neither is closed. Not thread
 *       safe: configure and run from one thread. Cost: one export, one import and one export per
 *       guild, each linear in the guild's data, which is held in memory one guild at a time.
 * </ul>
 */
public final class StorageMigration {

    /** Told after each guild is copied and verified. Called on the thread that runs the migration. */
    @FunctionalInterface
    public interface Listener {
        void onProgress(Progress progress);

        /**
         * Told before a guild's copy starts, so that a long copy of one large guild can be shown as
         * under way. Default: nothing.
         *
         * @param guildId the guild about to be copied
         * @param guildsDone guilds copied and verified so far
         * @param guildsTotal guilds to copy
         */
        default void onGuildStart(long guildId, int guildsDone, int guildsTotal) {}
    }

    /**
     * Progress so far.
     *
     * @param guildId the guild just copied
     * @param guildsDone guilds copied and verified so far
     * @param guildsTotal guilds to copy
     * @param rowsCopied rows written so far (configs, members, activity rows, sessions)
     */
    public record Progress(long guildId, int guildsDone, int guildsTotal, long rowsCopied) {}

    /**
     * What one guild's copy held.
     *
     * @param checksum the {@link GuildSnapshot#checksum()} that source and target agreed on
     */
    public record GuildResult(long guildId, int members, long activityRows, int sessions, String checksum) {}

    /**
     * The outcome of a migration whose every guild was verified.
     *
     * @param guilds one result per guild, in ascending guild id order
     * @param rowsCopied configs, members, activity rows and sessions written
     */
    public record Report(List<GuildResult> guilds, long rowsCopied) {
        public Report {
            guilds = List.copyOf(guilds);
        }

        /** Members copied over all guilds. */
        public long members() {
            return guilds.stream().mapToLong(GuildResult::members).sum();
        }

        /** Sessions copied over all guilds. */
        public long sessions() {
            return guilds.stream().mapToLong(GuildResult::sessions).sum();
        }
    }

    private final Storage source;
    private @Nullable Storage target;
    private Listener listener = p -> {};
    private @Nullable List<Long> guilds;

    private StorageMigration(Storage source) {
        this.source = source;
    }

    /**
     * Starts a migration reading from {@code source}.
     *
     * @throws NullPointerException if source is null
     */
    public static StorageMigration from(Storage source) {
        return new StorageMigration(Objects.requireNonNull(source, "source must not be null"));
    }

    /**
     * Where to copy to.
     *
     * @throws NullPointerException if target is null
     * @throws IllegalArgumentException if target is the source itself
     */
    public StorageMigration to(Storage target) {
        Objects.requireNonNull(target, "target must not be null");
        if (target == source) {
            throw new IllegalArgumentException("target must not be the source storage, was " + target);
        }
        this.target = target;
        return this;
    }

    /** Who to tell about progress (default: nobody). */
    public StorageMigration onProgress(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
        return this;
    }

    /**
     * Copies only these guilds instead of every guild of the source.
     *
     * @throws IllegalArgumentException if an id is not positive
     */
    public StorageMigration guilds(Collection<Long> guildIds) {
        Objects.requireNonNull(guildIds, "guildIds must not be null");
        var ids = new TreeSet<Long>();
        for (Long id : guildIds) {
            Objects.requireNonNull(id, "guildIds must not contain null");
            if (id <= 0) {
                throw new IllegalArgumentException("guildIds must be > 0, was " + id);
            }
            ids.add(id);
        }
        this.guilds = List.copyOf(ids);
        return this;
    }

    /**
     * Copies and verifies every guild.
     *
     * @return what was copied, every guild verified
     * @throws IllegalStateException if no target was set
     * @throws StorageException if a read or write fails, or a guild read back from the target differs
     *     from the source (the message names the guild); guilds before it are copied and verified,
     *     and running again finishes the job
     */
    public Report run() {
        Storage to = target;
        if (to == null) {
            throw new IllegalStateException("target must be set with to(...) before run()");
        }
        List<Long> ids = guilds != null ? guilds : List.copyOf(new TreeSet<>(source.guildIds()));
        var results = new ArrayList<GuildResult>(ids.size());
        long rows = 0;
        int done = 0;
        for (long guildId : ids) {
            listener.onGuildStart(guildId, done, ids.size());
            GuildSnapshot snapshot = source.exportGuild(guildId);
            to.importGuild(snapshot);
            GuildSnapshot back = to.exportGuild(guildId);
            verify(snapshot, back);
            rows += snapshot.rowCount();
            done++;
            results.add(new GuildResult(
                    guildId,
                    snapshot.memberCount(),
                    snapshot.activityRowCount(),
                    snapshot.sessions().size(),
                    snapshot.checksum()));
            listener.onProgress(new Progress(guildId, done, ids.size(), rows));
        }
        return new Report(results, rows);
    }

    private static void verify(GuildSnapshot expected, GuildSnapshot actual) {
        long g = expected.guildId();
        if (expected.memberCount() != actual.memberCount()) {
            throw mismatch(g, "members", expected.memberCount(), actual.memberCount());
        }
        if (expected.activityRowCount() != actual.activityRowCount()) {
            throw mismatch(g, "activity rows", expected.activityRowCount(), actual.activityRowCount());
        }
        if (expected.sessions().size() != actual.sessions().size()) {
            throw mismatch(
                    g, "sessions", expected.sessions().size(), actual.sessions().size());
        }
        String want = expected.checksum();
        String got = actual.checksum();
        if (!want.equals(got)) {
            throw new StorageException("migration of guild " + g + " failed verification: checksum in source " + want
                    + ", in target " + got + " (same counts; a field differs)");
        }
    }

    private static StorageException mismatch(long guildId, String what, long want, long got) {
        return new StorageException("migration of guild " + guildId + " failed verification: " + what + " in source "
                + want + ", in target " + got);
    }
}

package dev.voicetrack.storage.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.StorageArgs;
import dev.voicetrack.storage.mongo.internal.BatchJournal;
import dev.voicetrack.storage.mongo.internal.DirectWrites;
import dev.voicetrack.storage.mongo.internal.Faults;
import dev.voicetrack.storage.mongo.internal.MongoCollections;
import dev.voicetrack.storage.mongo.internal.Queries;
import dev.voicetrack.storage.mongo.internal.Schema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} in MongoDB on the official synchronous driver, the Java counterpart of the
 * original's {@code new MongoStorage(uri, 'voicetracker')}.
 *
 * <pre>{@code
 * Storage storage = MongoStorage.create(System.getenv("MONGODB_URI"), "voicetracker");
 * storage.init(); // creates the indexes, completes batches a crash interrupted
 * }</pre>
 *
 * Further options (read-only, journal chunk size, clock) go in a {@link MongoOptions}: {@link
 * #create(String, MongoOptions)}.
 *
 * <h2>Collections</h2>
 *
 * {@code guilds} (config by guild id), {@code members} (one document per guild and user, indexed by
 * guild and each metric descending then user, for leaderboards and ranks), {@code activity} (one
 * document per guild, user, day and channel, indexed by guild and day for windowed leaderboards and
 * by guild, user and day), {@code sessions} (by id, indexed by guild, user and start, and by open),
 * {@code journal} (batches being applied) and {@code meta} (the schema version).
 *
 * <h2>Batches are all-or-nothing without transactions</h2>
 *
 * MongoDB makes a write atomic per document only (multi-document transactions need a replica set,
 * which many bot hosts do not run). {@link #apply} therefore writes a batch ahead to a journal, then
 * applies it with updates that are safe to repeat: <b>after a crash at any point, a batch is either
 * absent, or, once {@link #init()} has run again, applied exactly once.</b> If the apply step fails
 * without a crash (a network error after the commit), {@code apply} still returns normally: the batch
 * is committed, and this instance completes it before its next operation (an operation that cannot
 * complete it throws). The caller must therefore not retry a batch that returned, and may retry one
 * that threw: a throw means the batch was not committed. (One exception: if the commit reached the
 * server but its reply was lost, the batch is committed and also reported as failed; a retry would
 * then count it twice. The driver's retryable writes make this rare; it cannot be excluded without
 * transactions.)
 *
 * <p><b>What it does not give:</b> isolation. While a batch is being applied, a concurrent reader can
 * see some of its members updated and others not yet (only for the few milliseconds of the bulk
 * write, or until the next {@link #init()} after a crash). Each document remembers the last 16 batches
 * applied to it, so at most that many batches may be in flight at once per member (one process
 * writes a guild's batches one after the other, so one is the usual number).
 *
 * <p><b>Thread safety:</b> every method may be called from any thread; writes of one instance are
 * serialised by a lock (the overflow check and streaks read before they write); reads run
 * concurrently. Several processes may share a database when each guild is written by one of them,
 * as the scale-out design requires. Instants are stored as BSON dates: milliseconds are kept,
 * anything finer is not.
 */
public final class MongoStorage extends AbstractStorage implements StorageMaintenance {

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoOptions options;
    private final MongoCollections db;
    private final Schema schema;
    private final BatchJournal journal;
    private final Queries queries;
    private final DirectWrites writes;
    private final ReentrantLock writeLock = new ReentrantLock();

    private MongoStorage(MongoClient client, boolean ownsClient, MongoOptions options, Faults faults) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.options = options;
        this.db = MongoCollections.of(client.getDatabase(options.database()));
        this.schema = new Schema(db);
        this.journal =
                new BatchJournal(db, faults, options.journalChunkSize(), options.orphanChunkAge(), options.clock());
        this.queries = new Queries(db);
        this.writes = new DirectWrites(db);
    }

    // ---------------------------------------------------------------- factories

    /**
     * A storage of the server at {@code uri} with the given options; it owns its client and closes it
     * on {@link #close()}. Nothing is sent before {@link #init()}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the URI is not a MongoDB URI (the message hides its password)
     */
    public static MongoStorage create(String uri, MongoOptions options) {
        StorageArgs.notNull(uri, "uri");
        StorageArgs.notNull(options, "options");
        MongoClient c;
        try {
            c = MongoClients.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri must be a mongodb:// or mongodb+srv:// URI, was " + redact(uri), e);
        }
        return new MongoStorage(c, true, options, Faults.NONE);
    }

    /**
     * A storage through a client the caller owns (and closes), with the given options.
     *
     * @throws NullPointerException if an argument is null
     */
    public static MongoStorage create(MongoClient client, MongoOptions options) {
        StorageArgs.notNull(client, "client");
        StorageArgs.notNull(options, "options");
        return new MongoStorage(client, false, options, Faults.NONE);
    }

    /**
     * A storage in {@code database} of the server at {@code uri}, other options at their defaults;
     * same as {@code create(uri, MongoOptions.builder().database(database).build())}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is not valid (see {@link
     *     MongoOptions.Builder#database}) or the URI is not a MongoDB URI
     */
    public static MongoStorage create(String uri, String database) {
        StorageArgs.notNull(uri, "uri");
        return create(uri, MongoOptions.builder().database(database).build());
    }

    /**
     * A storage that only reads {@code database} of the server at {@code uri}, for the source of a
     * migration; same as {@link #create(String, MongoOptions)} with {@link MongoOptions#readOnly()}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is not valid or the URI is not a MongoDB URI
     */
    public static MongoStorage createReadOnly(String uri, String database) {
        StorageArgs.notNull(uri, "uri");
        return create(
                uri, MongoOptions.builder().database(database).readOnly(true).build());
    }

    /**
     * A storage in {@code database} through a client the caller owns (and closes), other options at
     * their defaults.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is not valid
     */
    public static MongoStorage create(MongoClient client, String database) {
        StorageArgs.notNull(client, "client");
        return create(client, MongoOptions.builder().database(database).build());
    }

    /** For crash tests: a storage whose journal calls {@code faults} at each of its points. */
    static MongoStorage create(MongoClient client, MongoOptions options, Faults faults) {
        return new MongoStorage(client, false, options, faults);
    }

    private static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    /** The options this storage was created with. */
    public MongoOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Creates the indexes, records the schema version, and completes every committed batch of the
     * journal (deleting old uncommitted chunks). Called once, by {@link #init()}. Read-only, it only
     * checks that the database holds VoiceTrack data and no batch to complete.
     *
     * @throws StorageException if the server cannot be reached or holds a newer schema
     */
    @Override
    protected void open() {
        writeLock.lock();
        try {
            if (options.readOnly()) {
                schema.checkReadable(journal);
            } else {
                schema.prepare();
                journal.recover();
            }
        } catch (MongoException e) {
            throw new StorageException("cannot initialise MongoDB storage in database " + db.name() + ": " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int schemaVersion() {
        checkReady();
        return read(schema::version);
    }

    /**
     * Closes the client if this storage created it, once a batch being written has finished. A
     * committed batch stays in the journal.
     */
    @Override
    protected void release() {
        writeLock.lock();
        try {
            if (ownsClient) {
                client.close();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Completes a batch of this instance left half applied, if any, before any other operation. */
    private void completePending() {
        if (journal.hasPending()) {
            writeLock.lock();
            try {
                if (journal.hasPending()) {
                    journal.recover();
                }
            } catch (MongoException e) {
                throw new StorageException("a committed batch could not be completed yet: " + e, e);
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void refuseIfReadOnly() {
        if (options.readOnly()) {
            throw new StorageException("database " + db.name() + " is open read-only, nothing was written");
        }
    }

    private <T> T read(Supplier<T> body) {
        completePending();
        try {
            return body.get();
        } catch (MongoException e) {
            throw new StorageException("MongoDB read failed: " + e, e);
        }
    }

    private <T> T write(Supplier<T> body) {
        completePending();
        refuseIfReadOnly();
        writeLock.lock();
        try {
            return body.get();
        } catch (MongoException e) {
            throw new StorageException("MongoDB write failed: " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeVoid(Runnable body) {
        write(() -> {
            body.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- batches

    /**
     * Writes a folded batch all-or-nothing through the journal, as the class comment describes.
     *
     * @throws StorageException if the batch is rejected (overflow) or cannot be committed; then
     *     nothing was written
     */
    @Override
    protected List<MemberTotals> writeFolded(FoldedBatch batch) {
        completePending();
        if (batch.isEmpty()) {
            return List.of();
        }
        refuseIfReadOnly();
        writeLock.lock();
        try {
            return journal.apply(batch);
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- guilds and members

    @Override
    protected Optional<GuildConfig> readConfig(long guildId) {
        return read(() -> queries.guildConfig(guildId));
    }

    @Override
    protected void writeConfig(long guildId, GuildConfig stored) {
        writeVoid(() -> writes.saveGuildConfig(guildId, stored));
    }

    @Override
    protected List<Long> readGuildIds() {
        return read(queries::guildIds);
    }

    @Override
    protected Optional<MemberStats> readMember(long guildId, long userId) {
        return read(() -> queries.member(guildId, userId));
    }

    @Override
    protected void readMembers(long guildId, Consumer<? super MemberStats> action) {
        read(() -> queries.members(guildId)).forEach(action);
    }

    @Override
    protected long countMembers(long guildId) {
        return read(() -> queries.memberCount(guildId));
    }

    @Override
    protected List<LevelChange> writeLevelRaises(List<LevelRaise> raises) {
        if (raises.isEmpty()) {
            completePending();
            return List.of();
        }
        return write(() -> writes.raiseLevels(raises));
    }

    @Override
    protected MemberTotals writeXp(long guildId, long userId, long xp, int level) {
        return write(() -> writes.setFields(guildId, userId, new Document("xp", xp).append("level", level)));
    }

    @Override
    protected MemberTotals writeLevel(long guildId, long userId, int level) {
        return write(() -> writes.setFields(guildId, userId, new Document("level", level)));
    }

    /**
     * Resets a member. Not atomic across collections: sessions and activity are deleted first, the
     * counters last, so a crash part-way leaves a member whose history is gone but whose totals are
     * not yet zero; calling it again completes it.
     */
    @Override
    protected boolean resetMemberRows(long guildId, long userId) {
        return write(() -> writes.resetMember(guildId, userId));
    }

    @Override
    protected boolean deleteMemberRows(long guildId, long userId) {
        return write(() -> writes.deleteMember(guildId, userId));
    }

    @Override
    protected void deleteGuildRows(long guildId) {
        writeVoid(() -> writes.deleteGuild(guildId));
    }

    @Override
    protected void writeMetadata(long guildId, long userId, Map<String, String> set, List<String> remove) {
        writeVoid(() -> writes.updateMetadata(guildId, userId, set, remove));
    }

    // ---------------------------------------------------------------- snapshots

    /** Three range queries (members, activity, sessions of the guild) instead of calls per member. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        checkReady();
        return read(() -> queries.exportGuild(guildId));
    }

    /**
     * Replaces the guild's documents with the snapshot's (delete, then bulk inserts). Not atomic: a
     * crash part-way leaves the guild partly imported; importing again (a migration rerun) repairs it.
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        StorageArgs.notNull(snapshot, "snapshot");
        checkReady();
        writeVoid(() -> writes.importGuild(snapshot));
    }

    // ---------------------------------------------------------------- ranked reads, activity, sessions

    @Override
    protected List<LeaderboardEntry> readLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return read(() -> queries.leaderboard(guildId, metric, range, limit, offset));
    }

    /** Two counts on the metric index (members ahead, and tied members with a smaller id). */
    @Override
    protected OptionalInt readRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return read(() -> queries.rank(guildId, userId, metric, range));
    }

    @Override
    protected List<ActivityRow> readActivity(long guildId, long userId, DayRange range) {
        return read(() -> queries.activity(guildId, userId, range));
    }

    @Override
    protected List<long[]> readHourly(long guildId, long from, long end) {
        return read(() -> queries.hourly(guildId, from, end));
    }

    @Override
    protected List<VoiceSession> readOpenSessions() {
        return read(queries::openSessions);
    }

    @Override
    protected List<VoiceSession> readSessions(long guildId, long userId, int limit) {
        return read(() -> queries.sessions(guildId, userId, limit));
    }

    // ---------------------------------------------------------------- maintenance

    /**
     * Counts of guilds, members and sessions (three counts on the server) and the database's {@code
     * dbStats} size (data plus indexes; -1 if the server does not report it). No backup or
     * optimisation: use {@code mongodump}.
     */
    @Override
    public MaintenanceStats maintenanceStats() {
        checkReady();
        return read(queries::maintenanceStats);
    }
}

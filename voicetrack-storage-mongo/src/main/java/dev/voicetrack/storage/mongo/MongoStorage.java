package dev.voicetrack.storage.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.nin;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.storage.mongo.internal.ConfigDocs;
import dev.voicetrack.storage.mongo.internal.Faults;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.conversions.Bson;
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
 * <h2>Collections and indexes</h2>
 *
 * {@code guilds} (config by guild id), {@code members} (one document per guild and user, indexed by
 * guild and each metric descending then user, for leaderboards and ranks), {@code activity} (one
 * document per guild, user, day and channel, indexed by guild and day for windowed leaderboards and
 * by guild, user and day), {@code sessions} (by id, indexed by guild, user and start, and by open),
 * {@code journal} (batches being applied) and {@code meta} (the schema version).
 *
 * <h2>Atomicity without transactions: an idempotent batch journal</h2>
 *
 * MongoDB makes a write atomic per document only (multi-document transactions need a replica set,
 * which many bot hosts do not run). {@link #apply} therefore works as a write-ahead journal:
 *
 * <ol>
 *   <li>Everything is checked and computed first (overflow, streaks), so a batch that is rejected
 *       writes nothing.
 *   <li>The batch's document updates are written to {@code journal} in chunk documents, then a
 *       header document with a unique batch id; <b>inserting the header is the commit point</b>.
 *   <li>The updates are applied with bulk writes. Each member and activity update matches only a
 *       document whose {@code applied} list lacks the batch id and adds the id ({@code $inc} with an
 *       upsert), so applying an update twice changes nothing; session rows are replaced whole.
 *   <li>The journal entry is deleted.
 * </ol>
 *
 * <b>Guarantee.</b> After a crash at any point, a batch is either absent (the header was not
 * inserted: its chunks are deleted by the next {@link #init()}) or, once {@link #init()} has run
 * again, applied exactly once ({@link #init()} re-applies every committed entry; the guards skip
 * what was already applied). If the apply step fails without a crash (a network error after the
 * commit), {@code apply} still returns normally: the batch is committed, and this instance completes
 * it before its next operation (an operation that cannot complete it throws). The caller must
 * therefore not retry a batch that returned, and may retry one that threw: a throw means the header
 * was not written. (One exception: if the header insert reached the server but its reply was lost,
 * the batch is committed and also reported as failed; a retry would then count it twice. The driver's
 * retryable writes make this rare; it cannot be excluded without transactions.)
 *
 * <p><b>What it does not give:</b> isolation. While a batch is being applied, a concurrent reader can
 * see some of its members updated and others not yet (only for the few milliseconds of the bulk
 * write, or until the next {@link #init()} after a crash). Each guard keeps the last {@value
 * #APPLIED_KEEP} batch ids per document, so at most that many batches may be in flight at once per
 * member (one process writes a guild's batches one after the other, so one is the usual number).
 *
 * <p><b>Thread safety:</b> every method may be called from any thread; writes of one instance are
 * serialised by a lock (the overflow check and streaks read before they write); reads run
 * concurrently. Several processes may share a database when each guild is written by one of them,
 * as the scale-out design requires. Instants are stored as BSON dates: milliseconds are kept,
 * anything finer is not.
 */
public final class MongoStorage implements Storage, StorageMaintenance {

    static final int APPLIED_KEEP = 16;
    private static final long ORPHAN_AGE_MS = 3_600_000;
    private static final int DEFAULT_CHUNK = 1_000;
    private static final Date EPOCH = new Date(0);

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoDatabase db;
    private final MongoCollection<Document> guilds;
    private final MongoCollection<Document> members;
    private final MongoCollection<Document> activity;
    private final MongoCollection<Document> sessions;
    private final MongoCollection<Document> journal;
    private final MongoCollection<Document> meta;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Faults faults;
    private final int chunk;
    private volatile boolean initialized;
    private volatile boolean closed;
    private volatile boolean pending;
    private boolean readOnly;

    private MongoStorage(MongoClient client, boolean ownsClient, String database, Faults faults, int chunk) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.db = client.getDatabase(database);
        this.guilds = db.getCollection("guilds");
        this.members = db.getCollection("members");
        this.activity = db.getCollection("activity");
        this.sessions = db.getCollection("sessions");
        this.journal = db.getCollection("journal");
        this.meta = db.getCollection("meta");
        this.faults = faults;
        this.chunk = chunk;
    }

    /**
     * A storage in {@code database} of the server at {@code uri}; it owns its client and closes it on
     * {@link #close()}. Nothing is sent before {@link #init()}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is blank or the URI is not a MongoDB URI
     */
    public static MongoStorage create(String uri, String database) {
        Objects.requireNonNull(uri, "uri must not be null");
        checkDatabase(database);
        MongoClient c;
        try {
            c = MongoClients.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri must be a mongodb:// or mongodb+srv:// URI, was " + redact(uri), e);
        }
        return new MongoStorage(c, true, database, Faults.NONE, DEFAULT_CHUNK);
    }

    /**
     * A storage that only reads {@code database} of the server at {@code uri}, for the source of a
     * migration: {@link #init()} creates no index and writes nothing (it refuses a database without
     * VoiceTrack data, and one with a batch that only a read-write open completes), and every write
     * throws a {@link StorageException}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is blank or the URI is not a MongoDB URI
     */
    public static MongoStorage createReadOnly(String uri, String database) {
        MongoStorage s = create(uri, database);
        s.readOnly = true;
        return s;
    }

    /**
     * A storage in {@code database} through a client the caller owns (and closes).
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the database name is blank
     */
    public static MongoStorage create(MongoClient client, String database) {
        Objects.requireNonNull(client, "client must not be null");
        checkDatabase(database);
        return new MongoStorage(client, false, database, Faults.NONE, DEFAULT_CHUNK);
    }

    /** For crash tests: failure injection and the number of updates per bulk write. */
    static MongoStorage create(MongoClient client, String database, Faults faults, int chunk) {
        return new MongoStorage(client, false, database, faults, chunk);
    }

    private static void checkDatabase(String database) {
        Objects.requireNonNull(database, "database must not be null");
        if (database.isBlank()) {
            throw new IllegalArgumentException("database must not be blank, was '" + database + "'");
        }
    }

    private static String redact(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    // ---------------------------------------------------------------- init

    /**
     * Creates the indexes, records the schema version, and completes every committed batch of the
     * journal (deleting uncommitted chunks). Idempotent.
     *
     * @throws StorageException if the server cannot be reached or holds a newer schema
     */
    @Override
    public void init() {
        writeLock.lock();
        try {
            ensureOpen();
            Document m = meta.find(eq("_id", "schema")).first();
            if (readOnly) {
                checkReadable(m);
                initialized = true;
                return;
            }
            if (m != null && m.getInteger("version", 0) > SCHEMA_VERSION) {
                throw new StorageException("database " + db.getName() + " holds schema version "
                        + m.getInteger("version") + ", newer than this build's " + SCHEMA_VERSION);
            }
            for (String metric : List.of("xp", "voiceMs", "messages", "level")) {
                members.createIndex(Indexes.compoundIndex(
                        Indexes.ascending("g"), Indexes.descending(metric), Indexes.ascending("u")));
            }
            activity.createIndex(Indexes.ascending("g", "d"));
            activity.createIndex(Indexes.ascending("g", "u", "d"));
            sessions.createIndex(Indexes.compoundIndex(
                    Indexes.ascending("g", "u"), Indexes.descending("start"), Indexes.ascending("_id")));
            sessions.createIndex(Indexes.ascending("open"));
            journal.createIndex(Indexes.ascending("batch"), new IndexOptions());
            if (m == null) {
                meta.replaceOne(
                        eq("_id", "schema"),
                        new Document("_id", "schema").append("version", SCHEMA_VERSION),
                        new ReplaceOptions().upsert(true));
            }
            recover();
            initialized = true;
        } catch (MongoException e) {
            throw new StorageException("cannot initialise MongoDB storage in database " + db.getName() + ": " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** What a read-only open needs: VoiceTrack data of a known schema, and no batch left to complete. */
    private void checkReadable(@Nullable Document schema) {
        if (schema == null) {
            throw new StorageException("database " + db.getName()
                    + " holds no VoiceTrack data (no schema document in its meta collection); nothing was created");
        }
        if (schema.getInteger("version", 0) > SCHEMA_VERSION) {
            throw new StorageException("database " + db.getName() + " holds schema version "
                    + schema.getInteger("version") + ", newer than this build's " + SCHEMA_VERSION);
        }
        if (journal.find(eq("kind", "header")).first() != null) {
            throw new StorageException("database " + db.getName() + " has a batch that a read-only open cannot"
                    + " complete (journal); start VoiceTrack on it once, then try again");
        }
    }

    private void refuseIfReadOnly() {
        if (readOnly) {
            throw new StorageException("database " + db.getName() + " is open read-only, nothing was written");
        }
    }

    /** Applies every committed journal entry (idempotently) and drops uncommitted chunks. */
    private void recover() {
        for (Document header : journal.find(eq("kind", "header")).sort(Sorts.ascending("created"))) {
            String batchId = header.getString("_id");
            for (Document c :
                    journal.find(and(eq("kind", "chunk"), eq("batch", batchId))).sort(Sorts.ascending("seq"))) {
                applyChunk(batchId, c);
            }
            journal.deleteMany(eq("batch", batchId));
            journal.deleteOne(eq("_id", batchId));
        }
        // Chunks whose header was never inserted belong to batches that were never committed. Only
        // old ones are deleted: a young one may belong to another process's batch in flight.
        var committed = new TreeSet<String>();
        journal.find(eq("kind", "header")).forEach(h -> committed.add(h.getString("_id")));
        Date cutoff = new Date(System.currentTimeMillis() - ORPHAN_AGE_MS);
        journal.deleteMany(and(eq("kind", "chunk"), nin("batch", committed), lt("created", cutoff)));
        pending = false;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    private void ensureReady() {
        ensureOpen();
        if (!initialized) {
            throw new StorageException("storage is not initialized: call init() first");
        }
        if (pending) {
            writeLock.lock();
            try {
                if (pending) {
                    recover();
                }
            } catch (MongoException e) {
                throw new StorageException("a committed batch could not be completed yet: " + e, e);
            } finally {
                writeLock.unlock();
            }
        }
    }

    private <T> T read(Supplier<T> body) {
        ensureReady();
        try {
            return body.get();
        } catch (MongoException e) {
            throw new StorageException("MongoDB read failed: " + e, e);
        }
    }

    private <T> T write(Supplier<T> body) {
        ensureReady();
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

    @Override
    public int schemaVersion() {
        return read(() -> {
            Document m = meta.find(eq("_id", "schema")).first();
            return m == null ? 0 : m.getInteger("version", 0);
        });
    }

    // ---------------------------------------------------------------- documents

    private static String memberId(long guildId, long userId) {
        return guildId + ":" + userId;
    }

    private static Document newMemberFields(long guildId, long userId) {
        return new Document("g", guildId)
                .append("u", userId)
                .append("voiceMs", 0L)
                .append("xp", 0L)
                .append("level", 0)
                .append("sessions", 0L)
                .append("messages", 0L)
                .append("lastSeen", EPOCH)
                .append("streak", 0)
                .append("lastActiveDay", LocalDate.EPOCH.toString())
                .append("metadata", new Document());
    }

    private static MemberStats toStats(Document d) {
        var channels = new HashMap<Long, MemberStats.ChannelStats>();
        Document ch = d.get("channels", Document.class);
        if (ch != null) {
            ch.forEach((k, v) -> {
                Document c = (Document) v;
                long id = Long.parseLong(k);
                channels.put(id, new MemberStats.ChannelStats(id, num(c, "v"), num(c, "s")));
            });
        }
        var metadata = new HashMap<String, String>();
        Document md = d.get("metadata", Document.class);
        if (md != null) {
            md.forEach((k, v) -> metadata.put(unescapeKey(k), (String) v));
        }
        Date seen = d.getDate("lastSeen");
        String lad = d.getString("lastActiveDay");
        return new MemberStats(
                d.getLong("g"),
                d.getLong("u"),
                num(d, "voiceMs"),
                num(d, "xp"),
                (int) num(d, "level"),
                num(d, "sessions"),
                num(d, "messages"),
                seen == null ? Instant.EPOCH : seen.toInstant(),
                (int) num(d, "streak"),
                lad == null ? LocalDate.EPOCH : LocalDate.parse(lad),
                channels,
                metadata);
    }

    private static long num(Document d, String field) {
        Object v = d.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** Metadata keys may hold '.' and '$', which field names must not: they are escaped. */
    private static String escapeKey(String k) {
        return k.replace("%", "%25").replace(".", "%2E").replace("$", "%24");
    }

    private static String unescapeKey(String k) {
        return k.replace("%24", "$").replace("%2E", ".").replace("%25", "%");
    }

    private static Document sessionDoc(VoiceSession s) {
        return new Document("_id", s.id())
                .append("g", s.guildId())
                .append("u", s.userId())
                .append("c", s.channelId())
                .append("start", Date.from(s.start()))
                .append("end", s.end() == null ? null : Date.from(s.end()))
                .append("lastAccrual", Date.from(s.lastAccrual()))
                .append("durationMs", s.durationMs())
                .append("xpEarned", s.xpEarned())
                .append("mutedMs", s.mutedMs())
                .append("deafenedMs", s.deafenedMs())
                .append("open", s.end() == null);
    }

    private static VoiceSession toSession(Document d) {
        Date end = d.getDate("end");
        return new VoiceSession(
                d.getString("_id"),
                d.getLong("g"),
                d.getLong("u"),
                d.getLong("c"),
                d.getDate("start").toInstant(),
                end == null ? null : end.toInstant(),
                d.getDate("lastAccrual").toInstant(),
                num(d, "durationMs"),
                num(d, "xpEarned"),
                num(d, "mutedMs"),
                num(d, "deafenedMs"));
    }

    // ---------------------------------------------------------------- config and guilds

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return read(() -> {
            Document d = guilds.find(eq("_id", guildId)).first();
            return d == null || d.get("config") == null
                    ? Optional.empty()
                    : Optional.of(ConfigDocs.fromDoc(d.get("config", Document.class)));
        });
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Document doc = ConfigDocs.toDoc(config);
        write(() -> guilds.replaceOne(
                eq("_id", guildId),
                new Document("_id", guildId).append("config", doc),
                new ReplaceOptions().upsert(true)));
    }

    @Override
    public List<Long> guildIds() {
        return read(() -> {
            var ids = new TreeSet<Long>();
            guilds.distinct("_id", Long.class).forEach(ids::add);
            members.distinct("g", Long.class).forEach(ids::add);
            return List.copyOf(ids);
        });
    }

    // ---------------------------------------------------------------- apply

    private record Key(long guildId, long userId) {}

    private static final class MemberOp {
        final long guildId;
        final long userId;
        long voice;
        long xp;
        long messages;
        long sessions;
        Instant lastSeen = Instant.EPOCH;
        final Map<Long, long[]> channels = new TreeMap<>();
        int streak;
        LocalDate lastActiveDay = LocalDate.EPOCH;
        boolean streakTouched;

        MemberOp(long guildId, long userId) {
            this.guildId = guildId;
            this.userId = userId;
        }
    }

    /**
     * Applies a batch through the journal described in the class comment.
     *
     * @throws StorageException if the batch is rejected (overflow) or the journal cannot be committed;
     *     then nothing was written
     */
    @Override
    public List<MemberTotals> apply(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.isEmpty()) {
            ensureReady();
            return List.of();
        }
        ensureReady();
        refuseIfReadOnly();
        writeLock.lock();
        try {
            return applyLocked(batch);
        } finally {
            writeLock.unlock();
        }
    }

    private List<MemberTotals> applyLocked(Batch batch) {
        var ops = new LinkedHashMap<Key, MemberOp>();
        var days = new TreeMap<String, long[]>(); // activity id -> v, x, m
        var dayKeys = new HashMap<String, Object[]>(); // activity id -> g, u, day, channel
        for (MemberDelta d : batch.deltas()) {
            MemberOp op =
                    ops.computeIfAbsent(new Key(d.guildId(), d.userId()), k -> new MemberOp(k.guildId(), k.userId()));
            op.voice = add(op.voice, d.voiceMs(), d);
            op.xp = add(op.xp, d.xp(), d);
            op.messages = add(op.messages, d.messages(), d);
            op.sessions = add(op.sessions, d.sessions(), d);
        }
        Map<String, Document> current;
        try {
            current = new HashMap<>();
            var ids = ops.keySet().stream()
                    .map(k -> memberId(k.guildId(), k.userId()))
                    .toList();
            for (int i = 0; i < ids.size(); i += 10_000) {
                members.find(in("_id", ids.subList(i, Math.min(ids.size(), i + 10_000))))
                        .forEach(doc -> current.put(doc.getString("_id"), doc));
            }
        } catch (MongoException e) {
            throw new StorageException("batch rejected, nothing written: cannot read members: " + e, e);
        }
        for (MemberOp op : ops.values()) {
            Document doc = current.get(memberId(op.guildId, op.userId));
            if (doc != null) {
                try {
                    Math.addExact(num(doc, "voiceMs"), op.voice);
                    Math.addExact(num(doc, "xp"), op.xp);
                    Math.addExact(num(doc, "messages"), op.messages);
                    Math.addExact(num(doc, "sessions"), op.sessions);
                } catch (ArithmeticException ex) {
                    throw new StorageException("batch rejected: a total of member " + op.userId + " in guild "
                            + op.guildId + " would overflow");
                }
                op.streak = (int) num(doc, "streak");
                String lad = doc.getString("lastActiveDay");
                op.lastActiveDay = lad == null ? LocalDate.EPOCH : LocalDate.parse(lad);
                Date seen = doc.getDate("lastSeen");
                op.lastSeen = seen == null ? Instant.EPOCH : seen.toInstant();
            }
        }
        for (MemberDelta d : batch.deltas()) {
            MemberOp op = ops.get(new Key(d.guildId(), d.userId()));
            if (d.lastSeen().isAfter(op.lastSeen)) {
                op.lastSeen = d.lastSeen();
            }
            if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                long[] c = op.channels.computeIfAbsent(d.channelId(), k -> new long[2]);
                c[0] += d.voiceMs();
                c[1] += d.sessions();
            }
            if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                String id = d.guildId() + ":" + d.userId() + ":" + d.day() + ":" + d.channelId();
                long[] v = days.computeIfAbsent(id, k -> new long[3]);
                v[0] += d.voiceMs();
                v[1] += d.xp();
                v[2] += d.messages();
                dayKeys.putIfAbsent(
                        id, new Object[] {d.guildId(), d.userId(), d.day().toString(), d.channelId()});
                if (d.day().isAfter(op.lastActiveDay)) {
                    op.streak = d.day().minusDays(1).equals(op.lastActiveDay) ? op.streak + 1 : 1;
                    op.lastActiveDay = d.day();
                    op.streakTouched = true;
                }
            }
        }

        // The updates, as documents: {c: collection, id, u: update} (guarded) or {c: "sessions", doc}.
        var updates = new ArrayList<Document>(
                ops.size() + days.size() + batch.sessions().size());
        for (MemberOp op : ops.values()) {
            Document inc = new Document("voiceMs", op.voice)
                    .append("xp", op.xp)
                    .append("messages", op.messages)
                    .append("sessions", op.sessions);
            op.channels.forEach((c, v) -> {
                inc.append("channels." + c + ".v", v[0]);
                inc.append("channels." + c + ".s", v[1]);
            });
            Document set = new Document("g", op.guildId).append("u", op.userId);
            if (op.streakTouched) {
                set.append("streak", op.streak).append("lastActiveDay", op.lastActiveDay.toString());
            }
            Document onInsert = new Document("level", 0).append("metadata", new Document());
            if (!op.streakTouched) {
                onInsert.append("streak", 0).append("lastActiveDay", LocalDate.EPOCH.toString());
            }
            Document update = new Document("$inc", inc)
                    .append("$max", new Document("lastSeen", Date.from(op.lastSeen)))
                    .append("$set", set)
                    .append("$setOnInsert", onInsert);
            updates.add(new Document("c", "members")
                    .append("id", memberId(op.guildId, op.userId))
                    .append("u", update));
        }
        days.forEach((id, v) -> {
            Object[] k = dayKeys.get(id);
            Document update = new Document(
                            "$inc", new Document("v", v[0]).append("x", v[1]).append("m", v[2]))
                    .append(
                            "$set",
                            new Document("g", k[0])
                                    .append("u", k[1])
                                    .append("d", k[2])
                                    .append("c", k[3]));
            updates.add(new Document("c", "activity").append("id", id).append("u", update));
        });
        for (VoiceSession s : batch.sessions()) {
            updates.add(new Document("c", "sessions").append("doc", sessionDoc(s)));
        }

        // Commit: chunks, then the header.
        String batchId = UUID.randomUUID().toString();
        var chunks = new ArrayList<Document>();
        for (int i = 0, seq = 0; i < updates.size(); i += chunk, seq++) {
            chunks.add(new Document("_id", batchId + "#" + seq)
                    .append("kind", "chunk")
                    .append("batch", batchId)
                    .append("seq", seq)
                    .append("created", new Date())
                    .append("ops", updates.subList(i, Math.min(updates.size(), i + chunk))));
        }
        try {
            journal.insertMany(chunks);
            faults.at(Faults.BEFORE_COMMIT);
            journal.insertOne(new Document("_id", batchId)
                    .append("kind", "header")
                    .append("created", new Date())
                    .append("chunks", chunks.size()));
        } catch (MongoException | StorageException e) {
            try {
                journal.deleteMany(eq("batch", batchId));
            } catch (MongoException ignored) {
                // uncommitted chunks are deleted by the next init()
            }
            throw new StorageException("batch rejected, nothing written: the journal could not be committed: " + e, e);
        }

        // Apply (idempotent), then forget the entry.
        try {
            faults.at(Faults.AFTER_COMMIT);
            for (Document c : chunks) {
                applyChunk(batchId, c);
                faults.at(Faults.AFTER_CHUNK);
            }
            journal.deleteMany(eq("batch", batchId));
            journal.deleteOne(eq("_id", batchId));
        } catch (MongoException e) {
            pending = true; // committed: completed before this instance's next operation
        }

        var out = new ArrayList<MemberTotals>(ops.size());
        for (MemberOp op : ops.values()) {
            Document doc = current.get(memberId(op.guildId, op.userId));
            long xp = (doc == null ? 0 : num(doc, "xp")) + op.xp;
            int level = doc == null ? 0 : (int) num(doc, "level");
            long voice = (doc == null ? 0 : num(doc, "voiceMs")) + op.voice;
            out.add(new MemberTotals(op.guildId, op.userId, xp, level, voice));
        }
        return out;
    }

    private static long add(long a, long b, MemberDelta d) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new StorageException("batch rejected: increments overflow for " + d);
        }
    }

    /** Applies one journal chunk; an update already applied (its guard fails) changes nothing. */
    private void applyChunk(String batchId, Document chunkDoc) {
        var memberModels = new ArrayList<WriteModel<Document>>();
        var activityModels = new ArrayList<WriteModel<Document>>();
        var sessionModels = new ArrayList<WriteModel<Document>>();
        for (Document op : chunkDoc.getList("ops", Document.class)) {
            String coll = op.getString("c");
            if (coll.equals("sessions")) {
                Document doc = op.get("doc", Document.class);
                sessionModels.add(
                        new ReplaceOneModel<>(eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true)));
                continue;
            }
            Document update = new Document(op.get("u", Document.class));
            update.append(
                    "$push",
                    new Document("applied", new Document("$each", List.of(batchId)).append("$slice", -APPLIED_KEEP)));
            var model = new UpdateOneModel<Document>(
                    and(eq("_id", op.getString("id")), ne("applied", batchId)),
                    update,
                    new UpdateOptions().upsert(true));
            (coll.equals("members") ? memberModels : activityModels).add(model);
        }
        bulkIdempotent(members, memberModels);
        bulkIdempotent(activity, activityModels);
        if (!sessionModels.isEmpty()) {
            sessions.bulkWrite(sessionModels, new BulkWriteOptions().ordered(false));
        }
    }

    /**
     * An unordered bulk write of guarded upserts. A guard that fails on an existing document makes
     * its upsert collide on {@code _id} (error 11000): that update was applied before, which is fine.
     */
    private static void bulkIdempotent(MongoCollection<Document> coll, List<WriteModel<Document>> models) {
        if (models.isEmpty()) {
            return;
        }
        try {
            coll.bulkWrite(models, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError err : e.getWriteErrors()) {
                if (err.getCode() != 11000) {
                    throw e;
                }
            }
            if (e.getWriteConcernError() != null) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- levels and admin

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        Objects.requireNonNull(raises, "raises must not be null");
        List<LevelRaise> all = List.copyOf(raises);
        if (all.isEmpty()) {
            ensureReady();
            return List.of();
        }
        return write(() -> {
            var ids = all.stream()
                    .map(r -> memberId(r.guildId(), r.userId()))
                    .distinct()
                    .toList();
            var docs = new HashMap<String, Document>();
            members.find(in("_id", ids)).forEach(d -> docs.put(d.getString("_id"), d));
            var out = new ArrayList<LevelChange>();
            var models = new ArrayList<WriteModel<Document>>();
            for (LevelRaise r : all) {
                Document d = docs.get(memberId(r.guildId(), r.userId()));
                if (d != null && r.level() > num(d, "level")) {
                    out.add(new LevelChange(r.guildId(), r.userId(), (int) num(d, "level"), r.level(), num(d, "xp")));
                    d.put("level", r.level());
                    models.add(new UpdateOneModel<>(
                            and(eq("_id", d.getString("_id")), lt("level", r.level())),
                            new Document("$set", new Document("level", r.level()))));
                }
            }
            if (!models.isEmpty()) {
                members.bulkWrite(models);
            }
            return out;
        });
    }

    private MemberTotals setFields(long guildId, long userId, Document set) {
        return write(() -> {
            Document insert = newMemberFields(guildId, userId);
            set.keySet().forEach(insert::remove);
            members.updateOne(
                    eq("_id", memberId(guildId, userId)),
                    new Document("$set", set).append("$setOnInsert", insert),
                    new UpdateOptions().upsert(true));
            Document d = Objects.requireNonNull(
                    members.find(eq("_id", memberId(guildId, userId))).first());
            return new MemberTotals(guildId, userId, num(d, "xp"), (int) num(d, "level"), num(d, "voiceMs"));
        });
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
        return setFields(guildId, userId, new Document("xp", xp).append("level", level));
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        return setFields(guildId, userId, new Document("level", level));
    }

    /**
     * Resets a member. Not atomic across collections: sessions and activity are deleted first, the
     * counters last, so a crash part-way leaves a member whose history is gone but whose totals are
     * not yet zero; calling it again completes it.
     */
    @Override
    public boolean resetMember(long guildId, long userId) {
        return write(() -> {
            Document d = members.find(eq("_id", memberId(guildId, userId))).first();
            if (d == null) {
                return false;
            }
            sessions.deleteMany(and(eq("g", guildId), eq("u", userId)));
            activity.deleteMany(and(eq("g", guildId), eq("u", userId)));
            Document fresh = newMemberFields(guildId, userId).append("_id", memberId(guildId, userId));
            fresh.put("metadata", d.get("metadata", new Document()));
            members.replaceOne(eq("_id", memberId(guildId, userId)), fresh);
            return true;
        });
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return write(() -> {
            boolean had =
                    sessions.deleteMany(and(eq("g", guildId), eq("u", userId))).getDeletedCount() > 0;
            activity.deleteMany(and(eq("g", guildId), eq("u", userId)));
            boolean existed =
                    members.deleteOne(eq("_id", memberId(guildId, userId))).getDeletedCount() > 0;
            return existed || had;
        });
    }

    @Override
    public void deleteGuild(long guildId) {
        write(() -> {
            deleteGuildLocked(guildId);
            return null;
        });
    }

    private void deleteGuildLocked(long guildId) {
        sessions.deleteMany(eq("g", guildId));
        activity.deleteMany(eq("g", guildId));
        members.deleteMany(eq("g", guildId));
        guilds.deleteOne(eq("_id", guildId));
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        Map<String, String> puts = Map.copyOf(set);
        List<String> removes = List.copyOf(remove);
        write(() -> {
            Document s = new Document();
            puts.forEach((k, v) -> s.append("metadata." + escapeKey(k), v));
            Document unset = new Document();
            for (String k : removes) {
                if (!puts.containsKey(k)) {
                    unset.append("metadata." + escapeKey(k), "");
                } else {
                    s.remove("metadata." + escapeKey(k));
                    unset.append("metadata." + escapeKey(k), "");
                }
            }
            Document update = new Document();
            Document insert = newMemberFields(guildId, userId);
            if (!s.isEmpty() || !unset.isEmpty()) {
                insert.remove("metadata");
            }
            if (!s.isEmpty()) {
                update.append("$set", s);
            }
            if (!unset.isEmpty()) {
                update.append("$unset", unset);
            }
            update.append("$setOnInsert", insert);
            members.updateOne(eq("_id", memberId(guildId, userId)), update, new UpdateOptions().upsert(true));
            return null;
        });
    }

    // ---------------------------------------------------------------- snapshots

    /** Three range queries (members, activity, sessions of the guild) instead of calls per member. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        return read(() -> {
            Document g = guilds.find(eq("_id", guildId)).first();
            GuildConfig config =
                    g == null || g.get("config") == null ? null : ConfigDocs.fromDoc(g.get("config", Document.class));
            var acts = new HashMap<Long, List<ActivityRow>>();
            for (Document a : activity.find(eq("g", guildId))) {
                acts.computeIfAbsent(a.getLong("u"), u -> new ArrayList<>()).add(toActivity(a));
            }
            var list = new ArrayList<GuildSnapshot.Member>();
            for (Document m : members.find(eq("g", guildId))) {
                list.add(new GuildSnapshot.Member(toStats(m), acts.getOrDefault(m.getLong("u"), List.of())));
            }
            var ss = new ArrayList<VoiceSession>();
            sessions.find(eq("g", guildId)).forEach(d -> ss.add(toSession(d)));
            return new GuildSnapshot(guildId, config, list, ss);
        });
    }

    /**
     * Replaces the guild's documents with the snapshot's (delete, then bulk inserts). Not atomic: a
     * crash part-way leaves the guild partly imported; importing again (a migration rerun) repairs it.
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        long g = snapshot.guildId();
        write(() -> {
            deleteGuildLocked(g);
            if (snapshot.config() != null) {
                guilds.insertOne(new Document("_id", g).append("config", ConfigDocs.toDoc(snapshot.config())));
            }
            var ms = new ArrayList<Document>();
            var as = new ArrayList<Document>();
            for (GuildSnapshot.Member m : snapshot.members()) {
                MemberStats s = m.stats();
                Document channels = new Document();
                s.channels()
                        .forEach((c, v) -> channels.append(
                                Long.toString(c), new Document("v", v.voiceTimeMs()).append("s", v.sessions())));
                Document metadata = new Document();
                s.metadata().forEach((k, v) -> metadata.append(escapeKey(k), v));
                ms.add(new Document("_id", memberId(g, s.userId()))
                        .append("g", g)
                        .append("u", s.userId())
                        .append("voiceMs", s.voiceTimeMs())
                        .append("xp", s.xp())
                        .append("level", s.level())
                        .append("sessions", s.sessions())
                        .append("messages", s.messages())
                        .append("lastSeen", Date.from(s.lastSeen()))
                        .append("streak", s.streak())
                        .append("lastActiveDay", s.lastActiveDay().toString())
                        .append("channels", channels)
                        .append("metadata", metadata));
                for (ActivityRow a : m.activity()) {
                    as.add(new Document("_id", g + ":" + s.userId() + ":" + a.day() + ":" + a.channelId())
                            .append("g", g)
                            .append("u", s.userId())
                            .append("d", a.day().toString())
                            .append("c", a.channelId())
                            .append("v", a.voiceMs())
                            .append("x", a.xp())
                            .append("m", a.messages()));
                }
            }
            if (!ms.isEmpty()) {
                members.insertMany(ms);
            }
            if (!as.isEmpty()) {
                activity.insertMany(as);
            }
            if (!snapshot.sessions().isEmpty()) {
                sessions.insertMany(snapshot.sessions().stream()
                        .map(MongoStorage::sessionDoc)
                        .toList());
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return read(() -> Optional.ofNullable(
                        members.find(eq("_id", memberId(guildId, userId))).first())
                .map(MongoStorage::toStats));
    }

    private static String field(Metric metric) {
        return switch (metric) {
            case XP -> "xp";
            case VOICE_TIME -> "voiceMs";
            case MESSAGES -> "messages";
            case LEVEL -> "level";
        };
    }

    private static String windowField(Metric metric) {
        return switch (metric) {
            case XP -> "x";
            case VOICE_TIME -> "v";
            case MESSAGES -> "m";
            case LEVEL -> throw new IllegalArgumentException("metric level is only ranked over all time");
        };
    }

    private static void checkMetric(Metric metric, @Nullable DayRange range) {
        Objects.requireNonNull(metric, "metric must not be null");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
    }

    private List<Bson> windowPipeline(long guildId, DayRange range) {
        return List.of(
                Aggregates.match(and(
                        eq("g", guildId),
                        gte("d", range.from().toString()),
                        lte("d", range.to().toString()))),
                Aggregates.group(
                        "$u",
                        com.mongodb.client.model.Accumulators.sum("v", "$v"),
                        com.mongodb.client.model.Accumulators.sum("x", "$x"),
                        com.mongodb.client.model.Accumulators.sum("m", "$m")),
                Aggregates.match(or(gt("v", 0), gt("x", 0), gt("m", 0))));
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
        checkMetric(metric, range);
        return read(() -> {
            var out = new ArrayList<LeaderboardEntry>();
            if (range == null) {
                int rank = offset;
                for (Document d : members.find(eq("g", guildId))
                        .sort(Sorts.orderBy(Sorts.descending(field(metric)), Sorts.ascending("u")))
                        .skip(offset)
                        .limit(limit)) {
                    out.add(new LeaderboardEntry(
                            ++rank, d.getLong("u"), num(d, "xp"), num(d, "voiceMs"), num(d, "messages"), (int)
                                    num(d, "level")));
                }
                return out;
            }
            var pipeline = new ArrayList<>(windowPipeline(guildId, range));
            pipeline.add(Aggregates.sort(Sorts.orderBy(Sorts.descending(windowField(metric)), Sorts.ascending("_id"))));
            pipeline.add(Aggregates.skip(offset));
            pipeline.add(Aggregates.limit(limit));
            var rows = new ArrayList<Document>();
            activity.aggregate(pipeline).forEach(rows::add);
            var levels = new HashMap<Long, Integer>();
            var ids =
                    rows.stream().map(r -> memberId(guildId, r.getLong("_id"))).toList();
            if (!ids.isEmpty()) {
                members.find(in("_id", ids)).forEach(d -> levels.put(d.getLong("u"), (int) num(d, "level")));
            }
            int rank = offset;
            for (Document r : rows) {
                long u = r.getLong("_id");
                out.add(new LeaderboardEntry(
                        ++rank, u, num(r, "x"), num(r, "v"), num(r, "m"), levels.getOrDefault(u, 0)));
            }
            return out;
        });
    }

    /** Two counts on the metric index (members ahead, and tied members with a smaller id). */
    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        checkMetric(metric, range);
        return read(() -> {
            if (range == null) {
                Document d = members.find(eq("_id", memberId(guildId, userId))).first();
                if (d == null) {
                    return OptionalInt.empty();
                }
                String f = field(metric);
                long v = num(d, f);
                long ahead = members.countDocuments(and(eq("g", guildId), gt(f, v)));
                long tiedBefore = members.countDocuments(and(eq("g", guildId), eq(f, v), lt("u", userId)));
                return OptionalInt.of(Math.toIntExact(ahead + tiedBefore + 1));
            }
            String f = windowField(metric);
            var mine = new ArrayList<Bson>(windowPipeline(guildId, range));
            mine.set(
                    0,
                    Aggregates.match(and(
                            eq("g", guildId),
                            eq("u", userId),
                            gte("d", range.from().toString()),
                            lte("d", range.to().toString()))));
            Document own = activity.aggregate(mine).first();
            if (own == null) {
                return OptionalInt.empty();
            }
            long v = num(own, f);
            var pipeline = new ArrayList<>(windowPipeline(guildId, range));
            pipeline.add(Aggregates.match(or(gt(f, v), and(eq(f, v), lt("_id", userId)))));
            pipeline.add(Aggregates.count("n"));
            Document n = activity.aggregate(pipeline).first();
            return OptionalInt.of(Math.toIntExact((n == null ? 0 : num(n, "n")) + 1));
        });
    }

    @Override
    public long memberCount(long guildId) {
        return read(() -> members.countDocuments(eq("g", guildId)));
    }

    private static ActivityRow toActivity(Document a) {
        return new ActivityRow(
                LocalDate.parse(a.getString("d")), a.getLong("c"), num(a, "v"), num(a, "x"), num(a, "m"));
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        Objects.requireNonNull(range, "range must not be null");
        return read(() -> {
            var out = new ArrayList<ActivityRow>();
            activity.find(and(
                            eq("g", guildId),
                            eq("u", userId),
                            gte("d", range.from().toString()),
                            lte("d", range.to().toString())))
                    .sort(Sorts.ascending("d", "c"))
                    .forEach(a -> out.add(toActivity(a)));
            return out;
        });
    }

    @Override
    public List<VoiceSession> openSessions() {
        return read(() -> {
            var out = new ArrayList<VoiceSession>();
            sessions.find(eq("open", true)).sort(Sorts.ascending("g", "_id")).forEach(d -> out.add(toSession(d)));
            return out;
        });
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return read(() -> {
            var out = new ArrayList<VoiceSession>();
            sessions.find(and(eq("g", guildId), eq("u", userId)))
                    .sort(Sorts.orderBy(Sorts.descending("start"), Sorts.ascending("_id")))
                    .limit(limit)
                    .forEach(d -> out.add(toSession(d)));
            return out;
        });
    }

    /**
     * Counts of guilds, members and sessions (three counts on the server) and the database's {@code dbStats}
     * size (data plus indexes; -1 if the server does not report it). No backup or optimisation: use {@code
     * mongodump}.
     */
    @Override
    public MaintenanceStats maintenanceStats() {
        return read(() -> {
            var ids = new TreeSet<Long>();
            guilds.distinct("_id", Long.class).forEach(ids::add);
            members.distinct("g", Long.class).forEach(ids::add);
            long size = -1;
            try {
                Document st = db.runCommand(new Document("dbStats", 1));
                Object data = st.get("dataSize");
                Object index = st.get("indexSize");
                if (data instanceof Number d) {
                    size = d.longValue() + (index instanceof Number i ? i.longValue() : 0);
                }
            } catch (RuntimeException e) {
                size = -1; // not every server (or user) may run dbStats
            }
            return new MaintenanceStats(
                    "MongoDB", ids.size(), members.countDocuments(), sessions.countDocuments(), size, db.getName());
        });
    }

    /** Closes the storage (and the client, if it created it). A committed batch stays in the journal. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (ownsClient) {
                client.close();
            }
        } finally {
            writeLock.unlock();
        }
    }
}

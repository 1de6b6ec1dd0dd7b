package dev.voicetrack.storage.mongo.internal;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.nin;
import static dev.voicetrack.storage.mongo.internal.Documents.activityId;
import static dev.voicetrack.storage.mongo.internal.Documents.memberId;
import static dev.voicetrack.storage.mongo.internal.Documents.num;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.bson.Document;

/**
 * Applies a {@link Batch} all-or-nothing without transactions: the idempotent batch journal. Every
 * rule of a batch write on MongoDB lives in this class, so porting it to another apply algorithm
 * touches this class alone.
 *
 * <h2>Why a journal</h2>
 *
 * MongoDB makes a write atomic per document only; multi-document transactions need a replica set,
 * which many bot hosts do not run. A batch touches many documents, so it is written ahead to the
 * {@code journal} collection and then applied with updates that are safe to repeat.
 *
 * <h2>The steps of {@link #apply}</h2>
 *
 * <ol>
 *   <li><b>Plan.</b> Deltas are summed per member, channel and day; the sums are checked for
 *       overflow against the stored totals, and streaks and last-seen are computed from the stored
 *       member. Nothing is written yet, so a rejected batch leaves no trace.
 *   <li><b>Commit.</b> The planned updates are written to {@code journal} as chunk documents
 *       ({@code kind: "chunk"}, {@code batch}, {@code seq}, {@code ops}), then a header ({@code kind:
 *       "header"}, {@code _id} the batch id). <b>Inserting the header is the commit point.</b>
 *   <li><b>Apply.</b> Each chunk becomes bulk writes. A member or activity update matches only a
 *       document whose {@code applied} list lacks the batch id, and pushes the id ({@code $inc} with
 *       an upsert); applied twice, it changes nothing. Sessions are replaced whole.
 *   <li><b>Forget.</b> The chunks and the header are deleted.
 * </ol>
 *
 * <h2>Recovery</h2>
 *
 * {@link #recover()} (run by {@code init()}, and before the next operation after a failed apply step)
 * re-applies every committed entry in commit order; the guards skip what was applied already. Chunks
 * without a header belong to batches that never committed; they are deleted once older than the
 * orphan age, since a younger one may belong to another process's batch in flight.
 *
 * <h2>Limits</h2>
 *
 * No isolation: a reader may see a batch half applied for the duration of the bulk writes (or until
 * recovery after a crash). Each guard keeps the last {@value #APPLIED_KEEP} batch ids of a document,
 * so at most that many batches may be in flight at once per member. If the header insert reached the
 * server but its reply was lost, the batch is committed and also reported as failed.
 *
 * <p><b>Thread safety:</b> {@link #apply} and {@link #recover} must be called under the storage's
 * write lock; {@link #hasPending()} may be read from any thread.
 */
public final class BatchJournal {

    /** Batch ids kept per document in its {@code applied} guard. Part of the stored format's meaning. */
    public static final int APPLIED_KEEP = 16;

    /** Members read per query when planning (the ids of one {@code $in}). */
    private static final int READ_SLICE = 10_000;

    private final MongoCollections db;
    private final Faults faults;
    private final int chunkSize;
    private final Duration orphanAge;
    private final Clock clock;
    private volatile boolean pending;

    /**
     * @param chunkSize updates per chunk document and bulk write
     * @param orphanAge age after which an uncommitted chunk is deleted by {@link #recover()}
     * @param clock the clock of the journal's {@code created} timestamps
     */
    public BatchJournal(MongoCollections db, Faults faults, int chunkSize, Duration orphanAge, Clock clock) {
        this.db = db;
        this.faults = faults;
        this.chunkSize = chunkSize;
        this.orphanAge = orphanAge;
        this.clock = clock;
    }

    /**
     * Plans, commits and applies a non-empty batch, and returns the members' new totals.
     *
     * <p>Returns normally once the batch is committed, even if applying it failed with a server
     * error: then {@link #hasPending()} is true and {@link #recover()} completes it.
     *
     * @throws StorageException if the batch is rejected (overflow, members unreadable) or the
     *     journal cannot be committed; then nothing was written
     */
    public List<MemberTotals> apply(Batch batch) {
        Plan plan = plan(batch);
        String batchId = UUID.randomUUID().toString();
        List<Document> chunks = chunks(batchId, plan.updates());
        commit(batchId, chunks);
        try {
            faults.at(Faults.AFTER_COMMIT);
            for (Document c : chunks) {
                applyChunk(batchId, c);
                faults.at(Faults.AFTER_CHUNK);
            }
            forget(batchId);
        } catch (MongoException e) {
            pending = true; // committed: completed before this instance's next operation
        }
        return plan.totals();
    }

    /**
     * Whether a batch this instance committed is not yet fully applied, so {@link #recover()} must
     * run before the next operation.
     */
    public boolean hasPending() {
        return pending;
    }

    /** Whether the journal holds a committed batch (of any process) that is not yet fully applied. */
    public boolean hasCommitted() {
        return db.journal().find(eq("kind", "header")).first() != null;
    }

    /**
     * Applies every committed journal entry (idempotently), in commit order, and deletes old
     * uncommitted chunks.
     *
     * @throws MongoException if the server fails; what was done stays done, a later call goes on
     */
    public void recover() {
        MongoCollection<Document> journal = db.journal();
        for (Document header : journal.find(eq("kind", "header")).sort(Sorts.ascending("created"))) {
            String batchId = header.getString("_id");
            for (Document c :
                    journal.find(and(eq("kind", "chunk"), eq("batch", batchId))).sort(Sorts.ascending("seq"))) {
                applyChunk(batchId, c);
            }
            forget(batchId);
        }
        var committed = new TreeSet<String>();
        journal.find(eq("kind", "header")).forEach(h -> committed.add(h.getString("_id")));
        Date cutoff = new Date(clock.millis() - orphanAge.toMillis());
        journal.deleteMany(and(eq("kind", "chunk"), nin("batch", committed), lt("created", cutoff)));
        pending = false;
    }

    // ---------------------------------------------------------------- plan

    private record Key(long guildId, long userId) {}

    /** One member's sums, and the streak and last-seen the batch leaves it with. */
    private static final class MemberOp {
        final long guildId;
        final long userId;
        long voice;
        long xp;
        long messages;
        long sessions;
        Instant lastSeen = Instant.EPOCH;
        final Map<Long, long[]> channels = new TreeMap<>(); // channel -> voice ms, sessions
        int streak;
        LocalDate lastActiveDay = LocalDate.EPOCH;
        boolean streakTouched;

        MemberOp(long guildId, long userId) {
            this.guildId = guildId;
            this.userId = userId;
        }
    }

    /** One activity document's sums (guild, user, day, channel). */
    private static final class DayOp {
        final long guildId;
        final long userId;
        final String day;
        final long channelId;
        long voice;
        long xp;
        long messages;

        DayOp(MemberDelta d) {
            this.guildId = d.guildId();
            this.userId = d.userId();
            this.day = d.day().toString();
            this.channelId = d.channelId();
        }
    }

    /**
     * What a batch will write: its updates (the journal's {@code ops}), and the totals to return.
     *
     * @param current the stored member documents by id, as read before the batch
     */
    private record Plan(Collection<MemberOp> members, Map<String, Document> current, List<Document> updates) {

        List<MemberTotals> totals() {
            var out = new ArrayList<MemberTotals>(members.size());
            for (MemberOp op : members) {
                Document doc = current.get(memberId(op.guildId, op.userId));
                long xp = (doc == null ? 0 : num(doc, "xp")) + op.xp;
                int level = doc == null ? 0 : (int) num(doc, "level");
                long voice = (doc == null ? 0 : num(doc, "voiceMs")) + op.voice;
                out.add(new MemberTotals(op.guildId, op.userId, xp, level, voice));
            }
            return out;
        }
    }

    private Plan plan(Batch batch) {
        var ops = new LinkedHashMap<Key, MemberOp>();
        for (MemberDelta d : batch.deltas()) {
            MemberOp op =
                    ops.computeIfAbsent(new Key(d.guildId(), d.userId()), k -> new MemberOp(k.guildId(), k.userId()));
            op.voice = add(op.voice, d.voiceMs(), d);
            op.xp = add(op.xp, d.xp(), d);
            op.messages = add(op.messages, d.messages(), d);
            op.sessions = add(op.sessions, d.sessions(), d);
        }
        Map<String, Document> current = readMembers(ops.keySet());
        for (MemberOp op : ops.values()) {
            Document doc = current.get(memberId(op.guildId, op.userId));
            if (doc != null) {
                startFrom(op, doc);
            }
        }
        var days = new TreeMap<String, DayOp>(); // by activity id
        for (MemberDelta d : batch.deltas()) {
            fold(ops.get(new Key(d.guildId(), d.userId())), d, days);
        }
        var updates = new ArrayList<Document>(
                ops.size() + days.size() + batch.sessions().size());
        ops.values().forEach(op -> updates.add(memberUpdate(op)));
        days.forEach((id, day) -> updates.add(activityUpdate(id, day)));
        for (VoiceSession s : batch.sessions()) {
            updates.add(new Document("c", "sessions").append("doc", Documents.sessionDoc(s)));
        }
        return new Plan(ops.values(), current, updates);
    }

    private static long add(long a, long b, MemberDelta d) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new StorageException("batch rejected: increments overflow for " + d);
        }
    }

    private Map<String, Document> readMembers(Collection<Key> keys) {
        try {
            var current = new HashMap<String, Document>();
            var ids = keys.stream().map(k -> memberId(k.guildId(), k.userId())).toList();
            for (int i = 0; i < ids.size(); i += READ_SLICE) {
                db.members()
                        .find(in("_id", ids.subList(i, Math.min(ids.size(), i + READ_SLICE))))
                        .forEach(doc -> current.put(doc.getString("_id"), doc));
            }
            return current;
        } catch (MongoException e) {
            throw new StorageException("batch rejected, nothing written: cannot read members: " + e, e);
        }
    }

    /** Checks the member's sums against its stored totals, and takes its streak and last-seen. */
    private static void startFrom(MemberOp op, Document doc) {
        try {
            Math.addExact(num(doc, "voiceMs"), op.voice);
            Math.addExact(num(doc, "xp"), op.xp);
            Math.addExact(num(doc, "messages"), op.messages);
            Math.addExact(num(doc, "sessions"), op.sessions);
        } catch (ArithmeticException ex) {
            throw new StorageException(
                    "batch rejected: a total of member " + op.userId + " in guild " + op.guildId + " would overflow");
        }
        op.streak = (int) num(doc, "streak");
        op.lastActiveDay = Documents.lastActiveDay(doc);
        op.lastSeen = Documents.lastSeen(doc);
    }

    /** Adds one delta's last-seen, channel time, day sums and streak step to the plan. */
    private static void fold(MemberOp op, MemberDelta d, Map<String, DayOp> days) {
        if (d.lastSeen().isAfter(op.lastSeen)) {
            op.lastSeen = d.lastSeen();
        }
        if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
            long[] c = op.channels.computeIfAbsent(d.channelId(), k -> new long[2]);
            c[0] += d.voiceMs();
            c[1] += d.sessions();
        }
        if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
            DayOp day = days.computeIfAbsent(
                    activityId(d.guildId(), d.userId(), d.day(), d.channelId()), id -> new DayOp(d));
            day.voice += d.voiceMs();
            day.xp += d.xp();
            day.messages += d.messages();
            if (d.day().isAfter(op.lastActiveDay)) {
                op.streak = d.day().minusDays(1).equals(op.lastActiveDay) ? op.streak + 1 : 1;
                op.lastActiveDay = d.day();
                op.streakTouched = true;
            }
        }
    }

    /** A journal op {@code {c: "members", id, u}}: the member's guarded update. */
    private static Document memberUpdate(MemberOp op) {
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
        return new Document("c", "members")
                .append("id", memberId(op.guildId, op.userId))
                .append("u", update);
    }

    /** A journal op {@code {c: "activity", id, u}}: the day's guarded update. */
    private static Document activityUpdate(String id, DayOp day) {
        Document update = new Document(
                        "$inc", new Document("v", day.voice).append("x", day.xp).append("m", day.messages))
                .append(
                        "$set",
                        new Document("g", day.guildId)
                                .append("u", day.userId)
                                .append("d", day.day)
                                .append("c", day.channelId));
        return new Document("c", "activity").append("id", id).append("u", update);
    }

    // ---------------------------------------------------------------- commit

    private List<Document> chunks(String batchId, List<Document> updates) {
        var chunks = new ArrayList<Document>();
        for (int i = 0, seq = 0; i < updates.size(); i += chunkSize, seq++) {
            chunks.add(new Document("_id", batchId + "#" + seq)
                    .append("kind", "chunk")
                    .append("batch", batchId)
                    .append("seq", seq)
                    .append("created", new Date(clock.millis()))
                    .append("ops", updates.subList(i, Math.min(updates.size(), i + chunkSize))));
        }
        return chunks;
    }

    /** Writes the chunks, then the header (the commit point); on failure removes what it wrote. */
    private void commit(String batchId, List<Document> chunks) {
        MongoCollection<Document> journal = db.journal();
        try {
            journal.insertMany(chunks);
            faults.at(Faults.BEFORE_COMMIT);
            journal.insertOne(new Document("_id", batchId)
                    .append("kind", "header")
                    .append("created", new Date(clock.millis()))
                    .append("chunks", chunks.size()));
        } catch (MongoException | StorageException e) {
            try {
                journal.deleteMany(eq("batch", batchId));
            } catch (MongoException ignored) {
                // uncommitted chunks are deleted by a later recover()
            }
            throw new StorageException("batch rejected, nothing written: the journal could not be committed: " + e, e);
        }
    }

    private void forget(String batchId) {
        db.journal().deleteMany(eq("batch", batchId));
        db.journal().deleteOne(eq("_id", batchId));
    }

    // ---------------------------------------------------------------- apply

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
        bulkIdempotent(db.members(), memberModels);
        bulkIdempotent(db.activity(), activityModels);
        if (!sessionModels.isEmpty()) {
            db.sessions().bulkWrite(sessionModels, new BulkWriteOptions().ordered(false));
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
}

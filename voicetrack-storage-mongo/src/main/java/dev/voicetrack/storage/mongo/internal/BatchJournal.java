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
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.HourPrune;
import dev.voicetrack.core.storage.kernel.HourSum;
import dev.voicetrack.core.storage.kernel.LastSeenRule;
import dev.voicetrack.core.storage.kernel.MemberFold;
import dev.voicetrack.core.storage.kernel.StreakRule;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link FoldedBatch} all-or-nothing without transactions: the idempotent batch journal.
 * The domain rules (sums, overflow, streak, last seen) are the kernel's ({@link
 * dev.voicetrack.core.storage.kernel.BatchFold}, {@link MemberFold#checkFits}, {@link StreakRule},
 * {@link LastSeenRule}); this class owns how their result reaches the documents safely.
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
 *   <li><b>Plan.</b> The stored members are read; the folded sums are checked for overflow against
 *       their totals, and the streak and last-seen are computed from them. Nothing is written yet,
 *       so a rejected batch leaves no trace.
 *   <li><b>Commit.</b> The planned updates are written to {@code journal} as chunk documents
 *       ({@code kind: "chunk"}, {@code batch}, {@code seq}, {@code ops}), then a header ({@code kind:
 *       "header"}, {@code _id} the batch id). <b>Inserting the header is the commit point.</b>
 *   <li><b>Apply.</b> Each chunk becomes bulk writes. A member or activity update matches only a
 *       document whose {@code applied} list lacks the batch id, and pushes the id ({@code $inc} with
 *       an upsert); applied twice, it changes nothing. Sessions are replaced whole. The guild's
 *       hourly rows ({@code hourly}) are guarded the same way; a prune of old hours is a range delete,
 *       which is idempotent.
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
    public List<MemberTotals> apply(FoldedBatch batch) {
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

    /** What a batch will write: its updates (the journal's {@code ops}), and the totals to return. */
    private record Plan(List<Document> updates, List<MemberTotals> totals) {}

    /**
     * Reads the batch's stored members, checks the sums against them ({@link MemberFold#checkFits})
     * and builds the updates: members (in the batch's order), then their activity days, then the
     * sessions. The streak and last-seen are computed here, from the stored member, by the kernel's
     * rules, and written as absolute values under the journal's guard.
     */
    private Plan plan(FoldedBatch batch) {
        List<MemberFold> members = batch.members();
        Map<String, Document> current = readMembers(members);
        var memberUpdates = new ArrayList<Document>(
                members.size() + members.size() + batch.sessions().size());
        var dayUpdates = new ArrayList<Document>(members.size());
        var totals = new ArrayList<MemberTotals>(members.size());
        for (MemberFold m : members) {
            Document doc = current.get(memberId(m.guildId(), m.userId()));
            long storedVoice = doc == null ? 0 : num(doc, "voiceMs");
            long storedXp = doc == null ? 0 : num(doc, "xp");
            if (doc != null) {
                m.checkFits(storedVoice, storedXp, num(doc, "messages"), num(doc, "sessions"));
            }
            memberUpdates.add(memberUpdate(m, doc));
            for (MemberFold.DaySum day : m.days()) {
                dayUpdates.add(activityUpdate(m, day));
            }
            int level = doc == null ? 0 : (int) num(doc, "level");
            totals.add(new MemberTotals(m.guildId(), m.userId(), storedXp + m.xp(), level, storedVoice + m.voiceMs()));
        }
        List<Document> updates = memberUpdates;
        updates.addAll(dayUpdates);
        for (HourPrune p : batch.prunes()) { // a range delete: idempotent without a guard
            updates.add(
                    new Document("c", "hourlyPrune").append("g", p.guildId()).append("before", p.keptFrom()));
        }
        for (HourSum h : batch.hours()) {
            updates.add(hourlyUpdate(h));
        }
        for (VoiceSession s : batch.sessions()) {
            updates.add(new Document("c", "sessions").append("doc", Documents.sessionDoc(s)));
        }
        return new Plan(updates, totals);
    }

    private Map<String, Document> readMembers(List<MemberFold> members) {
        try {
            var current = new HashMap<String, Document>();
            var ids =
                    members.stream().map(m -> memberId(m.guildId(), m.userId())).toList();
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

    /**
     * A journal op {@code {c: "members", id, u}}: the member's guarded update. The sums are {@code
     * $inc}s; last seen ({@link LastSeenRule}) and, when the batch changes it, the streak ({@link
     * StreakRule#apply}) are the values computed from {@code stored} (null for a new member).
     */
    private static Document memberUpdate(MemberFold m, @Nullable Document stored) {
        Document inc = new Document("voiceMs", m.voiceMs())
                .append("xp", m.xp())
                .append("messages", m.messages())
                .append("sessions", m.sessions());
        for (MemberFold.ChannelSum c : m.channels()) {
            inc.append("channels." + c.channelId() + ".v", c.voiceMs());
            inc.append("channels." + c.channelId() + ".s", c.sessions());
        }
        StreakRule.State before = stored == null
                ? StreakRule.State.NEW
                : new StreakRule.State(
                        (int) num(stored, "streak"),
                        Documents.lastActiveDay(stored).toEpochDay());
        StreakRule.State after = StreakRule.apply(before, m.streakRun());
        long lastSeenMs = LastSeenRule.next(
                stored == null ? 0 : Documents.lastSeen(stored).toEpochMilli(), m.lastSeenMs());
        Document set = new Document("g", m.guildId()).append("u", m.userId());
        Document onInsert = new Document("level", 0).append("metadata", new Document());
        Document streak = after.equals(before) ? onInsert : set;
        streak.append("streak", after.streak())
                .append("lastActiveDay", after.lastActiveDate().toString());
        Document update = new Document("$inc", inc)
                .append("$max", new Document("lastSeen", new Date(lastSeenMs)))
                .append("$set", set)
                .append("$setOnInsert", onInsert);
        return new Document("c", "members")
                .append("id", memberId(m.guildId(), m.userId()))
                .append("u", update);
    }

    /** A journal op {@code {c: "activity", id, u}}: the guarded update of one day and channel. */
    private static Document activityUpdate(MemberFold m, MemberFold.DaySum day) {
        Document update = new Document(
                        "$inc",
                        new Document("v", day.voiceMs()).append("x", day.xp()).append("m", day.messages()))
                .append(
                        "$set",
                        new Document("g", m.guildId())
                                .append("u", m.userId())
                                .append("d", day.day().toString())
                                .append("c", day.channelId()));
        return new Document("c", "activity")
                .append("id", activityId(m.guildId(), m.userId(), day.day(), day.channelId()))
                .append("u", update);
    }

    /** A journal op {@code {c: "hourly", id, u}}: the guarded update of one guild, hour slot and channel. */
    private static Document hourlyUpdate(HourSum h) {
        Document update = new Document("$inc", new Document("v", h.voiceMs()).append("m", h.messages()))
                .append(
                        "$set",
                        new Document("g", h.guildId()).append("h", h.slot()).append("c", h.channelId()));
        return new Document("c", "hourly")
                .append("id", h.guildId() + ":" + h.slot() + ":" + h.channelId())
                .append("u", update);
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
        var hourlyModels = new ArrayList<WriteModel<Document>>();
        for (Document op : chunkDoc.getList("ops", Document.class)) {
            String coll = op.getString("c");
            if (coll.equals("hourlyPrune")) { // before the chunk's hourly upserts, which come after it
                db.hourly().deleteMany(and(eq("g", op.get("g")), lt("h", op.get("before"))));
                continue;
            }
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
            (coll.equals("members") ? memberModels : coll.equals("hourly") ? hourlyModels : activityModels).add(model);
        }
        bulkIdempotent(db.members(), memberModels);
        bulkIdempotent(db.activity(), activityModels);
        bulkIdempotent(db.hourly(), hourlyModels);
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

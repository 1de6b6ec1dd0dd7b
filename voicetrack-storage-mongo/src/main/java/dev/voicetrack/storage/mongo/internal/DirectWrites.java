package dev.voicetrack.storage.mongo.internal;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static dev.voicetrack.storage.mongo.internal.Documents.escapeKey;
import static dev.voicetrack.storage.mongo.internal.Documents.memberId;
import static dev.voicetrack.storage.mongo.internal.Documents.num;

import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.kernel.LevelRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.Document;

/**
 * Every write that does not go through the {@link BatchJournal}: guild configs, level raises,
 * absolute sets, metadata, resets, deletes and guild imports. Each is a single-document write or a
 * short sequence whose repetition completes it (documented per method), so none needs the journal.
 *
 * <p>Callers hold the storage's write lock and check arguments first. Methods throw the driver's
 * {@code MongoException}; the caller turns it into a {@code StorageException}.
 */
public final class DirectWrites {
    private final MongoCollections db;

    public DirectWrites(MongoCollections db) {
        this.db = db;
    }

    /** Replaces (or inserts) the guild's config document. */
    public void saveGuildConfig(long guildId, GuildConfig config) {
        db.guilds()
                .replaceOne(eq("_id", guildId), Documents.guildDoc(guildId, config), new ReplaceOptions().upsert(true));
    }

    /**
     * Raises levels by {@link LevelRule}: each stored member whose level is lower; a member not
     * stored is skipped. Each update is also guarded by {@code level < new level} on the server, so a
     * raise never lowers a level.
     *
     * @return the raises made, with the level before and the member's xp
     */
    public List<LevelChange> raiseLevels(List<LevelRaise> raises) {
        var ids = raises.stream()
                .map(r -> memberId(r.guildId(), r.userId()))
                .distinct()
                .toList();
        var docs = new HashMap<String, Document>();
        db.members().find(in("_id", ids)).forEach(d -> docs.put(d.getString("_id"), d));
        var out = new ArrayList<LevelChange>();
        var models = new ArrayList<WriteModel<Document>>();
        for (LevelRaise r : raises) {
            Document d = docs.get(memberId(r.guildId(), r.userId()));
            LevelChange change = d == null ? null : LevelRule.apply(r, (int) num(d, "level"), num(d, "xp"));
            if (change != null) {
                out.add(change);
                d.put("level", r.level());
                models.add(new UpdateOneModel<>(
                        and(eq("_id", d.getString("_id")), lt("level", r.level())),
                        new Document("$set", new Document("level", r.level()))));
            }
        }
        if (!models.isEmpty()) {
            db.members().bulkWrite(models);
        }
        return out;
    }

    /** Sets the given fields of a member (creating it if needed) and returns its totals. */
    public MemberTotals setFields(long guildId, long userId, Document set) {
        Document insert = Documents.newMemberFields(guildId, userId);
        set.keySet().forEach(insert::remove);
        db.members()
                .updateOne(
                        eq("_id", memberId(guildId, userId)),
                        new Document("$set", set).append("$setOnInsert", insert),
                        new UpdateOptions().upsert(true));
        Document d = Objects.requireNonNull(
                db.members().find(eq("_id", memberId(guildId, userId))).first());
        return new MemberTotals(guildId, userId, num(d, "xp"), (int) num(d, "level"), num(d, "voiceMs"));
    }

    /**
     * Sets and removes metadata keys of a member (creating it if needed); a key both set and removed
     * is removed.
     */
    public void updateMetadata(long guildId, long userId, Map<String, String> puts, List<String> removes) {
        Document s = new Document();
        puts.forEach((k, v) -> s.append("metadata." + escapeKey(k), v));
        Document unset = new Document();
        for (String k : removes) {
            s.remove("metadata." + escapeKey(k));
            unset.append("metadata." + escapeKey(k), "");
        }
        Document update = new Document();
        Document insert = Documents.newMemberFields(guildId, userId);
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
        db.members().updateOne(eq("_id", memberId(guildId, userId)), update, new UpdateOptions().upsert(true));
    }

    /**
     * Resets a member's counters and history, keeping its metadata. Not atomic across collections:
     * sessions and activity are deleted first, the counters last, so a crash part-way leaves a member
     * whose history is gone but whose totals are not yet zero; calling it again completes it.
     *
     * @return false if the member is not stored
     */
    public boolean resetMember(long guildId, long userId) {
        Document d = db.members().find(eq("_id", memberId(guildId, userId))).first();
        if (d == null) {
            return false;
        }
        db.sessions().deleteMany(and(eq("g", guildId), eq("u", userId)));
        db.activity().deleteMany(and(eq("g", guildId), eq("u", userId)));
        Document fresh = Documents.newMemberFields(guildId, userId).append("_id", memberId(guildId, userId));
        fresh.put("metadata", d.get("metadata", new Document()));
        db.members().replaceOne(eq("_id", memberId(guildId, userId)), fresh);
        return true;
    }

    /** Deletes a member's sessions, activity and document; true if any of them existed. */
    public boolean deleteMember(long guildId, long userId) {
        boolean had =
                db.sessions().deleteMany(and(eq("g", guildId), eq("u", userId))).getDeletedCount() > 0;
        db.activity().deleteMany(and(eq("g", guildId), eq("u", userId)));
        boolean existed =
                db.members().deleteOne(eq("_id", memberId(guildId, userId))).getDeletedCount() > 0;
        return existed || had;
    }

    /** Deletes every document of the guild, the config last. */
    public void deleteGuild(long guildId) {
        db.sessions().deleteMany(eq("g", guildId));
        db.activity().deleteMany(eq("g", guildId));
        db.hourly().deleteMany(eq("g", guildId));
        db.members().deleteMany(eq("g", guildId));
        db.guilds().deleteOne(eq("_id", guildId));
    }

    /**
     * Replaces the guild's documents with the snapshot's (delete, then bulk inserts). Not atomic: a
     * crash part-way leaves the guild partly imported; importing again (a migration rerun) repairs it.
     */
    public void importGuild(GuildSnapshot snapshot) {
        long g = snapshot.guildId();
        deleteGuild(g);
        if (snapshot.config() != null) {
            db.guilds().insertOne(Documents.guildDoc(g, snapshot.config()));
        }
        var ms = new ArrayList<Document>();
        var as = new ArrayList<Document>();
        for (GuildSnapshot.Member m : snapshot.members()) {
            ms.add(Documents.memberDoc(g, m.stats()));
            for (ActivityRow a : m.activity()) {
                as.add(Documents.activityDoc(g, m.stats().userId(), a));
            }
        }
        if (!ms.isEmpty()) {
            db.members().insertMany(ms);
        }
        if (!as.isEmpty()) {
            db.activity().insertMany(as);
        }
        if (!snapshot.sessions().isEmpty()) {
            db.sessions()
                    .insertMany(snapshot.sessions().stream()
                            .map(Documents::sessionDoc)
                            .toList());
        }
    }
}

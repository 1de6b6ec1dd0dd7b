package dev.voicetrack.storage.mongo.internal;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import java.util.List;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The schema of a VoiceTrack database: the version document in {@code meta} and the indexes the
 * {@link Queries} rely on. Nothing here migrates data: version {@value Storage#SCHEMA_VERSION} is the
 * only one so far.
 *
 * <p>Indexes: {@code members} by guild, each metric descending, then user (leaderboards and ranks);
 * {@code activity} by guild and day (windowed leaderboards) and by guild, user and day; {@code
 * hourly} by guild, hour slot and channel (range reads and prunes); {@code
 * sessions} by guild, user, start descending and id, and by {@code open}; {@code journal} by batch.
 *
 * <p>Methods throw the driver's {@code MongoException}; the caller turns it into a {@code
 * StorageException}.
 */
public final class Schema {
    private static final String SCHEMA_ID = "schema";

    private final MongoCollections db;

    public Schema(MongoCollections db) {
        this.db = db;
    }

    /** The stored version, 0 if the database holds none. */
    public int version() {
        return version(versionDoc());
    }

    /**
     * Creates the indexes and records the version in a database that has none yet.
     *
     * @throws StorageException if the database holds a newer schema than this build's
     */
    public void prepare() {
        Document stored = versionDoc();
        refuseNewer(stored);
        for (String metric : List.of("xp", "voiceMs", "messages", "level")) {
            db.members()
                    .createIndex(Indexes.compoundIndex(
                            Indexes.ascending("g"), Indexes.descending(metric), Indexes.ascending("u")));
        }
        db.activity().createIndex(Indexes.ascending("g", "d"));
        db.activity().createIndex(Indexes.ascending("g", "u", "d"));
        db.hourly().createIndex(Indexes.ascending("g", "h", "c"));
        db.sessions()
                .createIndex(Indexes.compoundIndex(
                        Indexes.ascending("g", "u"), Indexes.descending("start"), Indexes.ascending("_id")));
        db.sessions().createIndex(Indexes.ascending("open"));
        db.journal().createIndex(Indexes.ascending("batch"), new IndexOptions());
        if (stored == null) {
            db.meta()
                    .replaceOne(
                            eq("_id", SCHEMA_ID),
                            new Document("_id", SCHEMA_ID).append("version", Storage.SCHEMA_VERSION),
                            new ReplaceOptions().upsert(true));
        }
    }

    /**
     * What a read-only open needs, checked without writing: VoiceTrack data of a known schema, and no
     * batch left in the journal to complete.
     *
     * @throws StorageException if one is missing
     */
    public void checkReadable(BatchJournal journal) {
        Document stored = versionDoc();
        if (stored == null) {
            throw new StorageException("database " + db.name()
                    + " holds no VoiceTrack data (no schema document in its meta collection); nothing was created");
        }
        refuseNewer(stored);
        if (journal.hasCommitted()) {
            throw new StorageException("database " + db.name() + " has a batch that a read-only open cannot"
                    + " complete (journal); start VoiceTrack on it once, then try again");
        }
    }

    private @Nullable Document versionDoc() {
        return db.meta().find(eq("_id", SCHEMA_ID)).first();
    }

    private static int version(@Nullable Document stored) {
        return stored == null ? 0 : stored.getInteger("version", 0);
    }

    private void refuseNewer(@Nullable Document stored) {
        if (version(stored) > Storage.SCHEMA_VERSION) {
            throw new StorageException("database " + db.name() + " holds schema version " + version(stored)
                    + ", newer than this build's " + Storage.SCHEMA_VERSION);
        }
    }
}

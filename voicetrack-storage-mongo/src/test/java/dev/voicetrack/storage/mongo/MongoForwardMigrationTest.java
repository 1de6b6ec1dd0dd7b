package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MongoDB database written by the previous release (commit c6b66f4; {@code
 * forward-migration/v1/mongo/<collection>.json}, canonical Extended JSON, see {@link
 * ForwardMigrationFixtureGenerator}) is loaded into the in-process wire-protocol server, opened
 * with today's code, read back value by value, and takes new writes that continue its totals and
 * streaks.
 */
class MongoForwardMigrationTest {

    static final String FIXTURE = "/forward-migration/v1/mongo/";

    /** Every collection the previous release wrote (journal empty: no batch was in flight). */
    static final List<String> COLLECTIONS = List.of("activity", "guilds", "journal", "members", "meta", "sessions");

    private static final AtomicInteger N = new AtomicInteger();
    private static InProcessMongo mongo;

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    /** A fresh database holding the fixture's documents, with the types the JSON names. */
    private static String load() throws Exception {
        String name = "fwd" + N.incrementAndGet();
        MongoDatabase db = mongo.client().getDatabase(name);
        for (String collection : COLLECTIONS) {
            String resource = FIXTURE + collection + ".json";
            String text;
            try (InputStream in =
                    Objects.requireNonNull(MongoForwardMigrationTest.class.getResourceAsStream(resource), resource)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var docs = new ArrayList<BsonDocument>();
            text.lines().filter(l -> !l.isBlank()).forEach(l -> docs.add(BsonDocument.parse(l)));
            db.createCollection(collection);
            if (!docs.isEmpty()) {
                db.getCollection(collection, BsonDocument.class).insertMany(docs);
            }
        }
        return name;
    }

    @Test
    void databaseOfThePreviousRelease_opensAndReadsBackEveryValue() throws Exception {
        String name = load();
        MongoDatabase db = mongo.client().getDatabase(name);
        assertThat(db.getCollection("members").countDocuments()).isEqualTo(31);
        try (MongoStorage storage = MongoStorage.create(mongo.client(), name)) {
            storage.init();
            ForwardMigrationFixture.verify(storage);
        }
        BsonDocument schema = db.getCollection("meta", BsonDocument.class)
                .find(new BsonDocument("_id", new org.bson.BsonString("schema")))
                .first();
        assertThat(Objects.requireNonNull(schema).getInt32("version").getValue())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void databaseOfThePreviousRelease_takesNewWrites_thatContinueTotalsAndStreaks() throws Exception {
        String name = load();
        try (MongoStorage storage = MongoStorage.create(mongo.client(), name)) {
            storage.init();
            ForwardMigrationFixture.continueAndVerify(storage);
        }
        try (MongoStorage reopened = MongoStorage.create(mongo.client(), name)) {
            reopened.init();
            assertThat(ForwardMigrationFixture.observed(reopened))
                    .isEqualTo(ForwardMigrationFixture.expectedAfterContinuation());
        }
    }

    @Test
    void fixture_keepsTheStoredTypes_longIdsAndDates() throws Exception {
        String name = load();
        BsonDocument member = mongo.client()
                .getDatabase(name)
                .getCollection("members", BsonDocument.class)
                .find(new BsonDocument("_id", new org.bson.BsonString("1150000000000000007:9007199254740993")))
                .first();
        assertThat(member).isNotNull();
        assertThat(member.get("u").isInt64()).isTrue();
        assertThat(member.getInt64("u").getValue()).isEqualTo(9_007_199_254_740_993L);
        assertThat(member.get("lastSeen").isDateTime()).isTrue();
    }
}

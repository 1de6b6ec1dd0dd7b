package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DvtMongoReader}: discord-vc-tracker's MongoDB documents (int32 and double numbers, BSON
 * dates) imported into VoiceTrack's MongoDB storage, through the real driver against the in-process
 * wire-protocol server.
 */
class DvtMongoReaderTest {
    private MongoServer server;
    private String uri;
    private MongoClient client;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
        client = MongoClients.create(uri);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    /** Writes the fixture's documents into the original's database. */
    static void writeDvtMongo(MongoClient client, String database) {
        var db = client.getDatabase(database);
        for (Map.Entry<String, List<Map<String, Object>>> e :
                DvtFixture.mongoDocuments().entrySet()) {
            db.getCollection(e.getKey())
                    .insertMany(e.getValue().stream().map(Document::new).toList());
        }
    }

    private ImportReport importInto(String database, MongoStorage target) {
        try (var reader = DvtMongoReader.open(uri, database)) {
            return Importer.from(DvtImport.source(reader)).to(target).run();
        }
    }

    @Test
    void everyQuirk_importsAsTheOriginalReportsIt_int32AndDoubleNumbersIncluded() {
        writeDvtMongo(client, DvtMongoReader.DEFAULT_DATABASE);
        Document u2 = client.getDatabase(DvtMongoReader.DEFAULT_DATABASE)
                .getCollection("users")
                .find(Filters.eq("userId", DvtFixture.USER_2))
                .first();
        assertThat(u2.get("totalVoiceTime")).isInstanceOf(Double.class);
        assertThat(u2.get("level")).isInstanceOf(Integer.class);
        try (MongoStorage target = MongoStorage.create(client, "vt")) {
            target.init();
            DvtFixture.checkReport(importInto(DvtMongoReader.DEFAULT_DATABASE, target));
            DvtFixture.check(target, DvtFixture.Precision.MILLIS);
            importInto(DvtMongoReader.DEFAULT_DATABASE, target);
            DvtFixture.check(target, DvtFixture.Precision.MILLIS);
        }
    }

    @Test
    void aFractionalCount_namesCollectionDocumentAndField_andWritesNothing() {
        writeDvtMongo(client, "dvt");
        client.getDatabase("dvt")
                .getCollection("users")
                .updateOne(Filters.eq("userId", DvtFixture.USER_B), Updates.set("xp", 2.5));
        try (MongoStorage target = MongoStorage.create(client, "vt2")) {
            target.init();
            assertThatThrownBy(() -> importInto("dvt", target))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("collection users document ")
                    .hasMessageContaining("(user " + DvtFixture.USER_B + ").xp must be a whole number, was 2.5");
            assertThat(target.guildIds()).isEmpty();
        }
    }
}

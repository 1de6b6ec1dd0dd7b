package dev.voicetrack.storage.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Writes this module's forward-migration fixture with the code of the commit it runs on: the {@link
 * ForwardMigrationFixture} history written by {@link MongoStorage} into the in-process server, then
 * every collection exported as canonical Extended JSON, one document per line ({@code
 * <collection>.json}, sorted by {@code _id}, as {@code mongoexport --jsonFormat=canonical} writes
 * them). Not a test: run by hand, once per stored format.
 *
 * <p>The committed folder {@code src/test/resources/forward-migration/v1/mongo/} was produced at
 * commit c6b66f4 with (from the repository root):
 *
 * <pre>
 * ./mvnw -o -X -pl voicetrack-storage-mongo -am test-compile &gt; /tmp/build.log   # after touching a test source
 * CP=$(grep -o -- '-classpath [^ ]*voicetrack-storage-mongo/target/test-classes[^ ]*' /tmp/build.log | tail -1 | cut -d' ' -f2)
 * java -cp "$CP" dev.voicetrack.storage.mongo.ForwardMigrationFixtureGenerator voicetrack-storage-mongo/src/test/resources/forward-migration/v1/mongo
 * </pre>
 *
 * (that is the module's test classpath, reactor modules as {@code target/classes}; {@code
 * dependency:build-classpath} gives the same where the plugin is available). The expected values,
 * {@code forward-migration-v1-expected.txt} in the testkit, come from {@code
 * ForwardMigrationFixture.main} on the same classpath, not from any storage.
 */
public final class ForwardMigrationFixtureGenerator {

    static final String DATABASE = "voicetracker";

    private ForwardMigrationFixtureGenerator() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        try (Stream<Path> files = Files.list(out)) {
            if (files.findAny().isPresent()) {
                throw new IllegalStateException(out + " is not empty; delete it first");
            }
        }
        try (InProcessMongo mongo = new InProcessMongo()) {
            MongoOptions options = MongoOptions.builder()
                    .database(DATABASE)
                    .clock(Clock.fixed(ForwardMigrationFixture.WRITTEN_AT, ZoneOffset.UTC))
                    .build();
            try (MongoStorage storage = MongoStorage.create(mongo.client(), options)) {
                storage.init();
                ForwardMigrationFixture.write(storage);
            }
            export(mongo.client().getDatabase(DATABASE), out);
        }
    }

    /** Writes every collection of {@code db} to {@code <dir>/<collection>.json}. */
    static void export(MongoDatabase db, Path dir) throws IOException {
        JsonWriterSettings canonical =
                JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
        for (String name : db.listCollectionNames().into(new TreeSet<>())) {
            MongoCollection<BsonDocument> c = db.getCollection(name, BsonDocument.class);
            List<String> lines = new ArrayList<>();
            for (BsonDocument d : c.find().sort(Sorts.ascending("_id"))) {
                lines.add(d.toJson(canonical));
            }
            Path f = dir.resolve(name + ".json");
            Files.write(f, lines, StandardCharsets.UTF_8);
            System.out.println("wrote " + f + " (" + lines.size() + " documents)");
        }
    }
}

package dev.voicetrack.storage.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The storage contract against a real mongod, at the URI in the environment variable {@code
 * MONGODB_URI} (e.g. {@code mongodb://127.0.0.1:27017}). Each storage uses a fresh database whose
 * name starts with {@code voicetrack_it_}; they are dropped at the end.
 *
 * <p>This is the one test the build may skip: without {@code MONGODB_URI} JUnit reports it as
 * skipped (by {@link EnabledIfEnvironmentVariable}), because no mongod can be started from the
 * build itself. Set the variable to run it.
 */
@EnabledIfEnvironmentVariable(named = "MONGODB_URI", matches = ".+")
class MongoStorageIT extends StorageContractTest {
    private static MongoClient client;
    private static final List<String> DATABASES = new ArrayList<>();

    @BeforeAll
    static void connect() {
        client = MongoClients.create(System.getenv("MONGODB_URI"));
    }

    @AfterAll
    static void dropDatabases() {
        synchronized (DATABASES) {
            DATABASES.forEach(db -> client.getDatabase(db).drop());
        }
        client.close();
    }

    @Override
    protected Storage newStorage() {
        String db =
                "voicetrack_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        synchronized (DATABASES) {
            DATABASES.add(db);
        }
        return MongoStorage.create(client, db);
    }
}

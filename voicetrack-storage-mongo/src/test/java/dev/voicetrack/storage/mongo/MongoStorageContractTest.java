package dev.voicetrack.storage.mongo;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract through the real driver against an in-process wire-protocol server; {@link
 * MongoStorageIT} runs the same suite against a real mongod.
 */
class MongoStorageContractTest extends StorageContractTest {
    private static InProcessMongo mongo;
    private static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    @Override
    protected Storage newStorage() {
        return MongoStorage.create(mongo.client(), "contract" + N.incrementAndGet());
    }
}

package dev.voicetrack.storage.json;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract against real files in a temporary directory. */
class JsonStorageContractTest extends StorageContractTest {
    @TempDir
    static Path root;

    private static final AtomicInteger N = new AtomicInteger();

    @Override
    protected Storage newStorage() {
        return JsonStorage.open(root.resolve("store-" + N.incrementAndGet()));
    }
}

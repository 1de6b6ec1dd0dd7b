package dev.voicetrack.testkit.storage;

import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;

class InMemoryStorageContractTest extends StorageContractTest {
    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }
}

package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract against SQLite files in a temporary directory (a new file per storage). */
class SqliteStorageContractTest extends StorageContractTest {

    @TempDir
    Path dir;

    private int files;

    @Override
    protected Storage newStorage() {
        return JdbcStorage.sqlite(SqliteOptions.builder()
                .file(dir.resolve("contract-" + (++files) + ".db"))
                .build());
    }
}

package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on SQLite with every all-time rank answered by the in-memory rank indexes
 * (which normally serve only guilds of {@link RankCache#MIN_MEMBERS} members or more).
 */
class SqliteRankIndexContractTest extends StorageContractTest {

    @TempDir
    Path dir;

    private int files;

    @Override
    protected Storage newStorage() {
        JdbcStore store = JdbcStore.sqlite(SqliteOptions.builder()
                .file(dir.resolve("ranked-" + (++files) + ".db"))
                .build());
        store.rankIndexMinMembers(0);
        return store;
    }
}

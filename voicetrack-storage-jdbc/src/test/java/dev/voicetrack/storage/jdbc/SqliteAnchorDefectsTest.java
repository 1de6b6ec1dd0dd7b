package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteAnchorDefectsTest extends AnchorDefectsRegressionTest {

    @TempDir
    Path dir;

    private Path file;

    @Override
    Storage newStorage() {
        file = dir.resolve("defects.db");
        return reopen();
    }

    @Override
    Storage reopen() {
        return JdbcStorage.sqlite(SqliteOptions.builder().file(file).build());
    }
}

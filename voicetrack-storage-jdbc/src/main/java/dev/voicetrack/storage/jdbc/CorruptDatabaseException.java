package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.StorageException;
import java.nio.file.Path;

/**
 * {@link JdbcStorage#init()} found that an existing SQLite file is damaged (its integrity check
 * failed, or it is not a SQLite database at all). Nothing was written to the file: the check runs on
 * a read-only connection before any pragma, migration or write. Restore it from a backup.
 */
public final class CorruptDatabaseException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public CorruptDatabaseException(Path file, String problem) {
        super("the SQLite database " + file + " is damaged: " + problem + " (nothing was written to it)");
        this.file = file;
        this.problem = problem;
    }

    /** The damaged file, absolute. */
    public Path file() {
        return file;
    }

    /** What the integrity check reported. */
    public String problem() {
        return problem;
    }
}

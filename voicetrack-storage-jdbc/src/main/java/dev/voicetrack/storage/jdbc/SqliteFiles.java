package dev.voicetrack.storage.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which files belong to a SQLite database, compared by real path, so that no spelling of a path
 * ({@code ./x/../x}, a symbolic link, a directory named twice) can make a backup, a restore or a
 * rotation touch the live database or one of the files beside it. Stateless and thread safe.
 */
public final class SqliteFiles {
    /** The files SQLite keeps beside a database, plus the store's lock file ({@code ""} is the database). */
    public static final List<String> SIDECARS = List.of("", "-wal", "-shm", "-journal", ".lock");

    private SqliteFiles() {}

    /**
     * The real path of {@code p}, or, for a path that does not exist (yet), the real path of its
     * nearest existing ancestor with the rest appended; never throws.
     */
    public static Path realPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        Path rest = abs.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            Path name = existing.getFileName();
            rest = name == null ? rest : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    /**
     * Which file of the SQLite database {@code live} the path {@code p} is ("the live database", "the
     * live database's -wal file", ...), or null if it is none of them.
     */
    public static @Nullable String liveFile(Path live, Path p) {
        Path real = realPath(p);
        for (Path base : List.of(live.toAbsolutePath().normalize(), realPath(live))) {
            for (String suffix : SIDECARS) {
                if (real.equals(realPath(Path.of(base + suffix)))) {
                    return suffix.isEmpty() ? "the live database" : "the live database's " + suffix + " file";
                }
            }
        }
        return null;
    }
}

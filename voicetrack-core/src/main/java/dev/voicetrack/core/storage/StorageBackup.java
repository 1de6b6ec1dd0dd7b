package dev.voicetrack.core.storage;

import java.nio.file.Path;

/**
 * A {@link StorageMaintenance} that can write a verified copy of its data to a file: SQLite's online
 * backup in this project. Backends whose data lives on a server (PostgreSQL, MongoDB) are backed up
 * with the server's own tools and do not implement it.
 */
public interface StorageBackup extends StorageMaintenance {

    /**
     * Writes a verified copy of the data to {@code target}; never touches any other file. Blocks for
     * I/O; call it off gateway and tick threads.
     *
     * @return true if {@code target} now holds a good copy; false if any step failed, in which case
     *     {@code target} and every other existing file are untouched
     * @throws StorageException if the storage is closed or not initialised
     */
    boolean backup(Path target);
}

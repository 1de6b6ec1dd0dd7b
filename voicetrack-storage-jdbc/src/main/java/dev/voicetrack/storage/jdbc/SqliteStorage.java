package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.storage.StorageBackup;
import dev.voicetrack.core.storage.StorageException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link JdbcStorage} on a SQLite file ({@link SqliteOptions#file()}), made by {@link
 * JdbcStorage#sqlite}. Beyond everything a {@link JdbcStorage} does, it owns its file: {@link
 * #safeBackup} writes a verified copy with the store running, and {@link #restore} puts one back.
 * Both are offered to the maintenance commands: it is a {@link StorageBackup} whose {@link
 * #backup(Path)} is {@link #safeBackup(Path)}.
 *
 * <pre>{@code
 * try (SqliteStorage storage = JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
 *     storage.init();
 *     boolean good = storage.safeBackup(Path.of("backups/voice-tracker-2026-01-01.db"));
 * }
 * }</pre>
 */
public non-sealed interface SqliteStorage extends JdbcStorage, StorageBackup {

    /**
     * Writes a verified copy of the database to {@code target}, the original's {@code
     * safeBackup}: checks the integrity of the live database and that it holds the VoiceTrack schema,
     * copies it online ({@code VACUUM INTO}, a consistent snapshot that does not block writers) and
     * counts the rows of every {@code vt_} table in the snapshot it copied, then verifies the copy:
     * integrity check, the same tables, schema version and row counts. Only then is it moved into place
     * atomically. If another connection commits between the count and the copy, the copy is made again
     * with this store's writes held back (at most three attempts). Runs on the calling thread; call it
     * off the tick thread.
     *
     * <p>A target that is the live database or one of its {@code -wal}, {@code -shm}, {@code -journal}
     * or {@code .lock} files (compared by real path: symlinks and {@code ./x/../x} spellings count) is
     * refused. A live file that is missing, or holds no VoiceTrack tables (say it was deleted and
     * recreated empty under the store), is never "verified".
     *
     * @return true if {@code target} now holds a good copy; false if any step failed, in which case
     *     {@code target} and every other existing file are untouched
     * @throws StorageException if the storage is closed or not initialised
     */
    boolean safeBackup(Path target);

    /**
     * Replaces the live database with a backup made by {@link #safeBackup}, with the
     * store running: the backup is verified first (integrity, the VoiceTrack tables and schema version),
     * then calls in progress finish, the database file is swapped atomically, migrations run, and
     * waiting calls go on against the restored data. The backup file itself is left as it is. A tracker
     * running on this store should clear its caches afterwards. On a store that was never initialised
     * (for instance because {@link #init()} refused a damaged file) the file is only swapped, without
     * opening the damaged one; migrations then run at the next {@link #init()}.
     *
     * <p>Refused while any other process, or another store of this process, has the database open:
     * it would go on writing to the replaced file, and everything it wrote would be lost. Every
     * initialised SQLite store holds a shared OS lock on {@code <db>.lock} until it is closed (the OS
     * drops it when a process dies, so it is never stale); a restore needs the exclusive lock, and
     * also checks with SQLite that no other connection (say the sqlite3 shell) has the file open.
     *
     * <p>A live file that is damaged (it fails the same quick_check as {@link #init()}, within {@link
     * SqliteOptions#openCheckTimeout()}) or is no database at all cannot be asked whether another
     * SQLite connection has it open; only the OS lock guards it then. Such a file is not deleted: it is
     * kept aside as {@code <db>.damaged-<UTC time>} (with its {@code -wal}/{@code -shm}/{@code
     * -journal} files), since it holds data VoiceTrack did not write.
     *
     * @return where the damaged live file was kept aside; empty if the replaced file was a sound
     *     database (it is deleted) or there was none
     * @throws StorageException naming the reason if the backup is missing, corrupt, not a VoiceTrack
     *     database or of a newer schema, or if another process has the database open (naming the file
     *     and, on Linux, the process); the live database is then untouched. Also if the swap failed (the
     *     previous database is then put back)
     */
    Optional<Path> restore(Path backup);

    /** {@link #safeBackup(Path)}. */
    @Override
    default boolean backup(Path target) {
        return safeBackup(target);
    }
}

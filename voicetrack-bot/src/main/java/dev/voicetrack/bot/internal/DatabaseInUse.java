package dev.voicetrack.bot.internal;

import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Whether another process has a SQLite database open, for commands that must not run beside the bot.
 * Every open SQLite store holds a shared OS lock on {@code <db>.lock} (see {@code SqliteStorage#restore}),
 * so if this process can take the exclusive lock for a moment, nobody else has the file open. Call it
 * before this process opens the file itself (the JDK refuses overlapping locks within one JVM).
 */
public final class DatabaseInUse {
    private DatabaseInUse() {}

    /**
     * Refuses {@code command} if {@code spec} is {@code sqlite:FILE} and another process has FILE open.
     *
     * @throws StorageException naming the file, saying to stop the bot; nothing has been changed then
     */
    public static void refuseIfOpenElsewhere(String command, String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0 || !spec.substring(0, colon).toLowerCase(Locale.ROOT).equals("sqlite")) {
            return;
        }
        refuseIfOpenElsewhere(command, Path.of(spec.substring(colon + 1)));
    }

    /** As {@link #refuseIfOpenElsewhere(String, String)}, for a SQLite file. */
    public static void refuseIfOpenElsewhere(String command, Path db) {
        Path abs = db.toAbsolutePath().normalize();
        Path lock = abs.resolveSibling(abs.getFileName() + ".lock");
        if (!Files.exists(lock)) {
            return; // no VoiceTrack process has opened this file since the lock files exist
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock l = ch.tryLock(0, Long.MAX_VALUE, false)) {
            if (l == null) {
                throw new StorageException(command + " refused: the database " + abs
                        + " is open in another process (a running bot?). Stop the bot first, then run " + command
                        + " again. Nothing was changed.");
            }
        } catch (IOException e) {
            throw new StorageException(
                    command + " refused: cannot check whether " + abs + " is in use (" + lock + ": " + e.getMessage()
                            + "). Nothing was changed.",
                    e);
        }
    }
}

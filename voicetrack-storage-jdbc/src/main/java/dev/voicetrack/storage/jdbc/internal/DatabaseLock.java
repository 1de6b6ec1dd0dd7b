package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Tells whether other processes have a SQLite database open, through OS file locks on a sidecar file
 * {@code <db>.lock} next to it.
 *
 * <h2>Design</h2>
 *
 * Every initialised SQLite store holds a <em>shared</em> lock on the sidecar file from {@link
 * JdbcStore#init()} to {@link JdbcStore#close()}; any number of processes may hold one together, so
 * several processes may still use one database. A restore needs the <em>exclusive</em> lock, which the
 * OS grants only when no other process holds a shared one; so it refuses while a bot or a command has
 * the database open, and a store that opens during a restore waits for it to finish. The locks are the
 * OS's ({@code fcntl} on Linux), so they vanish with a process that crashes: a lock is never stale.
 * The sidecar file itself is never deleted (a new file would be a new lock).
 *
 * <p>The shared and exclusive locks cover the bytes before {@link #OWNER_BYTE}. That byte is the
 * <em>owner</em> lock: a bot (the long-running writer) holds it exclusively for its whole life, so a
 * second bot on the same file is refused while commands that take only the shared lock (stats,
 * backup) keep working.
 *
 * <p>POSIX locks belong to a process, not to a file handle, and the JDK refuses overlapping locks
 * within one JVM; so this class keeps one channel and one lock per file for the whole JVM and counts
 * the stores of this process that use it. A restore in this process is allowed only when its own
 * store is the sole user here, and it upgrades that store's shared lock to the exclusive one.
 *
 * <p>Thread safe: all state is guarded by {@link #HELD}.
 */
final class DatabaseLock {
    private static final Map<Path, Entry> HELD = new HashMap<>();

    /** The byte of the sidecar file a bot locks exclusively; the shared locks cover the bytes before. */
    static final long OWNER_BYTE = 1L << 62;

    private static final class Entry {
        final FileChannel channel;

        @Nullable
        FileLock lock;

        /** The owner lock, held by a bot of this process. */
        @Nullable
        FileLock owner;

        int users;
        boolean exclusive;

        Entry(FileChannel channel) {
            this.channel = channel;
        }
    }

    private DatabaseLock() {}

    /** The sidecar lock file of {@code db}: {@code <db>.lock} in the same directory. */
    static Path lockFile(Path db) {
        return db.resolveSibling(db.getFileName() + ".lock");
    }

    private static Path key(Path db) throws IOException {
        Path abs = db.toAbsolutePath().normalize();
        Path dir = Files.createDirectories(abs.getParent()).toRealPath();
        return lockFile(dir.resolve(abs.getFileName().toString()));
    }

    /**
     * Registers one more user of {@code db} in this process; the first takes the shared OS lock, waiting
     * while a restore (in this process or another) holds the exclusive one.
     */
    static void acquireShared(Path db) throws IOException {
        Path key = key(db);
        synchronized (HELD) {
            Entry e = HELD.get(key);
            while (e != null && e.exclusive) {
                try {
                    HELD.wait();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for a restore of " + db + " to finish", ie);
                }
                e = HELD.get(key);
            }
            boolean fresh = e == null;
            if (e == null) {
                e = new Entry(FileChannel.open(
                        key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
            }
            if (e.lock == null) {
                try {
                    e.lock = e.channel.lock(0, OWNER_BYTE, true);
                } catch (IOException | RuntimeException failure) {
                    if (fresh) {
                        e.channel.close();
                    }
                    throw failure;
                }
            }
            HELD.put(key, e);
            e.users++;
        }
    }

    /** Undoes one {@link #acquireShared}; the last user of this process releases the OS lock. */
    static void releaseShared(Path db) {
        synchronized (HELD) {
            Path key;
            try {
                key = key(db);
            } catch (IOException e) {
                return;
            }
            Entry e = HELD.get(key);
            if (e == null || e.users == 0) {
                return;
            }
            e.users--;
            if (e.users == 0 && !e.exclusive) {
                releaseUnused(key, e);
            }
        }
    }

    /** No store of this process uses the file any more: closes it, or keeps only the owner lock. */
    private static void releaseUnused(Path key, Entry e) {
        if (e.owner == null) {
            HELD.remove(key);
            closeQuietly(e.channel);
        } else if (e.lock != null) {
            try {
                e.lock.release();
            } catch (IOException ex) {
                // the owner's channel stays open; the OS keeps the lock until it closes
            }
            e.lock = null;
        }
    }

    /**
     * Takes the owner lock of {@code db} for a bot, until {@link #releaseOwner}.
     *
     * @throws StorageException naming the file and, on Linux, the process holding it, if another bot
     *     (in this process or another) owns it; nothing has been taken then
     */
    static void acquireOwner(Path db) {
        Path key;
        try {
            key = key(db);
        } catch (IOException ex) {
            throw new StorageException("cannot open the lock file of " + db + ": " + ex, ex);
        }
        synchronized (HELD) {
            Entry e = HELD.get(key);
            if (e != null && e.owner != null) {
                throw new StorageException(ownedMessage(db, " by another bot in this process"));
            }
            boolean fresh = e == null;
            try {
                if (e == null) {
                    e = new Entry(FileChannel.open(
                            key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
                }
                FileLock l = e.channel.tryLock(OWNER_BYTE, 1, false);
                if (l == null) {
                    String holders = holders(key, OWNER_BYTE);
                    if (fresh) {
                        closeQuietly(e.channel);
                    }
                    throw new StorageException(ownedMessage(db, holders));
                }
                e.owner = l;
                HELD.put(key, e);
            } catch (IOException ex) {
                if (fresh && e != null) {
                    closeQuietly(e.channel);
                }
                throw new StorageException("cannot lock " + key + ": " + ex, ex);
            }
        }
    }

    private static String ownedMessage(Path db, String holders) {
        return "another VoiceTrack bot is already running on the database "
                + db.toAbsolutePath().normalize()
                + holders + "; two bots on one file would count every member's voice time twice. Stop that"
                + " bot first, or give this one its own SQLITE_DB_PATH. Nothing was written.";
    }

    /** Undoes {@link #acquireOwner}. */
    static void releaseOwner(Path db) {
        synchronized (HELD) {
            Path key;
            try {
                key = key(db);
            } catch (IOException e) {
                return;
            }
            Entry e = HELD.get(key);
            if (e == null || e.owner == null) {
                return;
            }
            try {
                e.owner.release();
            } catch (IOException ex) {
                // closing the channel below drops it
            }
            e.owner = null;
            if (e.users == 0 && !e.exclusive) {
                HELD.remove(key);
                closeQuietly(e.channel);
            }
        }
    }

    /** Work done while holding the exclusive lock. */
    @FunctionalInterface
    interface Exclusive {
        void run();
    }

    /**
     * Runs {@code work} holding the exclusive lock of {@code db}.
     *
     * @param selfUses whether the calling store holds one of this process's shared users of {@code db}
     * @param what the operation, for the refusal message (e.g. "restore")
     * @throws StorageException naming the database (and, where the OS tells, the process holding it) if
     *     another process or another store of this process has it open; {@code work} has not run then
     */
    static void exclusively(Path db, boolean selfUses, String what, Exclusive work) {
        Path key;
        Entry e;
        try {
            key = key(db);
        } catch (IOException ex) {
            throw new StorageException(what + " refused: cannot open the lock file of " + db + ": " + ex, ex);
        }
        synchronized (HELD) {
            e = HELD.get(key);
            int others = e == null ? 0 : e.users - (selfUses ? 1 : 0);
            if (e != null && (e.exclusive || others > 0)) {
                throw new StorageException(what + " refused: the database " + db
                        + " is open in another store of this process; close it first. Nothing was changed.");
            }
            try {
                if (e == null) {
                    e = new Entry(FileChannel.open(
                            key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
                    HELD.put(key, e);
                }
                if (e.lock != null) {
                    e.lock.release();
                    e.lock = null;
                }
                e.lock = e.channel.tryLock(0, OWNER_BYTE, false);
                if (e.lock == null) {
                    String holders = holders(key, -1);
                    restoreShared(key, e);
                    throw new StorageException(what + " refused: the database " + db + " is open in another process"
                            + holders + ". Stop the bot (or that process) first, then run " + what
                            + " again. Nothing was changed.");
                }
                e.exclusive = true;
            } catch (IOException ex) {
                restoreShared(key, e);
                throw new StorageException(what + " refused: cannot lock " + key + ": " + ex, ex);
            }
        }
        try {
            work.run();
        } finally {
            synchronized (HELD) {
                e.exclusive = false;
                restoreShared(key, e);
                HELD.notifyAll();
            }
        }
    }

    /** Back to the state before {@link #exclusively}: shared if this process still uses it, else none. */
    private static void restoreShared(Path key, @Nullable Entry e) {
        if (e == null) {
            return;
        }
        try {
            if (e.lock != null && !e.lock.isShared()) {
                e.lock.release();
                e.lock = null;
            }
            if (e.users > 0) {
                if (e.lock == null) {
                    e.lock = e.channel.lock(0, OWNER_BYTE, true);
                }
            } else {
                releaseUnused(key, e);
            }
        } catch (IOException ex) {
            // Without the shared lock another process could restore under this store; say so loudly.
            LoggerFactory.getLogger(DatabaseLock.class)
                    .error("cannot take the shared lock of " + key + " again: " + ex);
        }
    }

    /**
     * " (held by pid N: command)" for the other processes that lock {@code lockFile}, from {@code
     * /proc/locks} (Linux); empty where the OS does not tell. With {@code start} 0 or more, only the
     * locks that begin at that byte.
     */
    static String holders(Path lockFile, long start) {
        try {
            Path procLocks = Path.of("/proc/locks");
            if (!Files.isReadable(procLocks)) {
                return "";
            }
            Object ino = Files.getAttribute(lockFile, "unix:ino");
            String suffix = ":" + ino;
            long self = ProcessHandle.current().pid();
            List<String> found = new ArrayList<>();
            for (String line : Files.readAllLines(procLocks)) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i < f.length; i++) {
                    if (f[i].endsWith(suffix)
                            && f[i].chars().filter(ch -> ch == ':').count() == 2
                            && (start < 0 || (i + 1 < f.length && f[i + 1].equals(Long.toString(start))))) {
                        long pid = Long.parseLong(f[i - 1]);
                        if (pid != self && !found.contains(describe(pid))) {
                            found.add(describe(pid));
                        }
                    }
                }
            }
            return found.isEmpty() ? "" : " (held by " + String.join(", ", found) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String describe(long pid) {
        String cmd = ProcessHandle.of(pid)
                .flatMap(p -> p.info().commandLine())
                .map(c -> c.length() > 160 ? c.substring(0, 160) + "..." : c)
                .orElse("");
        return "pid " + pid + (cmd.isEmpty() ? "" : ": " + cmd);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing held any more either way
        }
    }
}

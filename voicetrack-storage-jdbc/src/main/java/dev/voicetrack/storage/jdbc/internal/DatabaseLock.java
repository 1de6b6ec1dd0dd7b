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
 * <p>POSIX locks belong to a process, not to a file handle, and the JDK refuses overlapping locks
 * within one JVM; so this class keeps one channel and one lock per file for the whole JVM and counts
 * the stores of this process that use it. A restore in this process is allowed only when its own
 * store is the sole user here, and it upgrades that store's shared lock to the exclusive one.
 *
 * <p>Thread safe: all state is guarded by {@link #HELD}.
 */
final class DatabaseLock {
    private static final Map<Path, Entry> HELD = new HashMap<>();

    private static final class Entry {
        final FileChannel channel;

        @Nullable
        FileLock lock;

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
            if (e == null) {
                FileChannel ch = FileChannel.open(
                        key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                try {
                    Entry fresh = new Entry(ch);
                    fresh.lock = ch.lock(0, Long.MAX_VALUE, true);
                    e = fresh;
                } catch (IOException | RuntimeException failure) {
                    ch.close();
                    throw failure;
                }
                HELD.put(key, e);
            }
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
                e.lock = e.channel.tryLock(0, Long.MAX_VALUE, false);
                if (e.lock == null) {
                    String holders = holders(key);
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
                    e.lock = e.channel.lock(0, Long.MAX_VALUE, true);
                }
            } else {
                HELD.remove(key);
                closeQuietly(e.channel);
            }
        } catch (IOException ex) {
            // Without the shared lock another process could restore under this store; say so loudly.
            LoggerFactory.getLogger(DatabaseLock.class)
                    .error("cannot take the shared lock of " + key + " again: " + ex);
        }
    }

    /**
     * " (held by pid N: command)" for the other processes that lock {@code lockFile}, from {@code
     * /proc/locks} (Linux); empty where the OS does not tell.
     */
    static String holders(Path lockFile) {
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
                            && f[i].chars().filter(ch -> ch == ':').count() == 2) {
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

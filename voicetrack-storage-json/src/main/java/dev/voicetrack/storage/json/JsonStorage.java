package dev.voicetrack.storage.json;

import dev.voicetrack.core.ChannelFilter;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberFilter;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.storage.json.internal.FileOps;
import dev.voicetrack.storage.json.internal.GuildCodec;
import dev.voicetrack.storage.json.internal.GuildData;
import dev.voicetrack.storage.json.internal.MemberRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Storage} in JSON files, the Java counterpart of the original's {@code
 * JSONStorage('./data')}, without its defects. Each guild has one guild file ({@code
 * guild-<id>.json}: config, member totals, sessions) and one activity file per day with activity
 * ({@code guild-<id>-day-<yyyy-MM-dd>-<generation>.json}), so that a tick rewrites the totals and
 * today's activity but never the history.
 *
 * <pre>{@code
 * Storage storage = JsonStorage.open(Path.of("data"));
 * storage.init(); // reads every file; stops on a corrupt one
 * }</pre>
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li><b>Memory is a cache of the files.</b> {@link #init()} reads every file; reads are then served
 *       from memory without I/O or locks. Every write builds new copies of what it changes (the
 *       guild's member map is copied shallowly, changed members deeply), writes the files, and only
 *       then publishes the copies: a write that fails leaves memory and files as they were. One
 *       {@link #apply} writes each guild file it touches once, plus one activity file per day it
 *       touches, whatever the number of members (the original rewrote the whole file once per user).
 *   <li><b>Atomic files.</b> A day's activity is written to a file with a new generation number,
 *       which nothing references yet, and forced to disk. The guild file, which names the current
 *       generation of every day, is written to {@code guild-<id>.json.<run token>.tmp}, forced, and
 *       renamed over the old one (the directory is forced before and after): that rename is the
 *       commit. A crash leaves the old or the new state, never a mix. A write that touches several
 *       guilds commits by writing a small journal ({@code commit.journal}, itself written atomically)
 *       that lists the renames; {@link #init()} completes the renames of a journal it finds, so a batch
 *       across guilds is all-or-nothing across a crash too. The storage never overwrites a file (it
 *       creates each one new).
 *   <li><b>Deletes only what this run wrote or superseded.</b> After a commit is on disk, the day
 *       files the previous guild file referenced, and a guild file the write emptied, are deleted; a
 *       write that fails deletes its own new files; start-up deletes only the journal whose renames it
 *       completed. Nothing else is ever deleted: temp files and unreferenced activity files left by an
 *       earlier run (a crash, a restored backup) are kept and logged as a warning; activity files whose
 *       guild file is missing (moved away, lost) make {@link #init()} throw a {@link StorageException}
 *       naming them and the guild, so that a guild's history never disappears unnoticed.
 *   <li><b>Loud on corruption.</b> A file that cannot be read, is not JSON, has another format, a
 *       newer version or a bad field, and an activity file that a guild file references but that is
 *       missing, make {@link #init()} throw a {@link StorageException} that names the file and the
 *       problem; no file is changed and nothing is written.
 *   <li><b>Versioned format</b> ({@code "version": 1}, described in {@code GuildCodec}); instants
 *       keep their milliseconds (ISO-8601 with fraction).
 * </ul>
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread; writes are serialised by one
 * lock, reads never block. <b>Cost:</b> a tick costs serialising and writing the guild file (about
 * 1.3 MB for 10,000 members) and today's activity file; leaderboards sort the guild on each call, so
 * put a cache in front for large guilds. Sessions are never deleted by the tracker, so the guild file
 * grows with them. One process must own a directory.
 */
public final class JsonStorage implements Storage, StorageMaintenance {

    private static final String JOURNAL = "commit.journal";
    private static final String JOURNAL_HEADER = "voicetrack-commit 1";
    private static final Logger LOG = LoggerFactory.getLogger(JsonStorage.class);

    private final Path dir;
    private final FileOps ops;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<Long, GuildData> guilds = new ConcurrentHashMap<>();
    private volatile boolean initialized;
    private volatile boolean closed;
    private volatile @Nullable String broken;
    /** Ends this run's temp file names ({@code .<run token>.tmp}); set by {@link #init()}. */
    private String tempSuffix = ".tmp";

    private final boolean readOnly;

    private JsonStorage(Path dir, FileOps ops) {
        this(dir, ops, false);
    }

    private JsonStorage(Path dir, FileOps ops, boolean readOnly) {
        this.dir = dir;
        this.ops = ops;
        this.readOnly = readOnly;
    }

    /**
     * A storage over the files of {@code directory} (created by {@link #init()} if missing). Nothing is
     * read before {@link #init()}.
     *
     * @throws NullPointerException if directory is null
     */
    public static JsonStorage open(Path directory) {
        return new JsonStorage(Objects.requireNonNull(directory, "directory must not be null"), new FileOps());
    }

    /**
     * A storage that only reads the files of an existing {@code directory}: {@link #init()} creates,
     * renames and deletes nothing (it refuses a missing directory, and a directory with an unfinished
     * commit journal, which only a read-write open completes), and every write throws a {@link
     * StorageException}. For the source of a migration.
     *
     * @throws NullPointerException if directory is null
     */
    public static JsonStorage openReadOnly(Path directory) {
        return new JsonStorage(Objects.requireNonNull(directory, "directory must not be null"), new FileOps(), true);
    }

    /** For failure-injection tests: the same storage with other file-system steps. */
    static JsonStorage open(Path directory, FileOps ops) {
        return new JsonStorage(directory, ops);
    }

    /** The directory holding the guild files. */
    public Path directory() {
        return dir;
    }

    // ---------------------------------------------------------------- start-up

    /**
     * Creates the directory if needed, completes a commit that a crash interrupted, and reads every
     * guild file and the activity files they reference. Deletes nothing but a completed commit
     * journal; files an earlier run left uncommitted are kept and logged. Idempotent.
     *
     * @throws StorageException naming the file if a guild or activity file cannot be read or parsed,
     *     naming the files and the guild if activity files have no guild file (in each case no file is
     *     changed and the storage stays unusable), or if the directory cannot be used
     */
    @Override
    public void init() {
        writeLock.lock();
        try {
            ensureOpen();
            if (initialized) {
                return;
            }
            if (readOnly) {
                if (!Files.isDirectory(dir)) {
                    throw new StorageException("JSON storage directory " + dir
                            + " does not exist or is not a directory (nothing was created)");
                }
                if (Files.exists(dir.resolve(JOURNAL))) {
                    throw new StorageException("JSON storage in " + dir + " has an unfinished commit (" + JOURNAL
                            + "); a read-only open cannot complete it: start VoiceTrack on it once, then try again");
                }
            } else {
                Files.createDirectories(dir);
                recoverJournal();
            }
            var loaded = new TreeMap<Long, GuildData>();
            var leftovers = new ArrayList<Path>();
            var dayFiles = new ArrayList<Path>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    String name = f.getFileName().toString();
                    if ((name.startsWith("guild-") || name.startsWith(JOURNAL)) && name.endsWith(".tmp")) {
                        leftovers.add(f); // written by an earlier run but never committed
                    } else if (GUILD_FILE.matcher(name).matches()) {
                        GuildData g = load(f);
                        loaded.put(g.guildId, g);
                    } else if (DAY_FILE.matcher(name).matches()) {
                        dayFiles.add(f);
                    }
                }
            }
            // Nothing found here is deleted: this run did not write it. Day files that no guild file
            // references are kept and reported; day files without their guild file stop start-up.
            var orphans = new TreeMap<Long, List<Path>>();
            var unreferenced = new ArrayList<Path>();
            for (Path f : dayFiles) {
                var m = DAY_FILE.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long guildId = parseId(m.group(1));
                long gen = parseId(m.group(3));
                GuildData g = guildId < 0 ? null : loaded.get(guildId);
                if (g == null) {
                    orphans.computeIfAbsent(guildId, k -> new ArrayList<>()).add(f);
                    continue;
                }
                g.lastGeneration = Math.max(g.lastGeneration, gen);
                Long committed = g.dayFiles.get(LocalDate.parse(m.group(2)));
                if (committed == null || committed != gen) {
                    unreferenced.add(f); // uncommitted, or superseded, by a write of an earlier run
                }
            }
            if (!orphans.isEmpty()) {
                throw new StorageException(orphanMessage(orphans));
            }
            for (GuildData g : loaded.values()) {
                for (var e : g.dayFiles.entrySet()) {
                    loadDay(dir.resolve(dayFileName(g.guildId, e.getKey(), e.getValue())), g, e.getKey());
                }
            }
            if (!leftovers.isEmpty()) {
                LOG.warn("JSON storage in " + dir + ": kept " + leftovers.size() + " temp file(s) of a write that an"
                        + " earlier run never committed (VoiceTrack deletes only files it wrote in this run;"
                        + " these hold no committed data and may be deleted by hand while the bot is"
                        + " stopped): " + names(leftovers));
            }
            if (!unreferenced.isEmpty()) {
                LOG.warn("JSON storage in " + dir + ": kept " + unreferenced.size() + " activity file(s) that no"
                        + " guild file references (left by an interrupted write of an earlier run, or by a"
                        + " guild file restored from an older backup; VoiceTrack deletes only files it wrote"
                        + " in this run): " + names(unreferenced));
            }
            tempSuffix = "." + runToken(leftovers) + ".tmp";
            guilds.putAll(loaded);
            initialized = true;
        } catch (IOException e) {
            throw new StorageException("cannot open JSON storage in " + dir + ": " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** The decimal id of a file name, or -1 if it does not fit a long. */
    private static long parseId(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String orphanMessage(Map<Long, List<Path>> orphans) {
        var why = new StringBuilder("JSON storage in " + dir + " holds activity files of guilds without a guild file:");
        orphans.forEach((guildId, files) -> why.append(" guild ")
                .append(guildId < 0 ? "(id out of range)" : Long.toString(guildId))
                .append(" (")
                .append(guildId < 0 ? "no guild file" : fileName(guildId) + " is missing")
                .append("): ")
                .append(names(files))
                .append(';'));
        why.append(" none of these files was changed. VoiceTrack never deletes data it did not write in this run,"
                + " and does not start without knowing whose history these files are: put the guild file back"
                + " (restore it from a backup, or return the file you moved away), or, to drop that guild's"
                + " activity history, move these activity files out of " + dir + ", then start again");
        return why.toString();
    }

    /** Up to ten file names, then how many more. */
    private static String names(List<Path> files) {
        var out = new StringBuilder();
        for (int i = 0; i < files.size() && i < 10; i++) {
            out.append(i == 0 ? "" : ", ").append(files.get(i).getFileName());
        }
        if (files.size() > 10) {
            out.append(" and ").append(files.size() - 10).append(" more");
        }
        return out.toString();
    }

    /** A token for this run's temp file names that no temp file left by an earlier run carries. */
    private static String runToken(List<Path> leftovers) {
        while (true) {
            String token = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16 | 1L << 44);
            if (leftovers.stream().noneMatch(f -> f.getFileName().toString().contains("." + token + "."))) {
                return token;
            }
        }
    }

    private void loadDay(Path f, GuildData g, LocalDate day) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new StorageException(
                    "cannot read activity file " + f + " of guild " + g.guildId + ": " + e + " (no file was changed)",
                    e);
        }
        try {
            GuildCodec.readDay(bytes, g, day);
        } catch (RuntimeException e) {
            throw new StorageException(
                    "corrupt activity file " + f + ": " + e.getMessage() + " (no file was changed; "
                            + "restore it from a backup, then start again)",
                    e);
        }
    }

    private GuildData load(Path f) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new StorageException("cannot read guild file " + f + ": " + e + " (the file was left as it is)", e);
        }
        GuildData g;
        try {
            g = GuildCodec.read(bytes);
        } catch (RuntimeException e) {
            throw new StorageException(
                    "corrupt guild file " + f + ": " + e.getMessage() + " (the file was left as it is; "
                            + "restore it from a backup, then start again; to drop that guild instead, move it"
                            + " together with its activity files " + dayFilePattern(f) + " out of " + dir + ")",
                    e);
        }
        if (!f.getFileName().toString().equals(fileName(g.guildId))) {
            throw new StorageException("guild file " + f + " holds guild " + g.guildId
                    + ", not the guild its name says (the file was left as it is)");
        }
        return g;
    }

    private void recoverJournal() throws IOException {
        Path journal = dir.resolve(JOURNAL);
        if (!Files.exists(journal)) {
            return;
        }
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(JOURNAL_HEADER)) {
            throw new StorageException("corrupt commit journal " + journal + " (the file was left as it is)");
        }
        var renames = new ArrayList<String[]>();
        for (String line : lines.subList(1, lines.size())) {
            String[] p = line.split(" ");
            // Only "R <guild file>.<token>.tmp <guild file>": the journal renames this storage's own temp
            // files over guild files, nothing else.
            if (p.length != 3
                    || !p[0].equals("R")
                    || !GUILD_FILE.matcher(p[2]).matches()
                    || !TEMP_NAME.matcher(p[1]).matches()
                    || !p[1].startsWith(p[2] + ".")) {
                throw new StorageException(
                        "corrupt commit journal " + journal + ", line '" + line + "' (no file was changed)");
            }
            renames.add(p);
        }
        for (String[] p : renames) {
            Path tmp = dir.resolve(p[1]);
            if (Files.exists(tmp)) {
                ops.rename(tmp, dir.resolve(p[2]));
            }
        }
        ops.syncDirectory(dir);
        // The journal holds no data, only the renames above, which are now done.
        ops.delete(journal);
        ops.syncDirectory(dir);
    }

    @Override
    public int schemaVersion() {
        return GuildCodec.VERSION;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    private void ensureReady() {
        ensureOpen();
        if (!initialized) {
            throw new StorageException("storage is not initialized: call init() first");
        }
        String b = broken;
        if (b != null) {
            throw new StorageException("JSON storage in " + dir + " needs a restart: " + b);
        }
    }

    private static final Pattern GUILD_FILE = Pattern.compile("guild-(\\d+)\\.json");
    private static final Pattern TEMP_NAME = Pattern.compile("guild-\\d+\\.json(\\.[0-9a-f]+)?\\.tmp");
    private static final Pattern DAY_FILE = Pattern.compile("guild-(\\d+)-day-(\\d{4}-\\d{2}-\\d{2})-(\\d+)\\.json");

    private static String fileName(long guildId) {
        return "guild-" + guildId + ".json";
    }

    /** {@code guild-<id>-day-*.json}, the activity files that belong with the guild file {@code f}. */
    private static String dayFilePattern(Path f) {
        String name = f.getFileName().toString();
        return name.substring(0, name.length() - ".json".length()) + "-day-*.json";
    }

    private static String dayFileName(long guildId, LocalDate day, long generation) {
        return "guild-" + guildId + "-day-" + day + "-" + generation + ".json";
    }

    // ---------------------------------------------------------------- writes

    /** The changes of one write: guild copies and member copies it owns. */
    private final class Txn {
        final Map<Long, GuildData> staged = new LinkedHashMap<>();
        final Set<MemberRow> own = Collections.newSetFromMap(new IdentityHashMap<>());

        GuildData guild(long guildId) {
            return staged.computeIfAbsent(guildId, g -> {
                GuildData published = guilds.get(g);
                return published == null ? new GuildData(g) : published.copy();
            });
        }

        @Nullable
        MemberRow row(long guildId, long userId, boolean create) {
            GuildData g = guild(guildId);
            MemberRow r = g.members.get(userId);
            if (r == null) {
                if (!create) {
                    return null;
                }
                r = new MemberRow();
                own.add(r);
                g.members.put(userId, r);
            } else if (!own.contains(r)) {
                r = r.copy();
                own.add(r);
                g.members.put(userId, r);
            }
            return r;
        }
    }

    private <T> T write(Function<Txn, T> body) {
        writeLock.lock();
        try {
            ensureReady();
            if (readOnly) {
                throw new StorageException("JSON storage in " + dir + " is open read-only, nothing was written");
            }
            Txn txn = new Txn();
            T result = body.apply(txn);
            commit(txn.staged.values());
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes the files of the changed guilds, then publishes them: first each dirty day's activity
     * file under a new generation (unreferenced, so harmless until the commit), then the guild files
     * (an emptied guild is written too, as an empty guild file), whose rename (or, for several guilds,
     * the journal's) is the commit point. Only once the commit is durable are the files it superseded
     * deleted: the day files the old guild files referenced, then the emptied guild files (after their
     * day files, so that a crash never leaves day files without their guild file). A write that fails
     * before its commit deletes the files it created and nothing else.
     */
    private void commit(Collection<GuildData> changed) {
        if (changed.isEmpty()) {
            return;
        }
        var created = new ArrayList<Path>(); // this write's day files: deleted if it fails
        var superseded = new ArrayList<Path>(); // committed day files it replaces: deleted once committed
        var emptied = new ArrayList<Path>(); // empty guild files it writes: deleted after their day files
        var temps = new ArrayList<Path>();
        var journal = new StringBuilder(JOURNAL_HEADER).append('\n');
        try {
            boolean wroteDays = false;
            for (GuildData g : changed) {
                wroteDays |= writeDays(g, guilds.get(g.guildId), created, superseded);
            }
            if (wroteDays) {
                ops.syncDirectory(dir);
            }
            for (GuildData g : changed) {
                String name = fileName(g.guildId);
                Path tmp = dir.resolve(name + tempSuffix);
                temps.add(tmp);
                ops.delete(tmp); // exists only if this run failed to delete it after a failed write
                ops.writeAndSync(tmp, GuildCodec.write(g));
                if (g.isEmpty()) {
                    emptied.add(dir.resolve(name));
                }
                journal.append("R ")
                        .append(tmp.getFileName())
                        .append(' ')
                        .append(name)
                        .append('\n');
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temps);
            deleteQuietly(created);
            throw new StorageException("write failed, nothing was written: " + e, e);
        }
        if (changed.size() == 1) {
            GuildData g = changed.iterator().next();
            try {
                ops.rename(temps.get(0), dir.resolve(fileName(g.guildId))); // the commit point
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temps);
                deleteQuietly(created);
                throw new StorageException("write failed, nothing was written: " + e, e);
            }
            publish(changed);
            if (syncAfterCommit()) {
                deleteSuperseded(superseded, emptied);
            }
            return;
        }
        Path journalFile = dir.resolve(JOURNAL);
        Path journalTmp = dir.resolve(JOURNAL + tempSuffix);
        try {
            ops.delete(journalTmp); // as above: only ever a file of this run
            ops.writeAndSync(journalTmp, journal.toString().getBytes(StandardCharsets.UTF_8));
            ops.rename(journalTmp, journalFile); // the commit point
        } catch (IOException | RuntimeException e) {
            temps.add(journalTmp);
            deleteQuietly(temps);
            deleteQuietly(created);
            throw new StorageException("write failed, nothing was written: " + e, e);
        }
        publish(changed);
        try {
            ops.syncDirectory(dir);
            for (GuildData g : changed) {
                ops.rename(dir.resolve(fileName(g.guildId) + tempSuffix), dir.resolve(fileName(g.guildId)));
            }
            ops.syncDirectory(dir);
            ops.delete(journalFile); // written by this write, and every rename it lists is done
            ops.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            // Committed (the journal is on disk and init() completes it), but the files lag behind.
            broken = "a committed write could not be completed (" + e + "); init() on restart completes it";
            return;
        }
        deleteSuperseded(superseded, emptied);
    }

    /**
     * Deletes what a durable commit of this run superseded: first the day files, then, if they are all
     * gone for good, the guild files it emptied. A file that cannot be deleted is kept (and reported at
     * the next start).
     */
    private void deleteSuperseded(List<Path> superseded, List<Path> emptied) {
        boolean allGone = deleteQuietly(superseded);
        if (emptied.isEmpty() || !allGone) {
            return;
        }
        try {
            ops.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            return; // the emptied guild files stay: harmless, and they keep their day files from being orphans
        }
        deleteQuietly(emptied);
    }

    /** Writes the activity files of the guild's dirty days; returns whether it wrote any. */
    private boolean writeDays(GuildData g, @Nullable GuildData old, List<Path> created, List<Path> superseded)
            throws IOException {
        if (old != null) {
            g.lastGeneration = Math.max(g.lastGeneration, old.lastGeneration);
        }
        if (g.isEmpty()) {
            g.dayFiles.clear(); // an emptied guild's file references no day file
        }
        var days = new TreeSet<LocalDate>(g.dirtyDays);
        if (g.allDaysDirty) {
            days.addAll(g.dayFiles.keySet());
            g.members.values().forEach(r -> days.addAll(r.daily.keySet()));
        }
        boolean wrote = false;
        if (!days.isEmpty()) {
            long[] ids = g.members.keySet().stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            for (LocalDate day : days) {
                var users = new ArrayList<Long>();
                for (long u : ids) {
                    if (g.members.get(u).daily.containsKey(day)) {
                        users.add(u);
                    }
                }
                if (users.isEmpty()) {
                    g.dayFiles.remove(day);
                } else {
                    long gen;
                    Path f;
                    do { // never reuse the name of a file that exists, whoever wrote it
                        gen = ++g.lastGeneration;
                        f = dir.resolve(dayFileName(g.guildId, day, gen));
                    } while (Files.exists(f));
                    created.add(f);
                    try {
                        ops.writeAndSync(f, GuildCodec.writeDay(g, day, users));
                    } catch (FileAlreadyExistsException e) {
                        created.remove(f); // not ours: appeared since the check, and is left alone
                        throw e;
                    }
                    g.dayFiles.put(day, gen);
                    wrote = true;
                }
            }
        }
        if (old != null) {
            old.dayFiles.forEach((day, gen) -> {
                if (!gen.equals(g.dayFiles.get(day))) {
                    superseded.add(dir.resolve(dayFileName(g.guildId, day, gen)));
                }
            });
        }
        return wrote;
    }

    /** Forces the commit's rename to disk; false (and the storage needs a restart) if that failed. */
    private boolean syncAfterCommit() {
        try {
            ops.syncDirectory(dir);
            return true;
        } catch (IOException | RuntimeException e) {
            broken = "the directory could not be forced to disk after a rename (" + e + ")";
            return false;
        }
    }

    private void publish(Collection<GuildData> changed) {
        for (GuildData g : changed) {
            if (g.isEmpty()) {
                guilds.remove(g.guildId);
            } else {
                guilds.put(g.guildId, g);
            }
        }
    }

    /**
     * Deletes files this run wrote (a failed write's own files, or files a commit of this run
     * superseded); returns whether all are gone. One that cannot be deleted is kept, and reported by
     * the next {@link #init()}.
     */
    private boolean deleteQuietly(List<Path> files) {
        boolean allGone = true;
        for (Path f : files) {
            try {
                ops.delete(f);
            } catch (IOException | RuntimeException e) {
                allGone = false;
                LOG.warn("JSON storage: cannot delete " + f + ": " + e);
            }
        }
        return allGone;
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        GuildConfig stored = withoutFilters(config);
        write(txn -> {
            txn.guild(guildId).config = stored;
            return null;
        });
    }

    private static GuildConfig withoutFilters(GuildConfig config) {
        return config.toBuilder()
                .memberFilter(MemberFilter.ALL)
                .channelFilter(ChannelFilter.ALL)
                .build();
    }

    private record Key(long guildId, long userId) {}

    @Override
    public List<MemberTotals> apply(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        if (batch.isEmpty()) {
            ensureReady();
            return List.of();
        }
        return write(txn -> {
            var sums = new LinkedHashMap<Key, long[]>();
            for (MemberDelta d : batch.deltas()) {
                long[] s = sums.computeIfAbsent(new Key(d.guildId(), d.userId()), k -> new long[4]);
                s[0] = add(s[0], d.voiceMs(), d);
                s[1] = add(s[1], d.xp(), d);
                s[2] = add(s[2], d.messages(), d);
                s[3] = add(s[3], d.sessions(), d);
            }
            for (var e : sums.entrySet()) {
                GuildData g = guilds.get(e.getKey().guildId);
                MemberRow r = g == null ? null : g.members.get(e.getKey().userId);
                if (r != null) {
                    long[] s = e.getValue();
                    try {
                        Math.addExact(r.voiceMs, s[0]);
                        Math.addExact(r.xp, s[1]);
                        Math.addExact(r.messages, s[2]);
                        Math.addExact(r.sessions, s[3]);
                    } catch (ArithmeticException ex) {
                        throw new StorageException("batch rejected: a total of member " + e.getKey().userId
                                + " in guild " + e.getKey().guildId + " would overflow");
                    }
                }
            }
            for (MemberDelta d : batch.deltas()) {
                MemberRow r = Objects.requireNonNull(txn.row(d.guildId(), d.userId(), true));
                r.voiceMs += d.voiceMs();
                r.xp += d.xp();
                r.messages += d.messages();
                r.sessions += d.sessions();
                if (d.lastSeen().isAfter(r.lastSeen)) {
                    r.lastSeen = d.lastSeen();
                }
                if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                    long[] c = r.channels.computeIfAbsent(d.channelId(), k -> new long[2]);
                    c[0] += d.voiceMs();
                    c[1] += d.sessions();
                }
                if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                    txn.guild(d.guildId()).dirtyDays.add(d.day());
                    long[] day = r.dayForWrite(d.day()).computeIfAbsent(d.channelId(), k -> new long[3]);
                    day[0] += d.voiceMs();
                    day[1] += d.xp();
                    day[2] += d.messages();
                    r.touchStreak(d.day());
                }
            }
            for (VoiceSession s : batch.sessions()) {
                txn.guild(s.guildId()).sessionsForWrite().put(s.id(), s);
            }
            var out = new ArrayList<MemberTotals>(sums.size());
            for (Key k : sums.keySet()) {
                MemberRow r = Objects.requireNonNull(txn.row(k.guildId, k.userId, false));
                out.add(new MemberTotals(k.guildId, k.userId, r.xp, r.level, r.voiceMs));
            }
            return out;
        });
    }

    private static long add(long a, long b, MemberDelta d) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new StorageException("batch rejected: increments overflow for " + d);
        }
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        Objects.requireNonNull(raises, "raises must not be null");
        List<LevelRaise> todo = raises.stream()
                .filter(r -> {
                    MemberRow row = published(r.guildId(), r.userId());
                    return row != null && r.level() > row.level;
                })
                .toList();
        if (todo.isEmpty()) {
            ensureReady();
            return List.of();
        }
        return write(txn -> {
            var out = new ArrayList<LevelChange>();
            for (LevelRaise raise : todo) {
                MemberRow r = txn.row(raise.guildId(), raise.userId(), false);
                if (r != null && raise.level() > r.level) {
                    out.add(new LevelChange(raise.guildId(), raise.userId(), r.level, raise.level(), r.xp));
                    r.level = raise.level();
                }
            }
            return out;
        });
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
        return write(txn -> {
            MemberRow r = Objects.requireNonNull(txn.row(guildId, userId, true));
            r.xp = xp;
            r.level = level;
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        });
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        return write(txn -> {
            MemberRow r = Objects.requireNonNull(txn.row(guildId, userId, true));
            r.level = level;
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        });
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        if (published(guildId, userId) == null) {
            ensureReady();
            return false;
        }
        return write(txn -> {
            GuildData g = txn.guild(guildId);
            MemberRow old = g.members.get(userId);
            if (old == null) {
                return false;
            }
            g.dirtyDays.addAll(old.daily.keySet());
            MemberRow fresh = new MemberRow();
            fresh.metadata.putAll(old.metadata);
            g.members.put(userId, fresh);
            g.sessionsForWrite().values().removeIf(s -> s.userId() == userId);
            return true;
        });
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return write(txn -> {
            GuildData published = guilds.get(guildId);
            if (published == null) {
                return false;
            }
            GuildData g = txn.guild(guildId);
            MemberRow removed = g.members.remove(userId);
            boolean existed = removed != null;
            if (removed != null) {
                g.dirtyDays.addAll(removed.daily.keySet());
            }
            boolean hadSessions = g.sessionsForWrite().values().removeIf(s -> s.userId() == userId);
            if (!existed && !hadSessions) {
                txn.staged.remove(guildId); // nothing to write
            }
            return existed || hadSessions;
        });
    }

    @Override
    public void deleteGuild(long guildId) {
        write(txn -> {
            if (guilds.containsKey(guildId)) {
                txn.staged.put(guildId, new GuildData(guildId));
            }
            return null;
        });
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        Map<String, String> puts = Map.copyOf(set);
        List<String> removes = List.copyOf(remove);
        write(txn -> {
            MemberRow r = Objects.requireNonNull(txn.row(guildId, userId, true));
            r.metadata.putAll(puts);
            removes.forEach(r.metadata::remove);
            return null;
        });
    }

    /**
     * Replaces the guild's data with the snapshot's rows exactly, in one atomic file write.
     *
     * @throws StorageException if the write fails (then nothing was written)
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        GuildData g = new GuildData(snapshot.guildId());
        g.config = snapshot.config() == null ? null : withoutFilters(snapshot.config());
        for (GuildSnapshot.Member m : snapshot.members()) {
            g.members.put(m.stats().userId(), MemberRow.of(m.stats(), m.activity()));
        }
        snapshot.sessions().forEach(s -> g.sessions.put(s.id(), s));
        g.allDaysDirty = true;
        write(txn -> {
            txn.staged.put(g.guildId, g);
            return null;
        });
    }

    /** A consistent snapshot (one published version of the guild), without going through the SPI. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        ensureReady();
        GuildData g = guilds.get(guildId);
        if (g == null) {
            return new GuildSnapshot(guildId, null, List.of(), List.of());
        }
        var members = new ArrayList<GuildSnapshot.Member>(g.members.size());
        g.members.forEach((u, r) -> members.add(new GuildSnapshot.Member(
                r.toStats(guildId, u), r.activity(GuildSnapshot.ALL_DAYS.from(), GuildSnapshot.ALL_DAYS.to()))));
        return new GuildSnapshot(guildId, g.config, members, List.copyOf(g.sessions.values()));
    }

    // ---------------------------------------------------------------- reads

    private @Nullable MemberRow published(long guildId, long userId) {
        GuildData g = guilds.get(guildId);
        return g == null ? null : g.members.get(userId);
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        ensureReady();
        GuildData g = guilds.get(guildId);
        return g == null ? Optional.empty() : Optional.ofNullable(g.config);
    }

    @Override
    public List<Long> guildIds() {
        ensureReady();
        var ids = new TreeSet<Long>();
        guilds.forEach((id, g) -> {
            if (g.config != null || !g.members.isEmpty()) {
                ids.add(id);
            }
        });
        return List.copyOf(ids);
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        ensureReady();
        MemberRow r = published(guildId, userId);
        return r == null ? Optional.empty() : Optional.of(r.toStats(guildId, userId));
    }

    private List<LeaderboardEntry> ranked(long guildId, Metric metric, @Nullable DayRange range) {
        Objects.requireNonNull(metric, "metric must not be null");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
        ensureReady();
        GuildData g = guilds.get(guildId);
        if (g == null) {
            return List.of();
        }
        var rows = new ArrayList<LeaderboardEntry>(g.members.size());
        for (var e : g.members.entrySet()) {
            MemberRow r = e.getValue();
            if (range == null) {
                rows.add(new LeaderboardEntry(0, e.getKey(), r.xp, r.voiceMs, r.messages, r.level));
            } else {
                long voice = 0;
                long xp = 0;
                long msgs = 0;
                for (var day :
                        r.daily.subMap(range.from(), true, range.to(), true).values()) {
                    for (long[] v : day.values()) {
                        voice += v[0];
                        xp += v[1];
                        msgs += v[2];
                    }
                }
                if (voice > 0 || xp > 0 || msgs > 0) {
                    rows.add(new LeaderboardEntry(0, e.getKey(), xp, voice, msgs, r.level));
                }
            }
        }
        rows.sort(Comparator.comparingLong((LeaderboardEntry en) -> en.value(metric))
                .reversed()
                .thenComparingLong(LeaderboardEntry::userId));
        return rows;
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
        List<LeaderboardEntry> all = ranked(guildId, metric, range);
        var out = new ArrayList<LeaderboardEntry>();
        for (int i = offset; i < all.size() && i < (long) offset + limit; i++) {
            LeaderboardEntry e = all.get(i);
            out.add(new LeaderboardEntry(i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
        }
        return out;
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        List<LeaderboardEntry> all = ranked(guildId, metric, range);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).userId() == userId) {
                return OptionalInt.of(i + 1);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public long memberCount(long guildId) {
        ensureReady();
        GuildData g = guilds.get(guildId);
        return g == null ? 0 : g.members.size();
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        Objects.requireNonNull(range, "range must not be null");
        ensureReady();
        MemberRow r = published(guildId, userId);
        return r == null ? List.of() : r.activity(range.from(), range.to());
    }

    @Override
    public List<VoiceSession> openSessions() {
        ensureReady();
        var out = new ArrayList<VoiceSession>();
        new TreeMap<>(guilds).values().forEach(g -> g.sessions.values().stream()
                .filter(VoiceSession::open)
                .forEach(out::add));
        return out;
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        ensureReady();
        GuildData g = guilds.get(guildId);
        if (g == null) {
            return List.of();
        }
        return g.sessions.values().stream()
                .filter(s -> s.userId() == userId)
                .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                .limit(limit)
                .toList();
    }

    /**
     * Counts of what is held (from memory) and the bytes of the files under {@link #directory()} (one directory
     * walk). No backup or optimisation: copy the directory while the storage is closed.
     */
    @Override
    public MaintenanceStats maintenanceStats() {
        ensureReady();
        long[] n = new long[3];
        guilds.forEach((id, g) -> {
            if (g.config != null || !g.members.isEmpty()) {
                n[0]++;
            }
            n[1] += g.members.size();
            n[2] += g.sessions.size();
        });
        long size;
        try (var files = java.nio.file.Files.walk(dir)) {
            size = files.filter(java.nio.file.Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return java.nio.file.Files.size(f);
                        } catch (java.io.IOException e) {
                            return 0; // removed meanwhile
                        }
                    })
                    .sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            size = -1;
        }
        return new MaintenanceStats(
                "JSON", n[0], n[1], n[2], size, dir.toAbsolutePath().toString());
    }

    /** Closes the storage; every later call throws. Every write is already on disk. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            closed = true;
        } finally {
            writeLock.unlock();
        }
    }
}

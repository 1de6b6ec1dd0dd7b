package dev.voicetrack.storage.json.internal;

import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a JSON storage directory: reading them at start-up (with crash recovery) and
 * committing a write atomically. The layout and the commit protocol are described on {@code
 * JsonStorage}; the format in {@link GuildCodec}. Not thread safe: the storage's single writer calls
 * {@link #commit}, and {@link #load} runs before any write.
 */
public final class JsonFiles {
    static final String JOURNAL = "commit.journal";
    private static final String JOURNAL_HEADER = "voicetrack-commit 1";
    private static final Logger LOG = LoggerFactory.getLogger("dev.voicetrack.storage.json.JsonStorage");

    private final Path dir;
    private final FileOps ops;
    /** Ends this run's temp file names ({@code .<run token>.tmp}); set by {@link #load}. */
    private String tempSuffix = ".tmp";

    public JsonFiles(Path dir, FileOps ops) {
        this.dir = dir;
        this.ops = ops;
    }

    /** What a commit needs from the storage: the published guilds, and where the new state goes. */
    public interface Publisher {
        /** The published guild, or null. */
        @Nullable
        GuildData published(long guildId);

        /** Makes committed changes visible (called once the commit point is on disk). */
        void publish(Collection<GuildChange> changed);

        /** The storage needs a restart: a committed write could not be completed on disk. */
        void broken(String why);
    }

    /**
     * Creates the directory if needed (read-write only), completes a commit that a crash interrupted,
     * and reads every guild file and the activity files they reference. Deletes nothing but a completed
     * commit journal; files an earlier run left uncommitted are kept and logged.
     *
     * @return the guilds read, by id
     * @throws StorageException naming the file if a guild or activity file cannot be read or parsed,
     *     naming the files and the guild if activity files have no guild file, or if the directory
     *     cannot be used (in each case no file is changed)
     */
    public Map<Long, GuildData> load(boolean readOnly) {
        try {
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
                Long committed = g.dayFiles().get(LocalDate.parse(m.group(2)));
                if (committed == null || committed != gen) {
                    unreferenced.add(f); // uncommitted, or superseded, by a write of an earlier run
                }
            }
            if (!orphans.isEmpty()) {
                throw new StorageException(orphanMessage(orphans));
            }
            for (GuildData g : loaded.values()) {
                for (var e : g.dayFiles().entrySet()) {
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
            return loaded;
        } catch (IOException e) {
            throw new StorageException("cannot open JSON storage in " + dir + ": " + e, e);
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

    /**
     * Writes the files of the changed guilds, then publishes them: first each dirty day's activity
     * file under a new generation (unreferenced, so harmless until the commit), then the guild files
     * (an emptied guild is written too, as an empty guild file), whose rename (or, for several guilds,
     * the journal's) is the commit point. Only once the commit is durable are the files it superseded
     * deleted: the day files the old guild files referenced, then the emptied guild files (after their
     * day files, so that a crash never leaves day files without their guild file). A write that fails
     * before its commit deletes the files it created and nothing else.
     */
    public void commit(Collection<GuildChange> changed, Publisher publisher) {
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
            for (GuildChange g : changed) {
                wroteDays |= writeDays(g, publisher.published(g.guildId), created, superseded);
            }
            if (wroteDays) {
                ops.syncDirectory(dir);
            }
            for (GuildChange g : changed) {
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
            GuildChange g = changed.iterator().next();
            try {
                ops.rename(temps.get(0), dir.resolve(fileName(g.guildId))); // the commit point
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temps);
                deleteQuietly(created);
                throw new StorageException("write failed, nothing was written: " + e, e);
            }
            publisher.publish(changed);
            if (syncAfterCommit(publisher)) {
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
        publisher.publish(changed);
        try {
            ops.syncDirectory(dir);
            for (GuildChange g : changed) {
                ops.rename(dir.resolve(fileName(g.guildId) + tempSuffix), dir.resolve(fileName(g.guildId)));
            }
            ops.syncDirectory(dir);
            ops.delete(journalFile); // written by this write, and every rename it lists is done
            ops.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            // Committed (the journal is on disk and init() completes it), but the files lag behind.
            publisher.broken("a committed write could not be completed (" + e + "); init() on restart completes it");
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
    private boolean writeDays(GuildChange g, @Nullable GuildData old, List<Path> created, List<Path> superseded)
            throws IOException {
        if (old != null) {
            g.lastGeneration = Math.max(g.lastGeneration, old.lastGeneration);
        }
        boolean empty = g.isEmpty();
        if (empty) {
            g.dayFiles().clear(); // an emptied guild's file references no day file
        }
        var days = new TreeSet<LocalDate>(g.dirtyDays);
        if (g.allDaysDirty) {
            days.addAll(g.allActiveDays());
        }
        boolean wrote = false;
        if (!days.isEmpty() && !empty) {
            long[] ids = g.memberIds();
            for (LocalDate day : days) {
                var users = new ArrayList<Long>();
                for (long u : ids) {
                    if (Objects.requireNonNull(g.member(u)).hasActivityOn(day)) {
                        users.add(u);
                    }
                }
                List<long[]> hours = g.hourlyRowsOf(day);
                if (users.isEmpty() && hours.isEmpty()) {
                    g.dayFiles().remove(day);
                } else {
                    long gen;
                    Path f;
                    do { // never reuse the name of a file that exists, whoever wrote it
                        gen = ++g.lastGeneration;
                        f = dir.resolve(dayFileName(g.guildId, day, gen));
                    } while (Files.exists(f));
                    created.add(f);
                    try {
                        ops.writeAndSync(f, GuildCodec.writeDay(g, day, users, hours));
                    } catch (FileAlreadyExistsException e) {
                        created.remove(f); // not ours: appeared since the check, and is left alone
                        throw e;
                    }
                    g.dayFiles().put(day, gen);
                    wrote = true;
                }
            }
        }
        if (old != null) {
            old.dayFiles().forEach((day, gen) -> {
                if (!gen.equals(g.dayFiles().get(day))) {
                    superseded.add(dir.resolve(dayFileName(g.guildId, day, gen)));
                }
            });
        }
        return wrote;
    }

    /** Forces the commit's rename to disk; false (and the storage needs a restart) if that failed. */
    private boolean syncAfterCommit(Publisher publisher) {
        try {
            ops.syncDirectory(dir);
            return true;
        } catch (IOException | RuntimeException e) {
            publisher.broken("the directory could not be forced to disk after a rename (" + e + ")");
            return false;
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
}

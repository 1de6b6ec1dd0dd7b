package dev.voicetrack.storage.json;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import dev.voicetrack.core.storage.kernel.GuildModel;
import dev.voicetrack.core.storage.kernel.HourPrune;
import dev.voicetrack.core.storage.kernel.HourSum;
import dev.voicetrack.core.storage.kernel.LevelRule;
import dev.voicetrack.core.storage.kernel.MemberFold;
import dev.voicetrack.core.storage.kernel.MemberRecord;
import dev.voicetrack.storage.json.internal.FileOps;
import dev.voicetrack.storage.json.internal.GuildChange;
import dev.voicetrack.storage.json.internal.GuildCodec;
import dev.voicetrack.storage.json.internal.GuildData;
import dev.voicetrack.storage.json.internal.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
 *   <li><b>Memory is a cache of the files.</b> {@link #init()} reads every file into the storage
 *       kernel's in-memory model ({@link GuildModel}, the one {@code InMemoryStorage} uses); reads are
 *       then served from memory without I/O. Every write stages copies of the rows it changes over the
 *       published guild ({@code GuildChange}), writes the files from that view, and only then publishes
 *       the copies into the model: a write that fails leaves memory and files as they were. One
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
 *   <li><b>Versioned format</b> ({@code "version": 1} guild files and {@code "version": 2} day files,
 *       which add the guild's hourly activity of the day; described in {@code GuildCodec}); instants
 *       keep their milliseconds (ISO-8601 with fraction).
 * </ul>
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread; writes are serialised by one
 * lock and write their files without blocking readers; reads share a read-write lock with the short
 * publication step of a write. <b>Cost:</b> a tick costs serialising and writing the guild file (about
 * 1.3 MB for 10,000 members) and today's activity file; all-time leaderboards and ranks are O(log n)
 * from the model's rank indexes (re-positioning the members a write changed at the next query),
 * windowed ones sum the days in the window. Sessions are never deleted by the tracker, so the guild file
 * grows with them. One process must own a directory.
 */
public final class JsonStorage extends AbstractStorage implements StorageMaintenance {

    private final Path dir;
    private final JsonFiles files;
    private final boolean readOnly;
    /** Serialises writes (staging, files, publication). */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Readers share it; a write takes it exclusively only to publish. */
    private final ReentrantReadWriteLock published = new ReentrantReadWriteLock();

    private final ConcurrentHashMap<Long, GuildData> guilds = new ConcurrentHashMap<>();

    private final JsonFiles.Publisher publisher = new JsonFiles.Publisher() {
        @Override
        public @Nullable GuildData published(long guildId) {
            return guilds.get(guildId);
        }

        @Override
        public void publish(Collection<GuildChange> changed) {
            published.writeLock().lock();
            try {
                for (GuildChange c : changed) {
                    GuildData g = guilds.get(c.guildId);
                    if (c.isEmpty()) {
                        if (g != null) {
                            guilds.remove(c.guildId);
                            g.drop();
                        }
                    } else {
                        if (g == null) {
                            g = new GuildData(c.guildId);
                            guilds.put(c.guildId, g);
                        }
                        g.publish(c);
                    }
                }
            } finally {
                published.writeLock().unlock();
            }
        }

        @Override
        public void broken(String why) {
            lifecycle.markBroken("JSON storage in " + dir + " needs a restart: " + why);
        }
    };

    private JsonStorage(Path dir, FileOps ops, boolean readOnly) {
        this.dir = dir;
        this.files = new JsonFiles(dir, ops);
        this.readOnly = readOnly;
    }

    /**
     * A storage over the files of {@code directory} (created by {@link #init()} if missing). Nothing is
     * read before {@link #init()}.
     *
     * @throws NullPointerException if directory is null
     */
    public static JsonStorage open(Path directory) {
        return new JsonStorage(Objects.requireNonNull(directory, "directory must not be null"), new FileOps(), false);
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
        return new JsonStorage(directory, ops, false);
    }

    /** The directory holding the guild files. */
    public Path directory() {
        return dir;
    }

    /**
     * Creates the directory if needed, completes a commit that a crash interrupted, and reads every
     * guild file and the activity files they reference. Deletes nothing but a completed commit
     * journal; files an earlier run left uncommitted are kept and logged. Called by {@link #init()}
     * (which is idempotent).
     *
     * @throws StorageException naming the file if a guild or activity file cannot be read or parsed,
     *     naming the files and the guild if activity files have no guild file (in each case no file is
     *     changed and the storage stays unusable), or if the directory cannot be used
     */
    @Override
    protected void open() {
        writeLock.lock();
        try {
            guilds.putAll(files.load(readOnly));
        } finally {
            writeLock.unlock();
        }
    }

    /** Waits for a write in flight; every write is already on disk. */
    @Override
    protected void release() {
        writeLock.lock();
        writeLock.unlock();
    }

    @Override
    public int schemaVersion() {
        return GuildCodec.VERSION;
    }

    // ---------------------------------------------------------------- writes

    /** The changes of one write: one staged change per guild it touches. */
    private final class Txn {
        final Map<Long, GuildChange> staged = new LinkedHashMap<>();

        GuildChange guild(long guildId) {
            return staged.computeIfAbsent(guildId, g -> new GuildChange(g, guilds.get(g)));
        }

        MemberRecord row(long guildId, long userId) {
            return Objects.requireNonNull(guild(guildId).rowForWrite(userId, true));
        }
    }

    private <T> T write(Function<Txn, T> body) {
        writeLock.lock();
        try {
            checkReady();
            if (readOnly) {
                throw new StorageException("JSON storage in " + dir + " is open read-only, nothing was written");
            }
            Txn txn = new Txn();
            T result = body.apply(txn);
            files.commit(txn.staged.values(), publisher);
            return result;
        } finally {
            writeLock.unlock();
        }
    }

    private <T> T read(java.util.function.Supplier<T> body) {
        published.readLock().lock();
        try {
            return body.get();
        } finally {
            published.readLock().unlock();
        }
    }

    @Override
    protected void writeConfig(long guildId, GuildConfig stored) {
        write(txn -> {
            txn.guild(guildId).config(stored);
            return null;
        });
    }

    @Override
    protected List<MemberTotals> writeFolded(FoldedBatch batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        return write(txn -> {
            var out = new ArrayList<MemberTotals>(batch.members().size());
            for (MemberFold f : batch.members()) {
                GuildChange g = txn.guild(f.guildId());
                MemberRecord r = txn.row(f.guildId(), f.userId());
                GuildModel.addTo(r, f); // checks overflow first; a failure drops the whole write
                f.forEachDay(g.dirtyDays::add);
                out.add(new MemberTotals(f.guildId(), f.userId(), r.xp(), r.level(), r.voiceMs()));
            }
            for (HourPrune p : batch.prunes()) {
                txn.guild(p.guildId()).pruneHours(p.keptFrom());
            }
            for (HourSum h : batch.hours()) {
                txn.guild(h.guildId()).addHour(h); // checks overflow; a failure drops the whole write
            }
            for (VoiceSession s : batch.sessions()) {
                txn.guild(s.guildId()).sessionsForWrite().put(s.id(), s);
            }
            return out;
        });
    }

    @Override
    protected List<LevelChange> writeLevelRaises(List<LevelRaise> raises) {
        List<LevelRaise> todo = read(() -> raises.stream()
                .filter(r -> {
                    MemberRecord row = publishedRow(r.guildId(), r.userId());
                    return row != null && LevelRule.raises(row.level(), r.level());
                })
                .toList());
        if (todo.isEmpty()) {
            return List.of();
        }
        return write(txn -> {
            var out = new ArrayList<LevelChange>();
            for (LevelRaise raise : todo) {
                MemberRecord r = txn.guild(raise.guildId()).rowForWrite(raise.userId(), false);
                LevelChange c = r == null ? null : LevelRule.apply(raise, r.level(), r.xp());
                if (c != null) {
                    r.setLevel(c.newLevel());
                    out.add(c);
                }
            }
            return out;
        });
    }

    @Override
    protected MemberTotals writeXp(long guildId, long userId, long xp, int level) {
        return write(txn -> {
            MemberRecord r = txn.row(guildId, userId);
            r.setXp(xp);
            r.setLevel(level);
            return new MemberTotals(guildId, userId, r.xp(), r.level(), r.voiceMs());
        });
    }

    @Override
    protected MemberTotals writeLevel(long guildId, long userId, int level) {
        return write(txn -> {
            MemberRecord r = txn.row(guildId, userId);
            r.setLevel(level);
            return new MemberTotals(guildId, userId, r.xp(), r.level(), r.voiceMs());
        });
    }

    @Override
    protected boolean resetMemberRows(long guildId, long userId) {
        if (read(() -> publishedRow(guildId, userId)) == null) {
            return false;
        }
        return write(txn -> {
            GuildChange g = txn.guild(guildId);
            MemberRecord old = g.member(userId);
            if (old == null) {
                return false;
            }
            g.dirtyDays.addAll(old.activeDays());
            g.put(old.resetCopy());
            g.sessionsForWrite().values().removeIf(s -> s.userId() == userId);
            return true;
        });
    }

    @Override
    protected boolean deleteMemberRows(long guildId, long userId) {
        return write(txn -> {
            if (!guilds.containsKey(guildId)) {
                return false;
            }
            GuildChange g = txn.guild(guildId);
            MemberRecord removed = g.remove(userId);
            if (removed != null) {
                g.dirtyDays.addAll(removed.activeDays());
            }
            boolean hadSessions = g.sessionsForWrite().values().removeIf(s -> s.userId() == userId);
            if (removed == null && !hadSessions) {
                txn.staged.remove(guildId); // nothing to write
            }
            return removed != null || hadSessions;
        });
    }

    @Override
    protected void deleteGuildRows(long guildId) {
        write(txn -> {
            if (guilds.containsKey(guildId)) {
                txn.guild(guildId).clear();
            }
            return null;
        });
    }

    @Override
    protected void writeMetadata(long guildId, long userId, Map<String, String> set, List<String> remove) {
        write(txn -> {
            txn.row(guildId, userId).editMetadata(set, remove);
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
        var rows = new ArrayList<MemberRecord>(snapshot.members().size());
        for (GuildSnapshot.Member m : snapshot.members()) {
            rows.add(MemberRecord.of(m.stats(), m.activity()));
        }
        GuildConfig config = snapshot.config() == null ? null : GuildConfigCodec.withoutFilters(snapshot.config());
        write(txn -> {
            GuildChange g = txn.guild(snapshot.guildId());
            g.clear();
            g.config(config);
            rows.forEach(g::put);
            snapshot.sessions().forEach(s -> g.sessionsForWrite().put(s.id(), s));
            g.allDaysDirty = true;
            return null;
        });
    }

    /** A consistent snapshot (one published version of the guild), without going through the SPI. */
    @Override
    public GuildSnapshot exportGuild(long guildId) {
        checkReady();
        return read(() -> {
            GuildData g = guilds.get(guildId);
            if (g == null) {
                return new GuildSnapshot(guildId, null, List.of(), List.of());
            }
            var members = new ArrayList<GuildSnapshot.Member>(g.model().size());
            g.model()
                    .forEach(r -> members.add(new GuildSnapshot.Member(
                            r.toStats(guildId),
                            r.activity(GuildSnapshot.ALL_DAYS.from(), GuildSnapshot.ALL_DAYS.to()))));
            return new GuildSnapshot(
                    guildId, g.config(), members, List.copyOf(g.sessions().values()));
        });
    }

    // ---------------------------------------------------------------- reads

    private @Nullable MemberRecord publishedRow(long guildId, long userId) {
        GuildData g = guilds.get(guildId);
        return g == null ? null : g.model().get(userId);
    }

    @Override
    protected Optional<GuildConfig> readConfig(long guildId) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            return g == null ? Optional.empty() : Optional.ofNullable(g.config());
        });
    }

    @Override
    protected List<Long> readGuildIds() {
        return read(() -> {
            var ids = new TreeSet<Long>();
            guilds.forEach((id, g) -> {
                if (g.config() != null || !g.model().isEmpty()) {
                    ids.add(id);
                }
            });
            return List.copyOf(ids);
        });
    }

    @Override
    protected Optional<MemberStats> readMember(long guildId, long userId) {
        return read(() -> {
            MemberRecord r = publishedRow(guildId, userId);
            return r == null ? Optional.<MemberStats>empty() : Optional.of(r.toStats(guildId));
        });
    }

    @Override
    protected void readMembers(long guildId, Consumer<? super MemberStats> action) {
        List<MemberStats> members = read(() -> {
            GuildData g = guilds.get(guildId);
            var out = new ArrayList<MemberStats>(g == null ? 0 : g.model().size());
            if (g != null) {
                g.model().forEach(r -> out.add(r.toStats(guildId)));
            }
            return out;
        });
        members.forEach(action);
    }

    @Override
    protected List<LeaderboardEntry> readLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            return g == null ? List.<LeaderboardEntry>of() : g.model().leaderboard(metric, range, limit, offset);
        });
    }

    @Override
    protected OptionalInt readRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            return g == null ? OptionalInt.empty() : g.model().rank(userId, metric, range);
        });
    }

    @Override
    protected long countMembers(long guildId) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            return g == null ? 0L : (long) g.model().size();
        });
    }

    @Override
    protected List<ActivityRow> readActivity(long guildId, long userId, DayRange range) {
        return read(() -> {
            MemberRecord r = publishedRow(guildId, userId);
            return r == null ? List.<ActivityRow>of() : r.activity(range.from(), range.to());
        });
    }

    @Override
    protected List<long[]> readHourly(long guildId, long from, long end) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            return g == null ? List.<long[]>of() : g.hourly(from, end);
        });
    }

    @Override
    protected List<VoiceSession> readOpenSessions() {
        return read(() -> {
            var out = new ArrayList<VoiceSession>();
            new TreeMap<>(guilds).values().forEach(g -> g.sessions().values().stream()
                    .filter(VoiceSession::open)
                    .forEach(out::add));
            return out;
        });
    }

    @Override
    protected List<VoiceSession> readSessions(long guildId, long userId, int limit) {
        return read(() -> {
            GuildData g = guilds.get(guildId);
            if (g == null) {
                return List.<VoiceSession>of();
            }
            return g.sessions().values().stream()
                    .filter(s -> s.userId() == userId)
                    .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                    .limit(limit)
                    .toList();
        });
    }

    /**
     * Counts of what is held (from memory) and the bytes of the files under {@link #directory()} (one directory
     * walk). No backup or optimisation: copy the directory while the storage is closed.
     */
    @Override
    public MaintenanceStats maintenanceStats() {
        checkReady();
        long[] n = read(() -> {
            long[] c = new long[3];
            guilds.forEach((id, g) -> {
                if (g.config() != null || !g.model().isEmpty()) {
                    c[0]++;
                }
                c[1] += g.model().size();
                c[2] += g.sessions().size();
            });
            return c;
        });
        long size;
        try (var all = Files.walk(dir)) {
            size = all.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // removed meanwhile
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            size = -1;
        }
        return new MaintenanceStats(
                "JSON", n[0], n[1], n[2], size, dir.toAbsolutePath().toString());
    }
}

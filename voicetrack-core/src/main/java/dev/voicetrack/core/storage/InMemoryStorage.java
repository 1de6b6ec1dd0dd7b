package dev.voicetrack.core.storage;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.kernel.AbstractStorage;
import dev.voicetrack.core.storage.kernel.BatchFold;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import dev.voicetrack.core.storage.kernel.GuildModel;
import dev.voicetrack.core.storage.kernel.HourPrune;
import dev.voicetrack.core.storage.kernel.HourSum;
import dev.voicetrack.core.storage.kernel.HourlyModel;
import dev.voicetrack.core.storage.kernel.LongObjectMap;
import dev.voicetrack.core.storage.kernel.MemberFold;
import dev.voicetrack.core.storage.kernel.MemberRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} in memory, for tests, demos and bots that do not need persistence. Built on the
 * storage kernel: {@link AbstractStorage} checks arguments and the lifecycle, and each guild's members
 * live in a {@link GuildModel} (exact O(log n) ranks and leaderboards; see there).
 *
 * <h2>Concurrency</h2>
 *
 * <p>One read-write lock: batches and admin operations take the write lock, so they are atomic and
 * readers never see half a batch; queries take the read lock and run in parallel.
 *
 * <h2>Writes</h2>
 *
 * <p>{@link #apply} resolves each delta's member once (members live in a primitive {@code long}-keyed
 * open-addressing map per guild) and adds to it in one pass through the kernel's rules ({@link
 * GuildModel#add(MemberDelta)}), without folding the batch first. Nothing is written if a total would
 * overflow: the batch's sums are added first to a ceiling above every stored total, and only if that
 * overflows (never in practice) does it take the kernel's folded path, which checks every member's
 * totals before adding anything. Cost: O(deltas + sessions), no sorting and no per-member allocation
 * beyond the returned totals. The batch's hourly sums come from the kernel ({@link
 * BatchFold#hours}) and are added, with the prunes due, under the same write lock.
 */
// "try": lock scopes are try-with-resources blocks whose resource is never referenced in the body
@SuppressWarnings("try")
public final class InMemoryStorage extends AbstractStorage implements StorageMaintenance {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, GuildConfig> configs = new HashMap<>();
    private final LongObjectMap<GuildModel> guilds = new LongObjectMap<>();
    private final LongObjectMap<HourlyModel> hourly = new LongObjectMap<>();
    private final Map<String, VoiceSession> sessions = new LinkedHashMap<>();
    private long writeId;
    /**
     * At least every total any member holds (xp, voice time, messages, sessions): a batch whose sums
     * added to it do not overflow cannot overflow any total, so it is applied in one pass.
     */
    private long ceiling;

    /** A new, empty storage; call {@link #init()} before use. */
    public InMemoryStorage() {}

    @Override
    protected void open() {}

    @Override
    protected void release() {
        // Wait for operations in flight; the lifecycle already refuses new ones.
        lock.writeLock().lock();
        lock.writeLock().unlock();
    }

    @Override
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    private Locked read() {
        lock.readLock().lock();
        return () -> lock.readLock().unlock();
    }

    private Locked write() {
        lock.writeLock().lock();
        try {
            checkReady(); // close() may have run since the caller's check
        } catch (RuntimeException e) {
            lock.writeLock().unlock();
            throw e;
        }
        return () -> lock.writeLock().unlock();
    }

    @FunctionalInterface
    private interface Locked extends AutoCloseable {
        @Override
        void close();
    }

    private GuildModel model(long guildId) {
        GuildModel g = guilds.get(guildId);
        if (g == null) {
            g = new GuildModel(guildId);
            guilds.put(guildId, g);
        }
        return g;
    }

    private void raiseCeiling(long total) {
        if (total > ceiling) {
            ceiling = total;
        }
    }

    private static long largest(MemberRecord r) {
        return Math.max(Math.max(r.voiceMs(), r.xp()), Math.max(r.messages(), r.sessions()));
    }

    // ------------------------------------------------------------------ writes

    @Override
    protected void writeConfig(long guildId, GuildConfig stored) {
        try (var l = write()) {
            configs.put(guildId, stored);
        }
    }

    @Override
    protected List<MemberTotals> writeBatch(Batch batch) {
        List<MemberDelta> deltas = batch.deltas();
        long sumVoiceMs = 0;
        long sumXp = 0;
        long sumMessages = 0;
        long sumSessions = 0;
        long largest;
        try {
            for (MemberDelta d : deltas) {
                sumVoiceMs = Math.addExact(sumVoiceMs, d.voiceMs());
                sumXp = Math.addExact(sumXp, d.xp());
                sumMessages = Math.addExact(sumMessages, d.messages());
                sumSessions = Math.addExact(sumSessions, d.sessions());
            }
            largest = Math.max(Math.max(sumVoiceMs, sumXp), Math.max(sumMessages, sumSessions));
        } catch (ArithmeticException maybeOverflow) {
            largest = -1; // the batch's sums alone overflow: let the fold find the member
        }
        List<HourSum> hours = BatchFold.hours(deltas);
        List<HourPrune> prunes = hourlyPruning.due(hours);
        List<MemberTotals> out = writeLocked(batch, largest, hours, prunes);
        hourlyPruning.done(prunes);
        return out;
    }

    private List<MemberTotals> writeLocked(Batch batch, long largest, List<HourSum> hours, List<HourPrune> prunes) {
        List<MemberDelta> deltas = batch.deltas();
        try (var l = write()) {
            if (largest < 0 || ceiling > Long.MAX_VALUE - largest) {
                return applyFolded(BatchFold.fold(batch).withPrunes(prunes));
            }
            checkHoursFit(hours);
            // No total can overflow: every member's totals stay below ceiling + the batch's sums.
            long id = ++writeId;
            var touched = new ArrayList<MemberRecord>(Math.min(deltas.size(), 1 << 20));
            GuildModel g = null;
            for (MemberDelta d : deltas) {
                if (g == null || g.guildId() != d.guildId()) {
                    g = model(d.guildId());
                }
                MemberRecord r = g.getOrCreate(d.userId());
                if (r.touch(id)) {
                    touched.add(r);
                }
                g.add(r, d);
            }
            ceiling += largest;
            applyHours(hours, prunes);
            for (VoiceSession s : batch.sessions()) {
                sessions.put(s.id(), s);
            }
            var out = new ArrayList<MemberTotals>(touched.size());
            for (MemberRecord r : touched) {
                out.add(new MemberTotals(r.guildId(), r.userId(), r.xp(), r.level(), r.voiceMs()));
            }
            return out;
        }
    }

    /** The checked path: every member's totals are checked before anything is added. */
    @Override
    protected List<MemberTotals> writeFolded(FoldedBatch batch) {
        try (var l = write()) {
            return applyFolded(batch);
        }
    }

    private List<MemberTotals> applyFolded(FoldedBatch batch) {
        for (MemberFold f : batch.members()) {
            GuildModel g = guilds.get(f.guildId());
            MemberRecord r = g == null ? null : g.get(f.userId());
            if (r == null) {
                f.checkFits(0, 0, 0, 0);
            } else {
                f.checkFits(r.voiceMs(), r.xp(), r.messages(), r.sessions());
            }
        }
        checkHoursFit(batch.hours());
        var out = new ArrayList<MemberTotals>(batch.members().size());
        for (MemberFold f : batch.members()) {
            MemberRecord r = model(f.guildId()).add(f);
            raiseCeiling(largest(r));
            out.add(new MemberTotals(f.guildId(), f.userId(), r.xp(), r.level(), r.voiceMs()));
        }
        applyHours(batch.hours(), batch.prunes());
        for (VoiceSession s : batch.sessions()) {
            sessions.put(s.id(), s);
        }
        return out;
    }

    private void checkHoursFit(List<HourSum> hours) {
        for (int i = 0; i < hours.size(); i++) {
            long guildId = hours.get(i).guildId();
            if (i == 0 || hours.get(i - 1).guildId() != guildId) {
                HourlyModel h = hourly.get(guildId);
                if (h != null) {
                    h.checkFits(guildId, hours);
                }
            }
        }
    }

    private void applyHours(List<HourSum> hours, List<HourPrune> prunes) {
        for (HourPrune p : prunes) {
            HourlyModel h = hourly.get(p.guildId());
            if (h != null) {
                h.prune(p.keptFrom());
            }
        }
        HourlyModel h = null;
        long guildId = 0;
        for (HourSum s : hours) {
            if (h == null || guildId != s.guildId()) {
                guildId = s.guildId();
                h = hourly.get(guildId);
                if (h == null) {
                    h = new HourlyModel();
                    hourly.put(s.guildId(), h);
                }
            }
            h.add(s);
        }
    }

    @Override
    protected List<LevelChange> writeLevelRaises(List<LevelRaise> raises) {
        try (var l = write()) {
            var out = new ArrayList<LevelChange>();
            for (LevelRaise raise : raises) {
                GuildModel g = guilds.get(raise.guildId());
                LevelChange c = g == null ? null : g.raise(raise);
                if (c != null) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    @Override
    protected MemberTotals writeXp(long guildId, long userId, long xp, int level) {
        try (var l = write()) {
            MemberRecord r = model(guildId).setXp(userId, xp, level);
            raiseCeiling(xp);
            return new MemberTotals(guildId, userId, r.xp(), r.level(), r.voiceMs());
        }
    }

    @Override
    protected MemberTotals writeLevel(long guildId, long userId, int level) {
        try (var l = write()) {
            MemberRecord r = model(guildId).setLevel(userId, level);
            return new MemberTotals(guildId, userId, r.xp(), r.level(), r.voiceMs());
        }
    }

    @Override
    protected boolean resetMemberRows(long guildId, long userId) {
        try (var l = write()) {
            GuildModel g = guilds.get(guildId);
            if (g == null || !g.reset(userId)) {
                return false;
            }
            sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return true;
        }
    }

    @Override
    protected boolean deleteMemberRows(long guildId, long userId) {
        try (var l = write()) {
            GuildModel g = guilds.get(guildId);
            MemberRecord r = g == null ? null : g.remove(userId);
            boolean hadSessions = sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return r != null || hadSessions;
        }
    }

    @Override
    protected void deleteGuildRows(long guildId) {
        try (var l = write()) {
            dropGuild(guildId);
        }
    }

    private void dropGuild(long guildId) {
        configs.remove(guildId);
        GuildModel g = guilds.remove(guildId);
        if (g != null) {
            g.dropAll();
        }
        sessions.values().removeIf(s -> s.guildId() == guildId);
        hourly.remove(guildId);
    }

    @Override
    protected void writeMetadata(long guildId, long userId, Map<String, String> set, List<String> remove) {
        try (var l = write()) {
            model(guildId).getOrCreate(userId).editMetadata(set, remove);
        }
    }

    /**
     * Writes the snapshot's rows as they are, atomically under the write lock (the default replays
     * increments, which cannot rebuild a streak left by a late increment). The guild's rank indexes
     * start unbuilt, so its next query rebuilds them.
     */
    @Override
    public void importGuild(GuildSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        checkReady();
        long guildId = snapshot.guildId();
        GuildConfig config = snapshot.config();
        try (var l = write()) {
            dropGuild(guildId);
            if (config != null) {
                configs.put(guildId, GuildConfigCodec.withoutFilters(config));
            }
            GuildModel g = model(guildId);
            for (GuildSnapshot.Member m : snapshot.members()) {
                MemberRecord r = MemberRecord.of(m.stats(), m.activity());
                g.put(r);
                raiseCeiling(largest(r));
            }
            snapshot.sessions().forEach(s -> sessions.put(s.id(), s));
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    protected Optional<GuildConfig> readConfig(long guildId) {
        try (var l = read()) {
            return Optional.ofNullable(configs.get(guildId));
        }
    }

    @Override
    protected List<Long> readGuildIds() {
        try (var l = read()) {
            var ids = new TreeSet<Long>(configs.keySet());
            guilds.forEachValue(g -> {
                if (!g.isEmpty()) {
                    ids.add(g.guildId());
                }
            });
            return List.copyOf(ids);
        }
    }

    /** Counts of what is held; the size is unknown (-1). No backup, no optimisation. */
    @Override
    public MaintenanceStats maintenanceStats() {
        checkReady();
        try (var l = read()) {
            var ids = new TreeSet<Long>(configs.keySet());
            long[] users = {0};
            guilds.forEachValue(g -> {
                if (!g.isEmpty()) {
                    ids.add(g.guildId());
                    users[0] += g.size();
                }
            });
            return new MaintenanceStats("in-memory", ids.size(), users[0], sessions.size(), -1, "");
        }
    }

    private @Nullable MemberRecord record(long guildId, long userId) {
        GuildModel g = guilds.get(guildId);
        return g == null ? null : g.get(userId);
    }

    @Override
    protected Optional<MemberStats> readMember(long guildId, long userId) {
        try (var l = read()) {
            MemberRecord r = record(guildId, userId);
            return r == null ? Optional.empty() : Optional.of(r.toStats(guildId));
        }
    }

    @Override
    protected void readMembers(long guildId, Consumer<? super MemberStats> action) {
        var members = new ArrayList<MemberStats>();
        try (var l = read()) {
            GuildModel g = guilds.get(guildId);
            if (g != null) {
                g.forEach(r -> members.add(r.toStats(guildId)));
            }
        }
        members.forEach(action);
    }

    @Override
    protected List<LeaderboardEntry> readLeaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        try (var l = read()) {
            GuildModel g = guilds.get(guildId);
            return g == null ? List.of() : g.leaderboard(metric, range, limit, offset);
        }
    }

    @Override
    protected OptionalInt readRank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        try (var l = read()) {
            GuildModel g = guilds.get(guildId);
            return g == null ? OptionalInt.empty() : g.rank(userId, metric, range);
        }
    }

    @Override
    protected long countMembers(long guildId) {
        try (var l = read()) {
            GuildModel g = guilds.get(guildId);
            return g == null ? 0 : g.size();
        }
    }

    @Override
    protected List<ActivityRow> readActivity(long guildId, long userId, DayRange range) {
        try (var l = read()) {
            MemberRecord r = record(guildId, userId);
            return r == null ? List.of() : r.activity(range.from(), range.to());
        }
    }

    @Override
    protected List<long[]> readHourly(long guildId, long from, long end) {
        try (var l = read()) {
            HourlyModel h = hourly.get(guildId);
            return h == null ? List.of() : h.rows(from, end);
        }
    }

    @Override
    protected List<VoiceSession> readOpenSessions() {
        try (var l = read()) {
            return sessions.values().stream().filter(VoiceSession::open).toList();
        }
    }

    @Override
    protected List<VoiceSession> readSessions(long guildId, long userId, int limit) {
        try (var l = read()) {
            return sessions.values().stream()
                    .filter(s -> s.guildId() == guildId && s.userId() == userId)
                    .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                    .limit(limit)
                    .toList();
        }
    }
}

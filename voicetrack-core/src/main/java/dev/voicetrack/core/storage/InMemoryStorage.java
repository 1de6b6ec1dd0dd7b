package dev.voicetrack.core.storage;

import dev.voicetrack.core.ChannelFilter;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberFilter;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.kernel.LongObjectMap;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} in memory, for tests, demos and bots that do not need persistence.
 *
 * <h2>Concurrency</h2>
 *
 * <p>One read-write lock: batches and admin operations take the write lock, so they are atomic and
 * readers never see half a batch; queries take the read lock and run in parallel.
 *
 * <h2>Writes</h2>
 *
 * <p>{@link #apply} resolves each delta's member once (members live in a primitive {@code long}-keyed
 * open-addressing map per guild, so a lookup touches no boxed key or entry object) and adds to it in
 * one pass. Nothing is written if a total would overflow: the batch's sums are added first to a
 * ceiling above every stored total, and only if that overflows (never in practice) does it take a
 * checked path that resolves every member and checks its totals before adding anything. Each member caches its last channel and day entry, so the
 * usual tick (same channel, same day as the last one) adds without any map lookup. Cost: O(deltas +
 * sessions), no sorting and no per-member allocation beyond the returned totals.
 *
 * <h2>Ranks and leaderboards</h2>
 *
 * <p>All-time leaderboards and ranks (xp, voice time, level, messages) are answered from one {@link
 * RankIndex} per guild and metric: exact, O(log n) per rank and O(log n + limit) per page, in the
 * contract's order (metric descending, ties by user id ascending). The indexes are maintained
 * lazily, because writes are the hot path (a tick changes the XP and voice time of every member in
 * voice) and reads are comparatively rare: a write only marks the member dirty for the metrics it
 * changed (a flag and a list append); the first query of a (guild, metric) after writes re-positions
 * the dirty members (remove the old entry, insert the new one), or rebuilds the index with one sort
 * when more than an eighth of the guild is dirty, or when it was never queried. Deletes and resets
 * remove their entries at once. Re-positioning runs under the read lock plus a monitor on that one
 * index, so queries of other metrics and guilds are not held up, and each index touches only its own
 * per-member fields.
 *
 * <p>Windowed leaderboards (the last N days) are computed on demand from the daily activity: O(n ·
 * days in the window) to sum, then a sort of the members active in the window for a page, or a
 * single counting pass for a rank (no sort).
 */
// "try": lock scopes are try-with-resources blocks whose resource is never referenced in the body
@SuppressWarnings("try")
public final class InMemoryStorage implements Storage, StorageMaintenance {

    private static final Metric[] METRIC = Metric.values();
    private static final int METRICS = METRIC.length;
    private static final byte IN_INDEX = 1;
    private static final byte DIRTY = 2;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, GuildConfig> configs = new HashMap<>();
    private final LongObjectMap<GuildData> members = new LongObjectMap<>();
    private final Map<String, VoiceSession> sessions = new LinkedHashMap<>();
    private long applyEpoch;
    /**
     * At least every total any member holds (xp, voice time, messages, sessions): a batch whose sums
     * added to it do not overflow cannot overflow any total, so it is applied in one pass.
     */
    private long ceiling;

    private boolean initialized;
    private boolean closed;

    /** A new, empty storage; call {@link #init()} before use. */
    public InMemoryStorage() {}

    private static final class GuildData {
        final long guildId;
        final LongObjectMap<Row> rows = new LongObjectMap<>();
        final MetricIndex[] indexes = new MetricIndex[METRICS];

        GuildData(long guildId) {
            this.guildId = guildId;
            for (int i = 0; i < METRICS; i++) {
                indexes[i] = new MetricIndex();
            }
        }
    }

    /** The rank index of one guild and metric, with the members changed since it was last brought up to date. */
    private static final class MetricIndex {
        final RankIndex tree = new RankIndex();
        final ArrayList<Row> dirty = new ArrayList<>();
        /** False until the first query, and after too many changes: the next query rebuilds. */
        boolean built;
    }

    private static final class Row {
        final long guildId;
        final long userId;
        long voiceMs;
        long xp;
        int level;
        long sessions;
        long messages;
        long lastSeenMs; // epoch millis: a long, so a tick stores no reference to a young object
        int streak;
        LocalDate lastActiveDay = LocalDate.EPOCH;
        final Map<Long, long[]> channels = new HashMap<>(); // voiceMs, sessions
        final Map<String, String> metadata = new HashMap<>();
        final TreeMap<LocalDate, Map<Long, long[]>> daily = new TreeMap<>(); // voiceMs, xp, messages
        /** Set when the row is deleted or replaced by a reset; dirty lists skip it. */
        boolean deleted;

        // last channel and daily entries touched, so that a tick's usual delta needs no map lookup
        long lastChannelId = -1;
        long @Nullable [] lastChannel;

        @Nullable
        LocalDate lastDay;

        long lastDayChannelId = -1;
        long @Nullable [] lastDayEntry;

        // per metric: the value the rank index holds for this member, and IN_INDEX / DIRTY bits
        final long[] indexed = new long[METRICS];
        final byte[] indexState = new byte[METRICS];

        // scratch sums of the batch being applied (epoch = InMemoryStorage.applyEpoch)
        long epoch;
        long sumVoiceMs;
        long sumXp;
        long sumMessages;
        long sumSessions;

        Row(long guildId, long userId) {
            this.guildId = guildId;
            this.userId = userId;
        }

        long value(int metric) {
            return switch (METRIC[metric]) {
                case XP -> xp;
                case VOICE_TIME -> voiceMs;
                case LEVEL -> level;
                case MESSAGES -> messages;
            };
        }
    }

    @Override
    public void init() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            initialized = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int schemaVersion() {
        return SCHEMA_VERSION;
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
    }

    private Lockd read() {
        lock.readLock().lock();
        try {
            ensureReady();
        } catch (RuntimeException e) {
            lock.readLock().unlock();
            throw e;
        }
        return () -> lock.readLock().unlock();
    }

    private Lockd write() {
        lock.writeLock().lock();
        try {
            ensureReady();
        } catch (RuntimeException e) {
            lock.writeLock().unlock();
            throw e;
        }
        return () -> lock.writeLock().unlock();
    }

    @FunctionalInterface
    private interface Lockd extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        try (var l = read()) {
            return Optional.ofNullable(configs.get(guildId));
        }
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        GuildConfig stored = config.toBuilder()
                .memberFilter(MemberFilter.ALL)
                .channelFilter(ChannelFilter.ALL)
                .build();
        try (var l = write()) {
            configs.put(guildId, stored);
        }
    }

    @Override
    public List<Long> guildIds() {
        try (var l = read()) {
            var ids = new TreeSet<Long>(configs.keySet());
            members.forEachValue(g -> {
                if (!g.rows.isEmpty()) {
                    ids.add(g.guildId);
                }
            });
            return List.copyOf(ids);
        }
    }

    /** Counts of what is held; the size is unknown (-1). No backup, no optimisation. */
    @Override
    public MaintenanceStats maintenanceStats() {
        try (var l = read()) {
            var ids = new TreeSet<Long>(configs.keySet());
            long[] users = {0};
            members.forEachValue(g -> {
                if (!g.rows.isEmpty()) {
                    ids.add(g.guildId);
                    users[0] += g.rows.size();
                }
            });
            return new MaintenanceStats("in-memory", ids.size(), users[0], sessions.size(), -1, "");
        }
    }

    private @Nullable Row row(long guildId, long userId) {
        GuildData g = members.get(guildId);
        return g == null ? null : g.rows.get(userId);
    }

    private GuildData guildData(long guildId) {
        GuildData g = members.get(guildId);
        if (g == null) {
            g = new GuildData(guildId);
            members.put(guildId, g);
        }
        return g;
    }

    /** The member's row, created (and marked for indexing) if it does not exist. */
    private Row rowOrCreate(long guildId, long userId) {
        GuildData g = guildData(guildId);
        Row r = g.rows.get(userId);
        if (r == null) {
            r = new Row(guildId, userId);
            attach(g, r);
        }
        return r;
    }

    /** Adds a new row to its guild; it shows up (with zeros) in every all-time leaderboard. */
    private static void attach(GuildData g, Row r) {
        g.rows.put(r.userId, r);
        for (int m = 0; m < METRICS; m++) {
            markDirty(g, r, m);
        }
    }

    /** Notes that a member's value of a metric changed, for the index to catch up at its next query. */
    private static void markDirty(GuildData g, Row r, int metric) {
        MetricIndex mi = g.indexes[metric];
        if (!mi.built || (r.indexState[metric] & DIRTY) != 0) {
            return;
        }
        if (mi.dirty.size() >= Math.max(64, g.rows.size() / 8)) {
            // cheaper to rebuild with one sort at the next query than to re-position this many
            mi.built = false;
            mi.dirty.clear();
            return;
        }
        r.indexState[metric] |= DIRTY;
        mi.dirty.add(r);
    }

    /** Takes a deleted or replaced row out of every index at once. */
    private static void detach(GuildData g, Row r) {
        r.deleted = true;
        for (int m = 0; m < METRICS; m++) {
            if (g.indexes[m].built && (r.indexState[m] & IN_INDEX) != 0) {
                g.indexes[m].tree.remove(r.indexed[m], r.userId);
            }
            r.indexState[m] = 0;
        }
    }

    @Override
    public List<MemberTotals> apply(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        try (var l = write()) {
            long epoch = ++applyEpoch;
            List<MemberDelta> deltas = batch.deltas();
            long sumVoiceMs = 0;
            long sumXp = 0;
            long sumMessages = 0;
            long sumSessions = 0;
            long largest = -1; // -1: the batch's sums overflow
            try {
                for (MemberDelta d : deltas) {
                    sumVoiceMs = Math.addExact(sumVoiceMs, d.voiceMs());
                    sumXp = Math.addExact(sumXp, d.xp());
                    sumMessages = Math.addExact(sumMessages, d.messages());
                    sumSessions = Math.addExact(sumSessions, d.sessions());
                }
                largest = Math.max(Math.max(sumVoiceMs, sumXp), Math.max(sumMessages, sumSessions));
                Math.addExact(ceiling, largest);
            } catch (ArithmeticException maybeOverflow) {
                largest = -1;
            }
            var touched = new ArrayList<Row>();
            if (largest >= 0) {
                // No total can overflow: every member's totals stay below ceiling + the batch's sums.
                applyInOnePass(deltas, epoch, touched);
                ceiling += largest;
            } else {
                applyChecked(deltas, epoch, touched);
            }
            for (VoiceSession s : batch.sessions()) {
                sessions.put(s.id(), s);
            }
            var out = new ArrayList<MemberTotals>(touched.size());
            for (Row r : touched) {
                out.add(new MemberTotals(r.guildId, r.userId, r.xp, r.level, r.voiceMs));
            }
            return out;
        }
    }

    /** Resolves and adds each delta in one pass over the members (the batch cannot overflow). */
    private void applyInOnePass(List<MemberDelta> deltas, long epoch, List<Row> touched) {
        GuildData g = null;
        for (MemberDelta d : deltas) {
            if (g == null || g.guildId != d.guildId()) {
                g = guildData(d.guildId());
            }
            Row r = g.rows.get(d.userId());
            if (r == null) {
                r = new Row(d.guildId(), d.userId());
                attach(g, r);
            }
            if (r.epoch != epoch) {
                r.epoch = epoch;
                touched.add(r);
            }
            add(g, r, d);
        }
    }

    /**
     * Checks every resulting total for overflow against per-member scratch sums before adding
     * anything, so that nothing is written if one would overflow; only taken when the batch comes
     * near {@link #ceiling}.
     */
    private void applyChecked(List<MemberDelta> deltas, long epoch, List<Row> touched) {
        int n = deltas.size();
        Row[] resolved = new Row[n];
        Map<Long, LongObjectMap<Row>> fresh = null; // members to create: guild -> user -> row
        GuildData g = null;
        for (int i = 0; i < n; i++) {
            MemberDelta d = deltas.get(i);
            if (g == null || g.guildId != d.guildId()) {
                g = members.get(d.guildId());
            }
            Row r = g == null ? null : g.rows.get(d.userId());
            if (r == null) {
                if (fresh == null) {
                    fresh = new HashMap<>();
                }
                LongObjectMap<Row> byUser = fresh.computeIfAbsent(d.guildId(), k -> new LongObjectMap<>());
                r = byUser.get(d.userId());
                if (r == null) {
                    r = new Row(d.guildId(), d.userId());
                    byUser.put(d.userId(), r);
                }
            }
            if (r.epoch != epoch) {
                r.epoch = epoch;
                r.sumVoiceMs = r.voiceMs;
                r.sumXp = r.xp;
                r.sumMessages = r.messages;
                r.sumSessions = r.sessions;
                touched.add(r);
            }
            try {
                r.sumVoiceMs = Math.addExact(r.sumVoiceMs, d.voiceMs());
                r.sumXp = Math.addExact(r.sumXp, d.xp());
                r.sumMessages = Math.addExact(r.sumMessages, d.messages());
                r.sumSessions = Math.addExact(r.sumSessions, d.sessions());
            } catch (ArithmeticException ex) {
                throw new StorageException("batch rejected: a total of member " + d.userId() + " in guild "
                        + d.guildId() + " would overflow with " + d);
            }
            resolved[i] = r;
        }
        if (fresh != null) {
            fresh.forEach((gid, byUser) -> {
                GuildData gd = guildData(gid);
                byUser.forEachValue(r -> attach(gd, r));
            });
        }
        g = null;
        for (int i = 0; i < n; i++) {
            MemberDelta d = deltas.get(i);
            Row r = resolved[i];
            if (g == null || g.guildId != d.guildId()) {
                g = members.get(d.guildId());
            }
            add(Objects.requireNonNull(g), r, d);
            raiseCeiling(Math.max(Math.max(r.voiceMs, r.xp), Math.max(r.messages, r.sessions)));
        }
    }

    private void raiseCeiling(long total) {
        if (total > ceiling) {
            ceiling = total;
        }
    }

    private static void add(GuildData g, Row r, MemberDelta d) {
        long voiceMs = d.voiceMs();
        long xp = d.xp();
        long messages = d.messages();
        long sessionCount = d.sessions();
        r.voiceMs += voiceMs;
        r.xp += xp;
        r.messages += messages;
        r.sessions += sessionCount;
        if (xp > 0) {
            markDirty(g, r, Metric.XP.ordinal());
        }
        if (voiceMs > 0) {
            markDirty(g, r, Metric.VOICE_TIME.ordinal());
        }
        if (messages > 0) {
            markDirty(g, r, Metric.MESSAGES.ordinal());
        }
        long seen = d.lastSeen().toEpochMilli();
        if (seen > r.lastSeenMs) {
            r.lastSeenMs = seen;
        }
        long channelId = d.channelId();
        if (channelId != 0 && (voiceMs > 0 || sessionCount > 0)) {
            long[] c = r.lastChannel;
            if (c == null || r.lastChannelId != channelId) {
                c = r.channels.computeIfAbsent(channelId, k -> new long[2]);
                r.lastChannel = c;
                r.lastChannelId = channelId;
            }
            c[0] += voiceMs;
            c[1] += sessionCount;
        }
        if (voiceMs > 0 || xp > 0 || messages > 0) {
            LocalDate day = d.day();
            long[] e = r.lastDayEntry;
            if (e == null || r.lastDayChannelId != channelId || !day.equals(r.lastDay)) {
                e = r.daily.computeIfAbsent(day, k -> new HashMap<>()).computeIfAbsent(channelId, k -> new long[3]);
                r.lastDayEntry = e;
                r.lastDay = day;
                r.lastDayChannelId = channelId;
            }
            e[0] += voiceMs;
            e[1] += xp;
            e[2] += messages;
            touchStreak(r, day);
        }
    }

    private static void touchStreak(Row r, LocalDate day) {
        if (day.equals(r.lastActiveDay)) {
            return;
        }
        if (day.isBefore(r.lastActiveDay)) {
            return; // late increment for an older day: the streak ending at lastActiveDay stands
        }
        r.streak = day.minusDays(1).equals(r.lastActiveDay) ? r.streak + 1 : 1;
        r.lastActiveDay = day;
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        Objects.requireNonNull(raises, "raises must not be null");
        try (var l = write()) {
            var out = new ArrayList<LevelChange>();
            for (LevelRaise raise : raises) {
                GuildData g = members.get(raise.guildId());
                Row r = g == null ? null : g.rows.get(raise.userId());
                if (r != null && raise.level() > r.level) {
                    out.add(new LevelChange(raise.guildId(), raise.userId(), r.level, raise.level(), r.xp));
                    r.level = raise.level();
                    markDirty(g, r, Metric.LEVEL.ordinal());
                }
            }
            return out;
        }
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        try (var l = read()) {
            Row r = row(guildId, userId);
            return r == null ? Optional.empty() : Optional.of(toStats(guildId, userId, r));
        }
    }

    private static MemberStats toStats(long guildId, long userId, Row r) {
        var channels = new HashMap<Long, MemberStats.ChannelStats>();
        r.channels.forEach((c, v) -> channels.put(c, new MemberStats.ChannelStats(c, v[0], v[1])));
        return new MemberStats(
                guildId,
                userId,
                r.voiceMs,
                r.xp,
                r.level,
                r.sessions,
                r.messages,
                Instant.ofEpochMilli(r.lastSeenMs),
                r.streak,
                r.lastActiveDay,
                channels,
                r.metadata);
    }

    private static void checkMetric(Metric metric, @Nullable DayRange range) {
        Objects.requireNonNull(metric, "metric must not be null");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
    }

    /**
     * Brings the guild's index of a metric up to date and returns it. Call under the read (or write)
     * lock and inside {@code synchronized} on the returned object's owner, {@code g.indexes[metric]}.
     */
    private static RankIndex upToDate(GuildData g, int metric) {
        MetricIndex mi = g.indexes[metric];
        if (!mi.built) {
            rebuild(g, metric);
        } else if (!mi.dirty.isEmpty()) {
            for (Row r : mi.dirty) {
                if (r.deleted) {
                    continue;
                }
                long v = r.value(metric);
                byte state = r.indexState[metric];
                if ((state & IN_INDEX) == 0) {
                    mi.tree.insert(v, r.userId);
                } else if (r.indexed[metric] != v) {
                    mi.tree.remove(r.indexed[metric], r.userId);
                    mi.tree.insert(v, r.userId);
                }
                r.indexed[metric] = v;
                r.indexState[metric] = IN_INDEX;
            }
            mi.dirty.clear();
        }
        return mi.tree;
    }

    private static void rebuild(GuildData g, int metric) {
        MetricIndex mi = g.indexes[metric];
        int n = g.rows.size();
        Row[] rows = new Row[n];
        int[] i = {0};
        g.rows.forEachValue(r -> rows[i[0]++] = r);
        long[] values = new long[n];
        for (int k = 0; k < n; k++) {
            values[k] = rows[k].value(metric);
            rows[k].indexed[metric] = values[k];
        }
        Arrays.sort(rows, (a, b) -> {
            long va = a.indexed[metric];
            long vb = b.indexed[metric];
            return va != vb ? Long.compare(vb, va) : Long.compare(a.userId, b.userId);
        });
        long[] users = new long[n];
        for (int k = 0; k < n; k++) {
            Row r = rows[k];
            values[k] = r.indexed[metric];
            users[k] = r.userId;
            r.indexState[metric] = IN_INDEX;
        }
        mi.tree.load(values, users, n);
        mi.dirty.clear();
        mi.built = true;
    }

    /** A member's window sums (voiceMs, xp, messages), or null if it has none in the range. */
    private static long @Nullable [] windowSums(Row r, DayRange range) {
        long voice = 0, xp = 0, msgs = 0;
        for (var day : r.daily.subMap(range.from(), true, range.to(), true).values()) {
            for (long[] v : day.values()) {
                voice += v[0];
                xp += v[1];
                msgs += v[2];
            }
        }
        return voice > 0 || xp > 0 || msgs > 0 ? new long[] {voice, xp, msgs} : null;
    }

    private static long windowValue(long[] sums, Metric metric) {
        return switch (metric) {
            case VOICE_TIME -> sums[0];
            case XP -> sums[1];
            case MESSAGES -> sums[2];
            case LEVEL -> throw new IllegalArgumentException("metric level has no window value");
        };
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
        checkMetric(metric, range);
        try (var l = read()) {
            GuildData g = members.get(guildId);
            if (g == null) {
                return List.of();
            }
            var out = new ArrayList<LeaderboardEntry>(Math.min(limit, 1024));
            if (range == null) {
                MetricIndex mi = g.indexes[metric.ordinal()];
                synchronized (mi) {
                    upToDate(g, metric.ordinal()).forRange(offset, limit, (pos, value, userId) -> {
                        Row r = Objects.requireNonNull(g.rows.get(userId));
                        out.add(new LeaderboardEntry(pos + 1, userId, r.xp, r.voiceMs, r.messages, r.level));
                    });
                }
                return out;
            }
            var rows = new ArrayList<LeaderboardEntry>();
            g.rows.forEachValue(r -> {
                long[] w = windowSums(r, range);
                if (w != null) {
                    rows.add(new LeaderboardEntry(0, r.userId, w[1], w[0], w[2], r.level));
                }
            });
            rows.sort(Comparator.comparingLong((LeaderboardEntry en) -> en.value(metric))
                    .reversed()
                    .thenComparingLong(LeaderboardEntry::userId));
            for (int i = offset; i < rows.size() && i < (long) offset + limit; i++) {
                LeaderboardEntry e = rows.get(i);
                out.add(new LeaderboardEntry(i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
            }
            return out;
        }
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        checkMetric(metric, range);
        try (var l = read()) {
            GuildData g = members.get(guildId);
            Row target = g == null ? null : g.rows.get(userId);
            if (target == null) {
                return OptionalInt.empty();
            }
            if (range == null) {
                int m = metric.ordinal();
                MetricIndex mi = g.indexes[m];
                int pos;
                synchronized (mi) {
                    pos = upToDate(g, m).positionOf(target.value(m), userId);
                }
                if (pos < 0) {
                    throw new IllegalStateException("rank index of guild " + guildId + " lost member " + userId);
                }
                return OptionalInt.of(pos + 1);
            }
            long[] mine = windowSums(target, range);
            if (mine == null) {
                return OptionalInt.empty();
            }
            long v = windowValue(mine, metric);
            int[] ahead = {0};
            g.rows.forEachValue(r -> {
                if (r != target) {
                    long[] w = windowSums(r, range);
                    if (w != null && RankIndex.before(windowValue(w, metric), r.userId, v, userId)) {
                        ahead[0]++;
                    }
                }
            });
            return OptionalInt.of(ahead[0] + 1);
        }
    }

    @Override
    public long memberCount(long guildId) {
        try (var l = read()) {
            GuildData g = members.get(guildId);
            return g == null ? 0 : g.rows.size();
        }
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        Objects.requireNonNull(range, "range must not be null");
        try (var l = read()) {
            Row r = row(guildId, userId);
            if (r == null) {
                return List.of();
            }
            var out = new ArrayList<ActivityRow>();
            for (var day : r.daily.subMap(range.from(), true, range.to(), true).entrySet()) {
                new TreeMap<>(day.getValue())
                        .forEach((c, v) -> out.add(new ActivityRow(day.getKey(), c, v[0], v[1], v[2])));
            }
            return out;
        }
    }

    @Override
    public List<VoiceSession> openSessions() {
        try (var l = read()) {
            return sessions.values().stream().filter(VoiceSession::open).toList();
        }
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        try (var l = read()) {
            return sessions.values().stream()
                    .filter(s -> s.guildId() == guildId && s.userId() == userId)
                    .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
        try (var l = write()) {
            Row r = rowOrCreate(guildId, userId);
            GuildData g = members.get(guildId);
            r.xp = xp;
            raiseCeiling(xp);
            r.level = level;
            markDirty(g, r, Metric.XP.ordinal());
            markDirty(g, r, Metric.LEVEL.ordinal());
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        }
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        try (var l = write()) {
            Row r = rowOrCreate(guildId, userId);
            r.level = level;
            markDirty(members.get(guildId), r, Metric.LEVEL.ordinal());
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        }
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        try (var l = write()) {
            GuildData g = members.get(guildId);
            Row r = g == null ? null : g.rows.get(userId);
            if (r == null) {
                return false;
            }
            detach(g, r);
            Row fresh = new Row(guildId, userId);
            fresh.metadata.putAll(r.metadata);
            attach(g, fresh);
            sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return true;
        }
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        try (var l = write()) {
            GuildData g = members.get(guildId);
            Row r = g == null ? null : g.rows.remove(userId);
            if (r != null) {
                detach(g, r);
            }
            boolean hadSessions = sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return r != null || hadSessions;
        }
    }

    @Override
    public void deleteGuild(long guildId) {
        try (var l = write()) {
            configs.remove(guildId);
            GuildData g = members.remove(guildId);
            if (g != null) {
                g.rows.forEachValue(r -> r.deleted = true);
            }
            sessions.values().removeIf(s -> s.guildId() == guildId);
        }
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        var keys = new LinkedHashSet<>(remove);
        try (var l = write()) {
            Row r = rowOrCreate(guildId, userId);
            r.metadata.putAll(Map.copyOf(set));
            r.metadata.keySet().removeAll(keys);
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
        long guildId = snapshot.guildId();
        GuildConfig config = snapshot.config();
        try (var l = write()) {
            configs.remove(guildId);
            if (config != null) {
                configs.put(
                        guildId,
                        config.toBuilder()
                                .memberFilter(MemberFilter.ALL)
                                .channelFilter(ChannelFilter.ALL)
                                .build());
            }
            GuildData old = members.remove(guildId);
            if (old != null) {
                old.rows.forEachValue(r -> r.deleted = true);
            }
            sessions.values().removeIf(s -> s.guildId() == guildId);
            for (GuildSnapshot.Member m : snapshot.members()) {
                MemberStats s = m.stats();
                Row r = rowOrCreate(guildId, s.userId());
                r.voiceMs = s.voiceTimeMs();
                r.xp = s.xp();
                raiseCeiling(Math.max(Math.max(s.voiceTimeMs(), s.xp()), Math.max(s.messages(), s.sessions())));
                r.level = s.level();
                r.sessions = s.sessions();
                r.messages = s.messages();
                r.lastSeenMs = s.lastSeen().toEpochMilli();
                r.streak = s.streak();
                r.lastActiveDay = s.lastActiveDay();
                s.channels().forEach((c, v) -> r.channels.put(c, new long[] {v.voiceTimeMs(), v.sessions()}));
                r.metadata.putAll(s.metadata());
                for (ActivityRow a : m.activity()) {
                    r.daily
                            .computeIfAbsent(a.day(), k -> new HashMap<>())
                            .put(a.channelId(), new long[] {a.voiceMs(), a.xp(), a.messages()});
                }
            }
            snapshot.sessions().forEach(s -> sessions.put(s.id(), s));
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}

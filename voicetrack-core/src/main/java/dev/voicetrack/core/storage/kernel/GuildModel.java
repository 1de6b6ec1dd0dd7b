package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.RankIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One guild's members in memory, with exact O(log n) all-time leaderboards and ranks: the model that
 * {@code InMemoryStorage} and {@code JsonStorage} share.
 *
 * <h2>Ranks and leaderboards</h2>
 *
 * <p>All-time leaderboards and ranks (xp, voice time, level, messages) are answered from one {@link
 * RankIndex} per metric: O(log n) per rank and O(log n + limit) per page, in the contract's order
 * (metric descending, ties by user id ascending). The indexes are maintained lazily, because writes
 * are the hot path (a tick changes the XP and voice time of every member in voice) and reads are
 * comparatively rare: a write only marks the member dirty for the metrics it changed (a flag and a
 * list append); the first query of a metric after writes re-positions the dirty members (remove the
 * old entry, insert the new one), or rebuilds the index with one sort when more than an eighth of the
 * guild is dirty, or when it was never queried. Removals take their entries out at once.
 *
 * <p>Windowed leaderboards (the last N days) are computed on demand from the daily activity: O(n ·
 * days in the window) to sum, then a sort of the members active in the window for a page, or a
 * single counting pass for a rank (no sort).
 *
 * <h2>Concurrency</h2>
 *
 * <p>Not thread safe by itself. The owning storage calls the mutating methods under an exclusive lock
 * and the reads ({@link #get}, {@link #leaderboard}, {@link #rank}, {@link #forEach}, {@link #size})
 * under a shared lock that excludes them; reads may run in parallel, because re-positioning runs
 * inside a monitor on that one metric's index and touches only that metric's per-member fields.
 */
public final class GuildModel {
    static final Metric[] METRIC = Metric.values();
    static final int METRICS = METRIC.length;
    private static final byte IN_INDEX = 1;
    private static final byte DIRTY = 2;

    private final long guildId;
    private final LongObjectMap<MemberRecord> rows = new LongObjectMap<>();
    private final MetricIndex[] indexes = new MetricIndex[METRICS];

    /** The rank index of one metric, with the members changed since it was last brought up to date. */
    private static final class MetricIndex {
        final RankIndex tree = new RankIndex();
        final ArrayList<MemberRecord> dirty = new ArrayList<>();
        /** False until the first query, and after too many changes: the next query rebuilds. */
        boolean built;
    }

    public GuildModel(long guildId) {
        this.guildId = guildId;
        for (int i = 0; i < METRICS; i++) {
            indexes[i] = new MetricIndex();
        }
    }

    public long guildId() {
        return guildId;
    }

    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public @Nullable MemberRecord get(long userId) {
        return rows.get(userId);
    }

    /** Every member, in no particular order. */
    public void forEach(Consumer<MemberRecord> action) {
        rows.forEachValue(action);
    }

    /** The member's row, created with zeros if it does not exist (it then shows in every all-time board). */
    public MemberRecord getOrCreate(long userId) {
        MemberRecord r = rows.get(userId);
        if (r == null) {
            r = new MemberRecord(guildId, userId);
            attach(r);
        }
        return r;
    }

    /** Adds a row, replacing the member's row if it has one (a copy-on-write store publishing its copy, an import). */
    public void put(MemberRecord r) {
        if (r.guildId != guildId) {
            throw new IllegalArgumentException(
                    "member " + r.userId + " belongs to guild " + r.guildId + ", not " + guildId);
        }
        MemberRecord old = rows.get(r.userId);
        if (old == r) {
            for (int m = 0; m < METRICS; m++) {
                markDirty(r, m);
            }
            return;
        }
        if (old != null) {
            detach(old);
        }
        r.deleted = false;
        Arrays.fill(r.indexState, (byte) 0);
        attach(r);
    }

    /** Removes a member's row; returns it, or null if there was none. */
    public @Nullable MemberRecord remove(long userId) {
        MemberRecord r = rows.remove(userId);
        if (r != null) {
            detach(r);
        }
        return r;
    }

    /** Replaces a member's row by a zeroed one with its metadata; returns false if it had no row. */
    public boolean reset(long userId) {
        MemberRecord r = rows.get(userId);
        if (r == null) {
            return false;
        }
        put(r.resetCopy());
        return true;
    }

    /** Marks every row deleted: the model is being dropped (a guild deletion or replacement). */
    public void dropAll() {
        rows.forEachValue(r -> {
            r.deleted = true;
            r.owner = null;
        });
        rows.clear();
        for (MetricIndex mi : indexes) {
            mi.tree.clear();
            mi.dirty.clear();
            mi.built = false;
        }
    }

    // ------------------------------------------------------------------ writes through the rules

    /** Adds one delta to the member's row (created if needed); the caller checked overflow. */
    public MemberRecord add(MemberDelta d) {
        MemberRecord r = getOrCreate(d.userId());
        add(r, d);
        return r;
    }

    /** Adds one delta to a row of this model; the caller checked overflow. */
    public void add(MemberRecord r, MemberDelta d) {
        r.add(d);
        if (d.xp() > 0) {
            markDirty(r, Metric.XP.ordinal());
        }
        if (d.voiceMs() > 0) {
            markDirty(r, Metric.VOICE_TIME.ordinal());
        }
        if (d.messages() > 0) {
            markDirty(r, Metric.MESSAGES.ordinal());
        }
    }

    /**
     * Adds a member's folded increments to its row (created if needed). Check first, for every member
     * of the batch, that {@link MemberFold#checkFits} passes on the stored totals, so that a batch is
     * written whole or not at all.
     */
    public MemberRecord add(MemberFold f) {
        MemberRecord r = getOrCreate(f.userId());
        r.add(f);
        for (Metric m : METRIC) {
            if (f.changes(m)) {
                markDirty(r, m.ordinal());
            }
        }
        return r;
    }

    /**
     * Adds a member's folded increments to a row that is not (yet) in a model, e.g. a copy being
     * staged; {@link #put} it afterwards.
     *
     * @throws dev.voicetrack.core.storage.StorageException if a total would overflow (the row is unchanged)
     */
    public static void addTo(MemberRecord r, MemberFold f) {
        r.add(f);
    }

    /** Sets XP and level of the member (created if needed). */
    public MemberRecord setXp(long userId, long xp, int level) {
        MemberRecord r = getOrCreate(userId);
        setXp(r, xp, level);
        return r;
    }

    /** Sets XP and level of a row (of this model, or a staged copy). */
    public void setXp(MemberRecord r, long xp, int level) {
        r.xp = xp;
        r.level = level;
        markDirty(r, Metric.XP.ordinal());
        markDirty(r, Metric.LEVEL.ordinal());
    }

    /** Sets the level of the member (created if needed). */
    public MemberRecord setLevel(long userId, int level) {
        MemberRecord r = getOrCreate(userId);
        setLevel(r, level);
        return r;
    }

    /** Sets the level of a row (of this model, or a staged copy). */
    public void setLevel(MemberRecord r, int level) {
        r.level = level;
        markDirty(r, Metric.LEVEL.ordinal());
    }

    /**
     * Raises a level by {@link LevelRule}: an existing member's, never lowering it.
     *
     * @return the change, or null if the member does not exist or the level would not rise
     */
    public @Nullable LevelChange raise(LevelRaise raise) {
        MemberRecord r = rows.get(raise.userId());
        return r == null ? null : raise(r, raise);
    }

    /** {@link #raise(LevelRaise)} on a given row (of this model, or a staged copy). */
    public @Nullable LevelChange raise(MemberRecord r, LevelRaise raise) {
        LevelChange c = LevelRule.apply(raise, r.level, r.xp);
        if (c != null) {
            setLevel(r, c.newLevel());
        }
        return c;
    }

    // ------------------------------------------------------------------ index bookkeeping

    /** Adds a new row; it shows up (with its values) in every all-time leaderboard. */
    private void attach(MemberRecord r) {
        rows.put(r.userId, r);
        r.owner = this;
        for (int m = 0; m < METRICS; m++) {
            markDirty(r, m);
        }
    }

    /** Notes that a member's value of a metric changed, for the index to catch up at its next query. */
    private void markDirty(MemberRecord r, int metric) {
        MetricIndex mi = indexes[metric];
        if (!mi.built || (r.indexState[metric] & DIRTY) != 0 || r.owner != this) {
            return;
        }
        if (mi.dirty.size() >= Math.max(64, rows.size() / 8)) {
            // cheaper to rebuild with one sort at the next query than to re-position this many
            mi.built = false;
            mi.dirty.clear();
            return;
        }
        r.indexState[metric] |= DIRTY;
        mi.dirty.add(r);
    }

    /** Takes a deleted or replaced row out of every index at once. */
    private void detach(MemberRecord r) {
        r.deleted = true;
        r.owner = null;
        for (int m = 0; m < METRICS; m++) {
            if (indexes[m].built && (r.indexState[m] & IN_INDEX) != 0) {
                indexes[m].tree.remove(r.indexed[m], r.userId);
            }
            r.indexState[m] = 0;
        }
    }

    /** Brings the index of a metric up to date; call inside {@code synchronized (indexes[metric])}. */
    private RankIndex upToDate(int metric) {
        MetricIndex mi = indexes[metric];
        if (!mi.built) {
            rebuild(metric);
        } else if (!mi.dirty.isEmpty()) {
            Metric mt = METRIC[metric];
            for (MemberRecord r : mi.dirty) {
                if (r.deleted) {
                    continue;
                }
                long v = r.value(mt);
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

    private void rebuild(int metric) {
        MetricIndex mi = indexes[metric];
        Metric mt = METRIC[metric];
        int n = rows.size();
        MemberRecord[] all = new MemberRecord[n];
        int[] i = {0};
        rows.forEachValue(r -> all[i[0]++] = r);
        for (int k = 0; k < n; k++) {
            all[k].indexed[metric] = all[k].value(mt);
        }
        Arrays.sort(all, (a, b) -> {
            long va = a.indexed[metric];
            long vb = b.indexed[metric];
            return va != vb ? Long.compare(vb, va) : Long.compare(a.userId, b.userId);
        });
        long[] values = new long[n];
        long[] users = new long[n];
        for (int k = 0; k < n; k++) {
            MemberRecord r = all[k];
            values[k] = r.indexed[metric];
            users[k] = r.userId;
            r.indexState[metric] = IN_INDEX;
        }
        mi.tree.clear();
        mi.tree.load(values, users, n);
        mi.dirty.clear();
        mi.built = true;
    }

    // ------------------------------------------------------------------ ranked reads

    /** A leaderboard page (arguments checked by {@link StorageArgs}). */
    public List<LeaderboardEntry> leaderboard(Metric metric, @Nullable DayRange range, int limit, int offset) {
        var out = new ArrayList<LeaderboardEntry>(Math.min(limit, 1024));
        if (range == null) {
            MetricIndex mi = indexes[metric.ordinal()];
            synchronized (mi) {
                upToDate(metric.ordinal()).forRange(offset, limit, (pos, value, userId) -> {
                    MemberRecord r = Objects.requireNonNull(rows.get(userId));
                    out.add(new LeaderboardEntry(pos + 1, userId, r.xp, r.voiceMs, r.messages, r.level));
                });
            }
            return out;
        }
        var active = new ArrayList<LeaderboardEntry>();
        rows.forEachValue(r -> {
            long[] w = r.windowSums(range.from(), range.to());
            if (w != null) {
                active.add(new LeaderboardEntry(0, r.userId, w[1], w[0], w[2], r.level));
            }
        });
        active.sort(Comparator.comparingLong((LeaderboardEntry en) -> en.value(metric))
                .reversed()
                .thenComparingLong(LeaderboardEntry::userId));
        for (int i = offset; i < active.size() && i < (long) offset + limit; i++) {
            LeaderboardEntry e = active.get(i);
            out.add(new LeaderboardEntry(i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
        }
        return out;
    }

    /** The 1-based rank of a member in the leaderboard of the same arguments, empty if not on it. */
    public OptionalInt rank(long userId, Metric metric, @Nullable DayRange range) {
        MemberRecord target = rows.get(userId);
        if (target == null) {
            return OptionalInt.empty();
        }
        if (range == null) {
            int m = metric.ordinal();
            MetricIndex mi = indexes[m];
            int pos;
            synchronized (mi) {
                pos = upToDate(m).positionOf(target.value(metric), userId);
            }
            if (pos < 0) {
                throw new IllegalStateException("rank index of guild " + guildId + " lost member " + userId);
            }
            return OptionalInt.of(pos + 1);
        }
        long[] mine = target.windowSums(range.from(), range.to());
        if (mine == null) {
            return OptionalInt.empty();
        }
        long v = windowValue(mine, metric);
        int[] ahead = {0};
        rows.forEachValue(r -> {
            if (r != target) {
                long[] w = r.windowSums(range.from(), range.to());
                if (w != null && RankIndex.before(windowValue(w, metric), r.userId, v, userId)) {
                    ahead[0]++;
                }
            }
        });
        return OptionalInt.of(ahead[0] + 1);
    }

    private static long windowValue(long[] sums, Metric metric) {
        return switch (metric) {
            case VOICE_TIME -> sums[0];
            case XP -> sums[1];
            case MESSAGES -> sums[2];
            case LEVEL -> throw new IllegalArgumentException("metric level has no window value");
        };
    }
}

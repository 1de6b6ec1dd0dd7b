package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.RankIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * All-time ranks of large guilds kept in memory, exact, beside the database.
 *
 * <h2>Why</h2>
 *
 * <p>A database computes a rank by counting the members ahead, which costs O(rank): tens of
 * milliseconds in a guild of 1,000,000 members. A {@link RankIndex} answers in O(log n). But the
 * database is the source of truth, and other processes may write to it (bot instances sharing one
 * PostgreSQL, a migration), so the index is only used while it provably holds what the database
 * holds.
 *
 * <h2>How it stays exact</h2>
 *
 * <ul>
 *   <li>Every transaction that changes a guild's member totals moves the guild's write sequence
 *       forward ({@code vt_guild_writes.seq}, see migration V2) and records the value it replaced
 *       ({@code prev_seq}); the row lock serialises writers of one guild.
 *   <li>An index records the sequence of the data it holds. A rank query reads the member's value
 *       and the guild's current sequence in one statement; if they match, the index answers.
 *   <li>After its own committed write, this process moves each index of the guild forward: if the
 *       index was at the write's {@code prev_seq}, it applies the write's changes (or, for an admin
 *       operation, drops the index); otherwise some other write came in between, and it drops the
 *       index. A dropped or stale index is rebuilt by the next query from one consistent read.
 *   <li>A query that finds a mismatch while this process has writes of the guild in flight (committed
 *       but not yet applied to the index) waits for them rather than rebuilding.
 * </ul>
 *
 * <p>Sequences follow the writer's clock (microseconds, or one more than the last when the clock is
 * not later), so a database restored from a backup never hands an old sequence to new data.
 *
 * <p>Only guilds of at least {@link #MIN_MEMBERS} members get indexes (16 bytes per member per
 * metric, built on the first rank query of that metric); smaller ones are counted in SQL, which is
 * fast at that size. Windowed ranks are always counted in SQL.
 *
 * <p>Memory is bounded: when the indexes hold more than {@link #DEFAULT_MAX_ENTRIES} entries in all
 * (about 21 bytes each), the least recently used ones are dropped until they fit again, except the
 * one used last. A dropped index is rebuilt by the next rank query that needs it.
 */
final class RankCache {
    /** Guilds smaller than this are ranked in SQL (a count over at most this many index entries). */
    static final long MIN_MEMBERS = 20_000;
    /** How many SQL ranks of a small guild between two checks of its size. */
    static final int SIZE_CHECK_EVERY = 1024;

    /** The bound on entries over all indexes: 8,000,000 (about 170 MB), two 1,000,000-member guilds ranked by every metric. */
    static final long DEFAULT_MAX_ENTRIES = 8_000_000;

    static final Metric[] METRICS = Metric.values();

    /** One guild's indexes; every field is guarded by the object's monitor. */
    static final class Guild {
        final @Nullable RankIndex[] index = new RankIndex[METRICS.length];
        final long[] seq = new long[METRICS.length];
        /** When each index was last built or answered a query, on {@link RankCache#tick()}. */
        final long[] used = new long[METRICS.length];
        /** Writes of this process to the guild whose changes are not yet in the indexes. */
        int writesInFlight;
        /** Whether the guild was large enough at the last size check; -1 when never checked. */
        int large = -1;

        int sqlRanksSinceSizeCheck;

        void drop(int metric) {
            index[metric] = null;
        }

        void dropAll() {
            for (int m = 0; m < METRICS.length; m++) {
                index[m] = null;
            }
        }
    }

    /**
     * One member's values after a write and before it, in {@link Metric} order (for an added member,
     * 0 before); {@link #UNCHANGED} where the write did not touch a metric.
     */
    record Change(long userId, long[] before, long[] after) {}

    static final long UNCHANGED = Long.MIN_VALUE;

    /** Values of a change that touches no metric yet. */
    static long[] unchanged() {
        long[] v = new long[METRICS.length];
        Arrays.fill(v, UNCHANGED);
        return v;
    }

    private final Map<Long, Guild> guilds = new ConcurrentHashMap<>();
    private final AtomicLong uses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private volatile long maxEntries = DEFAULT_MAX_ENTRIES;

    /** A new use stamp, later than every earlier one. */
    long tick() {
        return uses.incrementAndGet();
    }

    void maxEntries(long max) {
        maxEntries = max;
    }

    long evictions() {
        return evictions.get();
    }

    private record Slot(Guild guild, int metric, RankIndex index, long used, int size) {}

    /**
     * Drops the least recently used indexes while all of them together hold more than the bound, never
     * the one used last. Call holding no guild's monitor: it takes them one at a time.
     */
    void enforceBound() {
        var slots = new ArrayList<Slot>();
        long total = 0;
        for (Guild g : guilds.values()) {
            synchronized (g) {
                for (int m = 0; m < METRICS.length; m++) {
                    RankIndex idx = g.index[m];
                    if (idx != null) {
                        slots.add(new Slot(g, m, idx, g.used[m], idx.size()));
                        total += idx.size();
                    }
                }
            }
        }
        if (total <= maxEntries) {
            return;
        }
        slots.sort(Comparator.comparingLong(Slot::used));
        for (int i = 0; i < slots.size() - 1 && total > maxEntries; i++) {
            Slot victim = slots.get(i);
            synchronized (victim.guild) {
                if (victim.guild.index[victim.metric] == victim.index) { // not rebuilt meanwhile
                    victim.guild.drop(victim.metric);
                    evictions.incrementAndGet();
                }
            }
            total -= victim.size;
        }
    }

    Guild guild(long guildId) {
        return guilds.computeIfAbsent(guildId, k -> new Guild());
    }

    /** Forgets every index (after a restore, which replaces the database under them). */
    void clear() {
        guilds.clear();
    }

    /** Registers writes about to start, in guild order; pass the result to {@link #end}. */
    List<Guild> begin(Collection<Long> guildIds) {
        var held = new TreeSet<>(guildIds).stream().map(this::guild).toList();
        for (Guild g : held) {
            synchronized (g) {
                g.writesInFlight++;
            }
        }
        return held;
    }

    /** Ends writes registered by {@link #begin}, committed or not, and wakes waiting queries. */
    void end(List<Guild> held) {
        for (Guild g : held) {
            synchronized (g) {
                g.writesInFlight--;
                g.notifyAll();
            }
        }
    }

    /**
     * Moves a guild's indexes past a committed write that took its sequence from {@code prevSeq} to
     * {@code seq}: each index at {@code prevSeq} gets the write's changes (null: the write changed things
     * an index cannot follow, such as a reset, so every index is dropped); any other is dropped,
     * unless it already holds {@code seq} or later (rebuilt since).
     */
    void committed(long guildId, long prevSeq, long seq, Supplier<@Nullable List<Change>> changesOf) {
        Guild g = guild(guildId);
        synchronized (g) {
            List<Change> changes = null;
            boolean asked = false;
            for (int m = 0; m < METRICS.length; m++) {
                RankIndex idx = g.index[m];
                if (idx == null || g.seq[m] >= seq) {
                    continue;
                }
                if (!asked) { // only guilds with an index pay for the list of changes
                    changes = changesOf.get();
                    asked = true;
                }
                if (g.seq[m] != prevSeq || changes == null || !follow(idx, m, changes)) {
                    g.drop(m);
                } else {
                    g.seq[m] = seq;
                }
            }
        }
    }

    /** Applies changes to one metric's index; false if the index turns out not to match. */
    private static boolean follow(RankIndex idx, int m, List<Change> changes) {
        for (Change c : changes) {
            long before = c.before[m];
            long after = c.after[m];
            if (before == UNCHANGED) {
                continue;
            }
            if (before == after) {
                if (before == 0 && idx.positionOf(0, c.userId) < 0) {
                    idx.insert(0, c.userId); // a member the write added, with 0 in this metric
                }
                continue;
            }
            // a member absent with 0 before is one the write added; absent otherwise, the index is off
            if (!idx.remove(before, c.userId) && before != 0) {
                return false;
            }
            idx.insert(after, c.userId);
        }
        return true;
    }
}

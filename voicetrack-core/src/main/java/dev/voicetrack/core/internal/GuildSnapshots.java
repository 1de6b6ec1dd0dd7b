package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Guild snapshots: the whole of a guild that is being read, held in memory, so that its leaderboard pages, ranks
 * and member stats are answered without a storage round trip, whichever member or page is asked.
 *
 * <h2>Why</h2>
 *
 * Refresh-ahead ({@link HotEntries}) keeps the cached answers that readers keep asking for, but under a real read
 * mix about half the reads ask something nobody asked in the minute before (a tail member's {@code /rank}, a
 * windowed page), and no per-key refresh can serve those. A snapshot holds, for <em>every</em> member of the guild,
 * what those reads need: the member stats as storage gives them, the all-time totals ranked by every metric
 * ({@link RankedBoard}), and for each window read lately its whole board (one read of a windowed board carries
 * every metric, so it serves every metric's pages and ranks in that window).
 *
 * <h2>Which guilds</h2>
 *
 * A guild read at least {@value #MIN_READS} times within {@code refreshAhead} (1 minute by default) and with at most
 * {@code guildSnapshotMaxMembers} members (10,000 by default). Snapshots are built and rebuilt only after a tick,
 * on the tick's thread once the tracker lock is released (as {@link HotEntries} reloads), never on a reader's
 * thread: until then the guild's reads take the cache path. A guild no longer read that often loses its snapshot
 * at the next tick. A window is added to a valid snapshot on its first read (that read loads the window's board
 * from storage, once for all concurrent readers) and is loaded again with each rebuild while it is read.
 *
 * <h2>Freshness: the marker</h2>
 *
 * A snapshot is valid only while its marker sits in the tracker's cache: a small entry carrying the guild's tag and
 * its leaderboards' tag, put by a {@link Cache#preload} whose load is the snapshot's storage read. Whatever drops
 * the guild's cached answers drops the marker too, so the snapshot dies with them: this tracker's tick (it
 * invalidates every guild it wrote to before the tick counts as finished), an admin write on a member (member and
 * leaderboard tags), a guild deletion, and another process's write arriving over the two-tier cache's pub/sub.
 * An invalidation during the load wins over the preload, so a marker is only ever stored for a snapshot read after
 * the last invalidation of its guild; a snapshot is thus never older than the last tick that finished, exactly as
 * a cached answer is. Each snapshot has its own marker key (this tracker's instance and a generation), so that
 * processes sharing a Redis tier never see each other's markers, and a reader takes the snapshot before it checks
 * the marker, so that the marker it sees is that snapshot's.
 *
 * <p>Checking the marker ({@link Cache#contains}, not counted as a read) is an in-process look-up on the in-process
 * and two-tier caches. With a Redis-only cache it is a round trip, so a snapshot saves nothing there: set {@code
 * guildSnapshotMaxMembers(0)}.
 *
 * <h2>Counting</h2>
 *
 * A read answered from a snapshot is counted as one cache hit (a {@link Cache#get} of the marker), so the hit rate
 * and {@code /cachestats} show what readers got from memory; the first read of a window, which loads its board, is
 * counted as a miss ({@link Cache#remember} of a window marker). Building and rebuilding are preloads: neither.
 *
 * <p>Thread safe: readers only read published snapshots (immutable but for the window boards added to a
 * concurrent map); {@link #refresh} is serialised.
 */
final class GuildSnapshots {
    /** Reads within {@code refreshAhead} that make a guild worth a snapshot. */
    static final int MIN_READS = 3;

    private static final int WINDOW_PAGE = 10_000;

    /** One guild as storage held it when the snapshot's load began. */
    static final class Snapshot {
        final long guildId;
        final String marker;
        final RankedBoard allTime;
        /** Parallel to {@link #allTime}'s columns (ascending user id). */
        private final MemberStats[] members;
        /** Windowed boards by the days they cover; only today's are kept. */
        final Map<DayRange, RankedBoard> windows = new ConcurrentHashMap<>();

        Snapshot(long guildId, String marker, RankedBoard allTime, MemberStats[] members) {
            this.guildId = guildId;
            this.marker = marker;
            this.allTime = allTime;
            this.members = members;
        }

        /** The member's stats, empty if storage held no such member. */
        Optional<MemberStats> member(long userId) {
            int i = allTime.indexOf(userId);
            return i < 0 ? Optional.empty() : Optional.of(members[i]);
        }
    }

    /** When a guild was read the last {@value #MIN_READS} times, and which windows it was read in lately. */
    private static final class Reads {
        /** Windows read from the guild's snapshots, with when they were last read (clock millis). */
        final Map<Window, Long> windows = new ConcurrentHashMap<>();
        /** Whether the last snapshot built fitted the cap; the next is then read without counting first. */
        volatile boolean fitted;

        private final long[] times = new long[MIN_READS];
        private int next;

        Reads() {
            Arrays.fill(times, Long.MIN_VALUE);
        }

        synchronized void add(long now) {
            times[next] = now;
            next = (next + 1) % MIN_READS;
        }

        /** Whether the last {@value #MIN_READS} reads all came at or after {@code since}. */
        synchronized boolean hotSince(long since) {
            for (long t : times) {
                if (t < since) {
                    return false;
                }
            }
            return true;
        }

        /** Whether no read came at or after {@code since}. */
        synchronized boolean coldSince(long since) {
            for (long t : times) {
                if (t >= since) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Storage storage;
    private final @Nullable Cache<Object> cache;
    private final Clock clock;
    private final Guilds guilds;
    private final Dispatcher dispatcher;
    private final Duration hotFor;
    private final int maxMembers;
    private final Duration ttl;
    private final boolean enabled;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong generations = new AtomicLong();
    private final Map<Long, Reads> reads = new ConcurrentHashMap<>();
    private final Map<Long, Snapshot> snapshots = new ConcurrentHashMap<>();
    /** Guilds found larger than the cap, with when to look again (clock millis). */
    private final Map<Long, Long> tooLarge = new ConcurrentHashMap<>();

    GuildSnapshots(
            Storage storage,
            @Nullable Cache<Object> cache,
            Clock clock,
            Guilds guilds,
            Dispatcher dispatcher,
            Duration hotFor,
            int maxMembers,
            Duration ttl) {
        this.storage = storage;
        this.cache = cache;
        this.clock = clock;
        this.guilds = guilds;
        this.dispatcher = dispatcher;
        this.hotFor = hotFor;
        this.maxMembers = maxMembers;
        this.ttl = ttl;
        this.enabled = cache != null && maxMembers > 0 && !hotFor.isZero();
    }

    /**
     * Notes a read of the guild, and returns its snapshot if it has a valid one. Counts nothing in the cache's
     * stats: call {@link #hit} when the answer comes from the snapshot.
     */
    @Nullable
    Snapshot current(long guildId) {
        if (!enabled) {
            return null;
        }
        reads.computeIfAbsent(guildId, g -> new Reads()).add(clock.millis());
        Snapshot s = snapshots.get(guildId);
        if (s == null) {
            return null;
        }
        if (!markerPresent(s.marker)) {
            snapshots.remove(guildId, s);
            return null;
        }
        return s;
    }

    /** Counts a read answered from the snapshot as a cache hit; false (a miss) if the snapshot died meanwhile. */
    boolean hit(Snapshot s) {
        try {
            return cache().get(s.marker).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The board of a window of a valid snapshot: from memory, or on its first read loaded from storage (one load
     * for concurrent readers, through the cache's single flight, counted as a miss). Null if the snapshot died.
     */
    @Nullable
    RankedBoard window(Snapshot s, Window window, DayRange range) {
        reads.computeIfAbsent(s.guildId, g -> new Reads()).windows.put(window, clock.millis());
        RankedBoard board = s.windows.get(range);
        if (board != null) {
            return hit(s) ? board : null;
        }
        String key = s.marker + ":" + window.key() + "@" + range.from() + ".." + range.to();
        cache().remember(key, options(s.guildId), () -> {
            RankedBoard loaded = loadWindow(s.guildId, range);
            s.windows.keySet().removeIf(r -> !r.to().equals(range.to()));
            s.windows.put(range, loaded);
            return Boolean.TRUE;
        });
        return s.windows.get(range);
    }

    /**
     * Builds a snapshot for every guild read often enough whose snapshot is missing or dead (a tick, an admin or
     * another process wrote to it), and drops the snapshots of guilds no longer read. Runs after each tick, outside
     * the tracker lock. A failure is reported and leaves the guild to the cache path until the next tick.
     *
     * @return how many snapshots were built
     */
    synchronized int refresh() {
        if (!enabled) {
            return 0;
        }
        long now = clock.millis();
        long since = now - hotFor.toMillis();
        var fresh = new ArrayList<Snapshot>();
        for (Map.Entry<Long, Reads> e : reads.entrySet()) {
            long guildId = e.getKey();
            Reads r = e.getValue();
            if (!r.hotSince(since)) {
                snapshots.remove(guildId);
                if (r.coldSince(since)) {
                    reads.remove(guildId, r);
                }
                continue;
            }
            Snapshot old = snapshots.get(guildId);
            if (old != null && markerPresent(old.marker)) {
                continue;
            }
            Long lookAgain = tooLarge.get(guildId);
            if (lookAgain != null && lookAgain > now) {
                continue;
            }
            try {
                Snapshot s = build(guildId, r);
                if (s != null) {
                    fresh.add(s);
                }
            } catch (RuntimeException ex) {
                dispatcher.error(
                        "building the snapshot of guild " + guildId + " failed; its reads take the cache path", ex);
            }
        }
        // Windows second: every guild's all-time part and member stats serve its readers first.
        for (Snapshot s : fresh) {
            try {
                loadWindowsReadSince(s, since);
            } catch (RuntimeException ex) {
                dispatcher.error(
                        "loading the windows of the snapshot of guild " + s.guildId + " failed; their first reads load"
                                + " them",
                        ex);
            }
        }
        return fresh.size();
    }

    /**
     * Adds to a snapshot just built the boards of the windows its guild was read in lately. A board read now is
     * newer than the snapshot's members, and is only used while the snapshot's marker (the guild's tags) stays, so
     * it is as fresh as the rest; a window a reader loaded meanwhile is not read again.
     */
    private void loadWindowsReadSince(Snapshot s, long since) {
        Reads r = reads.get(s.guildId);
        if (r == null) {
            return;
        }
        r.windows.values().removeIf(lastRead -> lastRead < since);
        for (Window w : r.windows.keySet()) {
            DayRange range = CachedQueries.range(clock, guilds, s.guildId, w);
            if (range != null && !s.windows.containsKey(range) && markerPresent(s.marker)) {
                s.windows.put(range, loadWindow(s.guildId, range));
            }
        }
    }

    /** Whether the guild has a valid snapshot (its marker is in the cache); counts nothing. */
    boolean holds(long guildId) {
        Snapshot s = snapshots.get(guildId);
        return s != null && markerPresent(s.marker);
    }

    /** How many guilds have a snapshot (valid or not yet found dead). */
    int size() {
        return snapshots.size();
    }

    /** Reads the guild's members and publishes the snapshot if no invalidation came meanwhile; else null. */
    private @Nullable Snapshot build(long guildId, Reads r) {
        if (!r.fitted && storage.memberCount(guildId) > maxMembers) {
            markTooLarge(guildId);
            return null;
        }
        String marker = CacheKeys.key("snap", guildId, instance, generations.incrementAndGet());
        var built = new AtomicReference<@Nullable Snapshot>();
        cache().preload(marker, options(guildId), () -> {
            built.set(load(guildId, marker, r));
            return Boolean.TRUE;
        });
        Snapshot s = built.get();
        if (s == null || !markerPresent(marker)) {
            return null;
        }
        snapshots.put(guildId, s);
        return s;
    }

    /** Reads the guild's members (the windows come after every guild's members: {@link #refresh}). */
    private @Nullable Snapshot load(long guildId, String marker, Reads r) {
        var list = new ArrayList<MemberStats>();
        storage.forEachMember(guildId, list::add);
        if (list.size() > maxMembers) {
            r.fitted = false;
            markTooLarge(guildId);
            return null;
        }
        r.fitted = true;
        list.sort(Comparator.comparingLong(MemberStats::userId));
        return new Snapshot(
                guildId,
                marker,
                RankedBoard.of(list, MemberStats::userId, MemberStats::value, true),
                list.toArray(new MemberStats[0]));
    }

    /** A window's whole board (any metric's: each row carries every sum), ranked by every metric but level. */
    private RankedBoard loadWindow(long guildId, DayRange range) {
        var rows = new ArrayList<LeaderboardEntry>();
        for (int offset = 0; ; offset += WINDOW_PAGE) {
            List<LeaderboardEntry> page = storage.leaderboard(guildId, Metric.XP, range, WINDOW_PAGE, offset);
            rows.addAll(page);
            if (page.size() < WINDOW_PAGE) {
                break;
            }
        }
        rows.sort(Comparator.comparingLong(LeaderboardEntry::userId));
        return RankedBoard.of(rows, LeaderboardEntry::userId, LeaderboardEntry::value, false);
    }

    private void markTooLarge(long guildId) {
        tooLarge.put(guildId, clock.millis() + hotFor.toMillis());
        snapshots.remove(guildId);
    }

    private boolean markerPresent(String marker) {
        try {
            return cache().contains(marker);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private WriteOptions options(long guildId) {
        return WriteOptions.ttl(ttl).withTags(CacheTags.guild(guildId), CacheTags.leaderboards(guildId));
    }

    private Cache<Object> cache() {
        Cache<Object> c = cache;
        if (c == null) {
            throw new IllegalStateException("guild snapshots need a cache");
        }
        return c;
    }
}

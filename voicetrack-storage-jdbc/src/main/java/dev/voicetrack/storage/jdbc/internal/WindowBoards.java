package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Whole windowed leaderboards (a guild's members by one metric summed over a range of days), sorted,
 * each with the guild's write sequence it was read at.
 *
 * <p>Why: a windowed board is an aggregate over the guild's daily rows; SQL can only give a page of it
 * by computing all of it (group, then sort), so a 50,000-member window costs the same for page 1 as for
 * page 2,000, and a dashboard paging through it computed the whole window again for every page. Kept
 * here, one read of the window serves every page until the guild is written again. Exactness follows
 * the rank indexes' rule (see {@link RankCache}): a board is used only while the guild's write
 * sequence in the database still equals the one it was read at, so a write of this process or of any
 * other moves the board out of use, and the next read reads it again.
 *
 * <p>Bounded by the entries held over all boards ({@link #DEFAULT_MAX_ENTRIES}), least recently used
 * first out; a board larger than the bound is not kept (its pages are read in SQL, as before, until the guild
 * is written again). Thread
 * safe; {@link #lock} serialises the reads of one board, so that concurrent misses read it once.
 */
final class WindowBoards {
    /** Entries kept over all boards: 36 bytes each, so about 36 MB. */
    static final long DEFAULT_MAX_ENTRIES = 1_000_000;

    record Key(long guildId, Metric metric, long fromDay, long toDay) {}

    /** One board: entry i is {@code users[i]}, and so on, in leaderboard order. */
    static final class Board {
        final long seq;
        final long[] users;
        final long[] xp;
        final long[] voiceMs;
        final long[] messages;
        final int[] levels;

        Board(long seq, long[] users, long[] xp, long[] voiceMs, long[] messages, int[] levels) {
            this.seq = seq;
            this.users = users;
            this.xp = xp;
            this.voiceMs = voiceMs;
            this.messages = messages;
            this.levels = levels;
        }

        int size() {
            return users.length;
        }

        List<LeaderboardEntry> page(int offset, int limit) {
            int end = (int) Math.min(size(), (long) offset + limit);
            var out = new ArrayList<LeaderboardEntry>(Math.max(0, end - offset));
            for (int i = offset; i < end; i++) {
                out.add(new LeaderboardEntry(i + 1, users[i], xp[i], voiceMs[i], messages[i], levels[i]));
            }
            return out;
        }
    }

    /** Collects a board's rows in order, growing as they come. */
    static final class Builder {
        private long[] users = new long[1024];
        private long[] xp = new long[1024];
        private long[] voiceMs = new long[1024];
        private long[] messages = new long[1024];
        private int[] levels = new int[1024];
        private int n;

        void add(long user, long x, long voice, long msgs, int level) {
            if (n == users.length) {
                int cap = n * 2;
                users = Arrays.copyOf(users, cap);
                xp = Arrays.copyOf(xp, cap);
                voiceMs = Arrays.copyOf(voiceMs, cap);
                messages = Arrays.copyOf(messages, cap);
                levels = Arrays.copyOf(levels, cap);
            }
            users[n] = user;
            xp[n] = x;
            voiceMs[n] = voice;
            messages[n] = msgs;
            levels[n] = level;
            n++;
        }

        int size() {
            return n;
        }

        Board build(long seq) {
            return new Board(
                    seq,
                    Arrays.copyOf(users, n),
                    Arrays.copyOf(xp, n),
                    Arrays.copyOf(voiceMs, n),
                    Arrays.copyOf(messages, n),
                    Arrays.copyOf(levels, n));
        }
    }

    private final Object[] locks = new Object[64];
    private final LinkedHashMap<Key, Board> boards = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
    private long entries; // guarded by this
    private final Map<Key, Long> tooLarge =
            new java.util.HashMap<>(); // the sequence it was too large at; guarded by this
    private volatile long maxEntries = DEFAULT_MAX_ENTRIES;

    WindowBoards() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** The lock under which one board is looked up and, on a miss, read. */
    Object lock(Key key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }

    /** The largest board kept; a larger one is read in pages. */
    long maxEntries() {
        return maxEntries;
    }

    /** Sets the bound on entries over all boards (tests set 0 to read every page in SQL); drops every board. */
    synchronized void maxEntries(long max) {
        maxEntries = max;
        clear();
    }

    /** The board of {@code key} if it was read at write sequence {@code seq}. */
    synchronized @Nullable Board get(Key key, long seq) {
        Board b = boards.get(key);
        return b != null && b.seq == seq ? b : null;
    }

    /** Keeps a board, dropping the least recently used ones beyond the bound. */
    synchronized void put(Key key, Board board) {
        Board old = boards.put(key, board);
        if (old != null) {
            entries -= old.size();
        }
        entries += board.size();
        Iterator<Map.Entry<Key, Board>> it = boards.entrySet().iterator();
        while (entries > maxEntries && it.hasNext()) {
            Map.Entry<Key, Board> e = it.next();
            entries -= e.getValue().size();
            it.remove();
        }
    }

    /** Whether the board of {@code key} was found larger than the bound at write sequence {@code seq}. */
    synchronized boolean tooLarge(Key key, long seq) {
        Long at = tooLarge.get(key);
        return at != null && at == seq;
    }

    /** Remembers that the board of {@code key} is larger than the bound at {@code seq}, so it is not read again. */
    synchronized void markTooLarge(Key key, long seq) {
        if (tooLarge.size() >= 10_000) {
            tooLarge.clear(); // a bound on the markers themselves; a board read again only costs time
        }
        tooLarge.put(key, seq);
    }

    /** Forgets every board (the database was replaced). */
    synchronized void clear() {
        tooLarge.clear();
        boards.clear();
        entries = 0;
    }
}

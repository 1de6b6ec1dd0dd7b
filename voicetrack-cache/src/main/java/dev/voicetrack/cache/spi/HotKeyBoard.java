package dev.voicetrack.cache.spi;

import dev.voicetrack.cache.HotKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The hottest keys of a cache, kept without ever scanning the cache.
 *
 * <p>Every {@link HitCounter} counts its own hits. A counter that is not on the board offers itself
 * when its count passes the board's floor (the lowest count on a full board, refreshed on every
 * offer); offers are rare once the board is full of hot keys, because the floor rises with them. The
 * board holds at most {@code capacity} counters, so an offer costs O(capacity) under the board's lock
 * and a hit that does not offer costs one atomic add and two volatile reads. Counts are exact;
 * membership is the classic space-saving approximation: a key that becomes hot late enters as soon as
 * its count beats the coldest key on the board.
 *
 * <p>The board also owns the stats epoch: {@link #reset} starts a new one, which zeroes every
 * counter's hits lazily. Thread safe.
 */
public final class HotKeyBoard {

    private final int capacity;
    private final List<HitCounter> board;
    private volatile long floor;
    private volatile int epoch;

    /** A board for at most {@code capacity} keys; a capacity of 0 tracks nothing. */
    public HotKeyBoard(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.board = new ArrayList<>(capacity);
    }

    /** Whether hits are tracked at all (a capacity above zero). */
    public boolean enabled() {
        return capacity > 0;
    }

    /** The current stats epoch, for new counters. */
    public int epoch() {
        return epoch;
    }

    /** Counts a hit on {@code counter}; cheap unless the counter may belong on the board. */
    public void onHit(HitCounter counter) {
        int e = epoch;
        long hits = counter.recordHit(e);
        if (hits > floor && !counter.onBoard && (hits < 64 || (hits & 15) == 0)) {
            offer(counter, e);
        }
    }

    private synchronized void offer(HitCounter counter, int epoch) {
        if (counter.onBoard || !counter.isLive()) {
            return;
        }
        board.removeIf(n -> {
            if (!n.isLive()) {
                n.onBoard = false;
                return true;
            }
            return false;
        });
        if (board.size() < capacity) {
            board.add(counter);
            counter.onBoard = true;
            if (board.size() == capacity) {
                floor = coldest(epoch).hits(epoch);
            }
            return;
        }
        HitCounter coldest = coldest(epoch);
        if (counter.hits(epoch) > coldest.hits(epoch)) {
            board.set(board.indexOf(coldest), counter);
            coldest.onBoard = false;
            counter.onBoard = true;
            coldest = coldest(epoch);
        }
        floor = coldest.hits(epoch);
    }

    private HitCounter coldest(int epoch) {
        HitCounter coldest = board.get(0);
        for (HitCounter n : board) {
            if (n.hits(epoch) < coldest.hits(epoch)) {
                coldest = n;
            }
        }
        return coldest;
    }

    /**
     * The live keys on the board with hits in the current epoch, hottest first (ties by key), at most
     * {@code n}; the caller checks {@code n}.
     */
    public synchronized List<HotKey> top(int n) {
        int e = epoch;
        List<HotKey> result = new ArrayList<>(board.size());
        for (HitCounter counter : board) {
            long hits = counter.hits(e);
            if (counter.isLive() && hits > 0) {
                result.add(new HotKey(counter.key(), hits));
            }
        }
        result.sort(Comparator.comparingLong(HotKey::hits).reversed().thenComparing(HotKey::key));
        return List.copyOf(result.subList(0, Math.min(n, result.size())));
    }

    /**
     * Takes a counter whose key left the cache off the board at once, so that the board has room and
     * any key with a hit may take its place. Without this a dead counter leaves the board only at the
     * next offer, and the floor it set keeps keys with fewer hits from offering themselves.
     */
    public void remove(HitCounter counter) {
        if (counter.onBoard) { // racy read, checked again under the lock
            drop(counter);
        }
    }

    private synchronized void drop(HitCounter counter) {
        if (counter.onBoard) {
            board.remove(counter);
            counter.onBoard = false;
            floor = 0;
        }
    }

    /** Starts a new stats epoch (every count reads as zero) and empties the board. */
    public synchronized void reset() {
        epoch++;
        clear();
    }

    /** Empties the board; counts are kept. */
    public synchronized void clear() {
        for (HitCounter counter : board) {
            counter.onBoard = false;
        }
        board.clear();
        floor = 0;
    }
}

package dev.voicetrack.core.storage;

import java.util.Arrays;

/**
 * An order-statistic index of {@code (value, userId)} entries in leaderboard order: value
 * descending, then user id ascending. Answers "how many entries come before this one" (the rank)
 * and "which entry is at position p" (leaderboard pages) exactly, in O(log n), and takes inserts and
 * removals in O(log n + B).
 *
 * <h2>Why blocks of sorted arrays</h2>
 *
 * <p>The entries are kept as a list of blocks; each block holds up to {@value #MAX_BLOCK} entries in
 * two parallel {@code long} arrays (values, user ids), sorted, and the blocks follow each other in
 * order. A lookup binary-searches the blocks by their last entries (kept in two arrays of their own,
 * so the search touches a few cache lines, not a block object per step), then searches inside one
 * block; the rank is the number of entries in the blocks before (a prefix-count array) plus the
 * position in the block. An insert or removal shifts at most one block's arrays ({@code
 * System.arraycopy} of at most 1,024 longs); a full block is split in two halves, and a block that
 * becomes nearly empty is merged into a neighbour. The prefix counts are recomputed lazily, once
 * after a run of updates, in O(n / B).
 *
 * <p>The alternatives considered: a Fenwick tree over value buckets is not exact for arbitrary
 * {@code long} values; a balanced tree (treap, red-black with subtree sizes) or a skip list with
 * widths is exact too, but costs an object per entry (64+ bytes, 1,000,000 of them for a large
 * guild) and a pointer chase per level, where this layout costs 16 bytes per entry and searches
 * mostly contiguous memory. Its updates cost O(B) copying instead of O(log n) pointer updates, which
 * is cheap at B = 1,024 and only paid when a query finds the index stale (see {@link
 * InMemoryStorage}).
 *
 * <p>Public for storage backends that keep ranks in memory beside a database (the JDBC store does).
 * Not thread safe: the caller serialises access.
 */
public final class RankIndex {
    static final int MAX_BLOCK = 1024;
    private static final int FILL = MAX_BLOCK * 3 / 4;
    private static final int MERGE_BELOW = MAX_BLOCK / 8;

    private static final class Block {
        final long[] v = new long[MAX_BLOCK];
        final long[] u = new long[MAX_BLOCK];
        int n;
    }

    private Block[] blocks = new Block[4];
    private long[] lastV = new long[4];
    private long[] lastU = new long[4];
    /** {@code prefix[i]}: entries in blocks {@code 0..i-1}; valid when {@code !prefixStale}. */
    private int[] prefix = new int[5];

    private boolean prefixStale;
    private int count;
    private int size;

    /** Whether {@code (v1, u1)} comes before {@code (v2, u2)} in leaderboard order. */
    public static boolean before(long v1, long u1, long v2, long u2) {
        return v1 > v2 || (v1 == v2 && u1 < u2);
    }

    public int size() {
        return size;
    }

    public void clear() {
        blocks = new Block[4];
        lastV = new long[4];
        lastU = new long[4];
        prefix = new int[5];
        count = 0;
        size = 0;
        prefixStale = false;
    }

    /**
     * Replaces the contents with {@code n} entries that are already in leaderboard order (strictly:
     * no duplicates).
     */
    public void load(long[] values, long[] users, int n) {
        clear();
        int nb = (n + FILL - 1) / FILL;
        ensureBlocks(Math.max(nb, 1));
        for (int off = 0; off < n; off += FILL) {
            int len = Math.min(FILL, n - off);
            Block b = new Block();
            System.arraycopy(values, off, b.v, 0, len);
            System.arraycopy(users, off, b.u, 0, len);
            b.n = len;
            blocks[count] = b;
            refreshLast(count);
            count++;
        }
        size = n;
        prefixStale = true;
    }

    private void ensureBlocks(int needed) {
        if (needed > blocks.length) {
            int cap = Math.max(needed, blocks.length * 2);
            blocks = Arrays.copyOf(blocks, cap);
            lastV = Arrays.copyOf(lastV, cap);
            lastU = Arrays.copyOf(lastU, cap);
            prefix = new int[cap + 1];
            prefixStale = true;
        }
    }

    private void refreshLast(int i) {
        Block b = blocks[i];
        lastV[i] = b.v[b.n - 1];
        lastU[i] = b.u[b.n - 1];
    }

    /** The first block whose last entry is not before the key; {@code count} if there is none. */
    private int blockFor(long v, long u) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (before(lastV[mid], lastU[mid], v, u)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first position in the block whose entry is not before the key. */
    private static int lowerBound(Block b, long v, long u) {
        int lo = 0;
        int hi = b.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (before(b.v[mid], b.u[mid], v, u)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Inserts an entry; it must not be present. */
    public void insert(long v, long u) {
        if (count == 0) {
            ensureBlocks(1);
            blocks[0] = new Block();
            count = 1;
        }
        int bi = blockFor(v, u);
        if (bi == count) {
            bi = count - 1; // after every entry: append to the last block
        }
        Block b = blocks[bi];
        if (b.n == MAX_BLOCK) {
            split(bi);
            if (!before(v, u, lastV[bi], lastU[bi])) {
                bi++;
            }
            b = blocks[bi];
        }
        int pos = lowerBound(b, v, u);
        System.arraycopy(b.v, pos, b.v, pos + 1, b.n - pos);
        System.arraycopy(b.u, pos, b.u, pos + 1, b.n - pos);
        b.v[pos] = v;
        b.u[pos] = u;
        b.n++;
        refreshLast(bi);
        size++;
        prefixStale = true;
    }

    private void split(int bi) {
        ensureBlocks(count + 1);
        shiftBlocks(bi + 1, 1);
        Block b = blocks[bi];
        Block c = new Block();
        int half = b.n / 2;
        c.n = b.n - half;
        System.arraycopy(b.v, half, c.v, 0, c.n);
        System.arraycopy(b.u, half, c.u, 0, c.n);
        b.n = half;
        blocks[bi + 1] = c;
        refreshLast(bi);
        refreshLast(bi + 1);
    }

    /** Moves blocks {@code from..count-1} by {@code by} (1 or -1) and adjusts {@code count}. */
    private void shiftBlocks(int from, int by) {
        int len = count - from;
        if (by > 0) {
            System.arraycopy(blocks, from, blocks, from + 1, len);
            System.arraycopy(lastV, from, lastV, from + 1, len);
            System.arraycopy(lastU, from, lastU, from + 1, len);
            count++;
        } else {
            System.arraycopy(blocks, from, blocks, from - 1, len);
            System.arraycopy(lastV, from, lastV, from - 1, len);
            System.arraycopy(lastU, from, lastU, from - 1, len);
            count--;
            blocks[count] = null;
        }
        prefixStale = true;
    }

    /** Removes an entry; returns whether it was present. */
    public boolean remove(long v, long u) {
        int bi = blockFor(v, u);
        if (bi == count) {
            return false;
        }
        Block b = blocks[bi];
        int pos = lowerBound(b, v, u);
        if (pos == b.n || b.v[pos] != v || b.u[pos] != u) {
            return false;
        }
        System.arraycopy(b.v, pos + 1, b.v, pos, b.n - pos - 1);
        System.arraycopy(b.u, pos + 1, b.u, pos, b.n - pos - 1);
        b.n--;
        size--;
        prefixStale = true;
        if (b.n == 0) {
            shiftBlocks(bi + 1, -1);
        } else {
            refreshLast(bi);
            if (b.n < MERGE_BELOW) {
                mergeSmall(bi);
            }
        }
        return true;
    }

    /** Merges a small block into a neighbour when both fit in one block at most 3/4 full. */
    private void mergeSmall(int bi) {
        int left;
        if (bi + 1 < count && blocks[bi].n + blocks[bi + 1].n <= FILL) {
            left = bi;
        } else if (bi > 0 && blocks[bi - 1].n + blocks[bi].n <= FILL) {
            left = bi - 1;
        } else {
            return;
        }
        Block a = blocks[left];
        Block b = blocks[left + 1];
        System.arraycopy(b.v, 0, a.v, a.n, b.n);
        System.arraycopy(b.u, 0, a.u, a.n, b.n);
        a.n += b.n;
        refreshLast(left);
        shiftBlocks(left + 2, -1);
    }

    private void refreshPrefix() {
        if (prefixStale) {
            int sum = 0;
            for (int i = 0; i < count; i++) {
                prefix[i] = sum;
                sum += blocks[i].n;
            }
            prefix[count] = sum;
            prefixStale = false;
        }
    }

    /** The 0-based position of the entry, or -1 if it is not present. */
    public int positionOf(long v, long u) {
        int bi = blockFor(v, u);
        if (bi == count) {
            return -1;
        }
        Block b = blocks[bi];
        int pos = lowerBound(b, v, u);
        if (pos == b.n || b.v[pos] != v || b.u[pos] != u) {
            return -1;
        }
        refreshPrefix();
        return prefix[bi] + pos;
    }

    /** Receives the entries of a range of positions. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(int position, long value, long userId);
    }

    /** Passes the entries at positions {@code from..from+limit-1} (those that exist), in order. */
    public void forRange(int from, int limit, EntryConsumer out) {
        if (from >= size || limit <= 0) {
            return;
        }
        refreshPrefix();
        // the last block whose first position is <= from
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (prefix[mid] <= from) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int pos = from;
        long end = Math.min((long) from + limit, size);
        for (int bi = lo; bi < count && pos < end; bi++) {
            Block b = blocks[bi];
            for (int i = pos - prefix[bi]; i < b.n && pos < end; i++, pos++) {
                out.accept(pos, b.v[i], b.u[i]);
            }
        }
    }
}

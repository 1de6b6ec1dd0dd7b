package dev.voicetrack.core.storage;

import dev.voicetrack.core.VoiceSession;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Session rows kept as columns, for a {@link Batch}: an immutable list whose {@link #get} makes each
 * {@link VoiceSession} when it is asked for. A {@link Batch} keeps such a list as it is (it copies any
 * other), so that the rows of a large write need not all exist at once.
 *
 * <h2>Why</h2>
 *
 * The first tick after a bot starts writes an open row for every member in voice: 100,000 rows in a
 * large bot. As records with their id strings they hold about 170 bytes each (17 MB) until the write
 * ends; here a row is about 90 bytes: a canonical UUID id is two longs (its string is made with the
 * row), the instants are shared with the tracker's state. A backend that reads the rows one at a time
 * ({@code for (VoiceSession s : batch.sessions())}) holds one at a time; one that needs them in id
 * order sorts positions with {@link #idOrder()} rather than a copy of the rows.
 *
 * <p>Rows are stored in blocks of {@value #BLOCK} so that a large list is never copied to grow and no
 * array is larger than a G1 region. Immutable once {@linkplain Builder#build built}; thread safe then.
 */
public final class SessionColumns extends AbstractList<VoiceSession> implements RandomAccess {
    private static final int SHIFT = 11;
    private static final int BLOCK = 1 << SHIFT;
    private static final int MASK = BLOCK - 1;
    /** Longs per row: id high, id low, guild, user, channel, duration, xp, muted, deafened. */
    private static final int LONGS = 9;
    /** References per row: the id when not a canonical UUID (else null), start, end, last accrual. */
    private static final int REFS = 4;

    private final long[][] longs;
    private final Object[][] refs;
    private final int size;

    private SessionColumns(long[][] longs, Object[][] refs, int size) {
        this.longs = longs;
        this.refs = refs;
        this.size = size;
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public VoiceSession get(int index) {
        Objects.checkIndex(index, size);
        long[] l = longs[index >>> SHIFT];
        Object[] r = refs[index >>> SHIFT];
        int a = (index & MASK) * LONGS;
        int b = (index & MASK) * REFS;
        return new VoiceSession(
                id(index),
                l[a + 2],
                l[a + 3],
                l[a + 4],
                (Instant) r[b + 1],
                (Instant) r[b + 2],
                (Instant) r[b + 3],
                l[a + 5],
                l[a + 6],
                l[a + 7],
                l[a + 8]);
    }

    /** The id of row {@code index}, without making the rest of the row. */
    public String id(int index) {
        Objects.checkIndex(index, size);
        Object other = refs[index >>> SHIFT][(index & MASK) * REFS];
        if (other != null) {
            return (String) other;
        }
        long[] l = longs[index >>> SHIFT];
        int a = (index & MASK) * LONGS;
        return new UUID(l[a], l[a + 1]).toString();
    }

    /**
     * The positions of the rows in the order of their ids ({@link String#compareTo}), ties in position
     * order. Two canonical UUID ids compare as their two halves unsigned (the string's hex digits in
     * order), so only other ids are made as strings to be compared.
     */
    public int[] idOrder() {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        int[] buffer = new int[size];
        mergeSort(order, buffer, 0, size);
        return order;
    }

    private void mergeSort(int[] a, int[] buffer, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, buffer, from, mid);
        mergeSort(a, buffer, mid, to);
        if (compareIds(a[mid - 1], a[mid]) <= 0) {
            return; // already in order
        }
        System.arraycopy(a, from, buffer, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && compareIds(buffer[i], buffer[j]) <= 0)) {
                a[k] = buffer[i++];
            } else {
                a[k] = buffer[j++];
            }
        }
    }

    private int compareIds(int x, int y) {
        Object ox = refs[x >>> SHIFT][(x & MASK) * REFS];
        Object oy = refs[y >>> SHIFT][(y & MASK) * REFS];
        if (ox != null || oy != null) {
            return id(x).compareTo(id(y));
        }
        long[] lx = longs[x >>> SHIFT];
        long[] ly = longs[y >>> SHIFT];
        int ax = (x & MASK) * LONGS;
        int ay = (y & MASK) * LONGS;
        int c = Long.compareUnsigned(lx[ax], ly[ay]);
        return c != 0 ? c : Long.compareUnsigned(lx[ax + 1], ly[ay + 1]);
    }

    /** Collects rows; {@link #build} hands them over once. Not thread safe. */
    public static final class Builder {
        private final List<long[]> longs = new ArrayList<>();
        private final List<Object[]> refs = new ArrayList<>();
        private int size;
        private boolean built;

        private Builder() {}

        /**
         * Adds a row whose id is the canonical form of the UUID {@code (idHigh, idLow)}; the values are
         * checked as {@link VoiceSession}'s constructor checks them, at once.
         */
        public Builder add(
                long idHigh,
                long idLow,
                long guildId,
                long userId,
                long channelId,
                Instant start,
                @Nullable Instant end,
                Instant lastAccrual,
                long durationMs,
                long xpEarned,
                long mutedMs,
                long deafenedMs) {
            return add(
                    null,
                    idHigh,
                    idLow,
                    guildId,
                    userId,
                    channelId,
                    start,
                    end,
                    lastAccrual,
                    durationMs,
                    xpEarned,
                    mutedMs,
                    deafenedMs);
        }

        /** Adds a row as it is (its id kept as a string). */
        public Builder add(VoiceSession s) {
            return add(
                    s.id(),
                    0,
                    0,
                    s.guildId(),
                    s.userId(),
                    s.channelId(),
                    s.start(),
                    s.end(),
                    s.lastAccrual(),
                    s.durationMs(),
                    s.xpEarned(),
                    s.mutedMs(),
                    s.deafenedMs());
        }

        private Builder add(
                @Nullable String otherId,
                long idHigh,
                long idLow,
                long guildId,
                long userId,
                long channelId,
                Instant start,
                @Nullable Instant end,
                Instant lastAccrual,
                long durationMs,
                long xpEarned,
                long mutedMs,
                long deafenedMs) {
            if (built) {
                throw new IllegalStateException("the builder was already built");
            }
            // The checks of VoiceSession, so that a bad row fails where it is added, not in storage.
            new VoiceSession(
                    otherId != null ? otherId : "-",
                    guildId,
                    userId,
                    channelId,
                    start,
                    end,
                    lastAccrual,
                    durationMs,
                    xpEarned,
                    mutedMs,
                    deafenedMs);
            if ((size & MASK) == 0) {
                longs.add(new long[BLOCK * LONGS]);
                refs.add(new Object[BLOCK * REFS]);
            }
            long[] l = longs.get(size >>> SHIFT);
            Object[] r = refs.get(size >>> SHIFT);
            int a = (size & MASK) * LONGS;
            int b = (size & MASK) * REFS;
            l[a] = idHigh;
            l[a + 1] = idLow;
            l[a + 2] = guildId;
            l[a + 3] = userId;
            l[a + 4] = channelId;
            l[a + 5] = durationMs;
            l[a + 6] = xpEarned;
            l[a + 7] = mutedMs;
            l[a + 8] = deafenedMs;
            r[b] = otherId;
            r[b + 1] = start;
            r[b + 2] = end;
            r[b + 3] = lastAccrual;
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        /** The rows added, as an immutable list; the builder takes no more rows. */
        public SessionColumns build() {
            built = true;
            var out = new SessionColumns(longs.toArray(new long[0][]), refs.toArray(new Object[0][]), size);
            longs.clear(); // the rows live as long as the list, not as long as the builder
            refs.clear();
            return out;
        }
    }
}

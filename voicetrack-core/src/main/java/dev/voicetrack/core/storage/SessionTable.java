package dev.voicetrack.core.storage;

import dev.voicetrack.core.VoiceSession;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.ObjIntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The sessions of one guild in columns of primitives: an immutable {@code List<VoiceSession>} in id
 * order, each id once, that a {@link GuildSnapshot} keeps as it is (no copy, no second check), so a
 * guild with a million sessions fits in a small heap.
 *
 * <h2>Why</h2>
 *
 * A {@link VoiceSession} object with its id string and three {@link Instant}s takes about 250 bytes;
 * here a session takes about 95 (the id's bytes and an offset, seven {@code long}s; the muted and
 * deafened columns and the sub-millisecond part of the times only exist when a session needs them).
 * {@link #get} builds a new {@code VoiceSession} at each call: iterate once, do not hold them.
 *
 * <h2>Order and duplicates</h2>
 *
 * {@link Builder#build} sorts the rows by id exactly as {@code Comparator.comparing(VoiceSession::id)}
 * does, and keeps the first added row of an id; the rows it drops are handed to a callback. So a
 * table equals (and has the same {@link GuildSnapshot#checksum checksum} as) any other list of the same
 * sessions in canonical order.
 *
 * <p>Thread safety: a built table is immutable and safe to share; a {@link Builder} is not thread
 * safe.
 */
public final class SessionTable extends AbstractList<VoiceSession> implements RandomAccess {
    private static final int MILLI = 1_000_000;

    private final long guildId;
    private final int size;
    private final boolean ascii;
    private final byte[] ids;
    private final int[] idEnd;
    private final long[] user;
    private final long[] channel;
    private final long[] startMs;
    private final long[] endMs;
    private final long[] lastMs;
    private final long[] duration;
    private final long[] xp;
    private final long @Nullable [] muted;
    private final long @Nullable [] deafened;
    private final int @Nullable [] startNanos;
    private final int @Nullable [] endNanos;
    private final int @Nullable [] lastNanos;
    private final BitSet open;

    private SessionTable(Builder b, int[] order, int size) {
        this.guildId = b.guildId;
        this.size = size;
        this.ascii = b.ascii;
        int bytes = 0;
        for (int k = 0; k < size; k++) {
            int i = order[k];
            bytes += b.idEnd[i] - b.idStart(i);
        }
        this.ids = new byte[bytes];
        this.idEnd = new int[size];
        int at = 0;
        for (int k = 0; k < size; k++) {
            int i = order[k];
            int from = b.idStart(i);
            int len = b.idEnd[i] - from;
            System.arraycopy(b.ids, from, ids, at, len);
            at += len;
            idEnd[k] = at;
        }
        // Column by column, each builder column released once copied: the peak is the builder plus one column.
        b.ids = new byte[0];
        this.user = permute(b.user, order, size);
        b.user = new long[0];
        this.channel = permute(b.channel, order, size);
        b.channel = new long[0];
        this.startMs = permute(b.startMs, order, size);
        b.startMs = new long[0];
        this.endMs = permute(b.endMs, order, size);
        b.endMs = new long[0];
        this.lastMs = permute(b.lastMs, order, size);
        b.lastMs = new long[0];
        this.duration = permute(b.duration, order, size);
        b.duration = new long[0];
        this.xp = permute(b.xp, order, size);
        b.xp = new long[0];
        this.muted = b.muted == null ? null : permute(b.muted, order, size);
        this.deafened = b.deafened == null ? null : permute(b.deafened, order, size);
        this.startNanos = b.startNanos == null ? null : permute(b.startNanos, order, size);
        this.endNanos = b.endNanos == null ? null : permute(b.endNanos, order, size);
        this.lastNanos = b.lastNanos == null ? null : permute(b.lastNanos, order, size);
        b.muted = null;
        b.deafened = null;
        b.startNanos = null;
        b.endNanos = null;
        b.lastNanos = null;
        this.open = new BitSet(size);
        for (int k = 0; k < size; k++) {
            if (b.open.get(order[k])) {
                open.set(k);
            }
        }
        b.idEnd = new int[0];
        b.open.clear();
    }

    /**
     * A builder for up to {@code Integer.MAX_VALUE - 8} sessions of {@code guildId}.
     *
     * @param expected how many sessions will be added (a hint that saves regrowing the columns)
     * @throws IllegalArgumentException if guildId is not positive or expected is negative
     */
    public static Builder builder(long guildId, int expected) {
        return new Builder(guildId, expected);
    }

    /** The guild every session belongs to. */
    public long guildId() {
        return guildId;
    }

    @Override
    public int size() {
        return size;
    }

    /** The id of the session at {@code index}, without building the session. */
    public String id(int index) {
        Objects.checkIndex(index, size);
        return text(ids, index == 0 ? 0 : idEnd[index - 1], idEnd[index], ascii);
    }

    /** The member of the session at {@code index}, without building the session. */
    public long userId(int index) {
        Objects.checkIndex(index, size);
        return user[index];
    }

    /** Whether the session at {@code index} is open (has no end), without building the session. */
    public boolean isOpen(int index) {
        Objects.checkIndex(index, size);
        return open.get(index);
    }

    /** The duration of the session at {@code index}, without building the session. */
    public long durationMs(int index) {
        Objects.checkIndex(index, size);
        return duration[index];
    }

    /** A new {@link VoiceSession} with the columns of row {@code index}. */
    @Override
    public VoiceSession get(int index) {
        Objects.checkIndex(index, size);
        return new VoiceSession(
                id(index),
                guildId,
                user[index],
                channel[index],
                instant(startMs[index], startNanos, index),
                open.get(index) ? null : instant(endMs[index], endNanos, index),
                instant(lastMs[index], lastNanos, index),
                duration[index],
                xp[index],
                muted == null ? 0 : muted[index],
                deafened == null ? 0 : deafened[index]);
    }

    private static Instant instant(long ms, int @Nullable [] nanos, int index) {
        Instant t = Instant.ofEpochMilli(ms);
        return nanos == null || nanos[index] == 0 ? t : t.plusNanos(nanos[index]);
    }

    private static String text(byte[] bytes, int from, int to, boolean ascii) {
        return new String(bytes, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private static long[] permute(long[] column, int[] order, int size) {
        long[] out = new long[size];
        for (int k = 0; k < size; k++) {
            out[k] = column[order[k]];
        }
        return out;
    }

    private static int[] permute(int[] column, int[] order, int size) {
        int[] out = new int[size];
        for (int k = 0; k < size; k++) {
            out[k] = column[order[k]];
        }
        return out;
    }

    /** Collects sessions of one guild, in any order; {@link #build} sorts them. Not thread safe. */
    public static final class Builder {
        private static final int MAX = Integer.MAX_VALUE - 8;

        private final long guildId;
        private int size;
        private boolean ascii = true;
        private boolean built;
        private byte[] ids;
        private int[] idEnd;
        private long[] user;
        private long[] channel;
        private long[] startMs;
        private long[] endMs;
        private long[] lastMs;
        private long[] duration;
        private long[] xp;
        private long @Nullable [] muted;
        private long @Nullable [] deafened;
        private int @Nullable [] startNanos;
        private int @Nullable [] endNanos;
        private int @Nullable [] lastNanos;
        private final BitSet open = new BitSet();

        private Builder(long guildId, int expected) {
            if (guildId <= 0) {
                throw new IllegalArgumentException("guildId must be > 0, was " + guildId);
            }
            if (expected < 0) {
                throw new IllegalArgumentException("expected must be >= 0, was " + expected);
            }
            this.guildId = guildId;
            // The hint sizes the columns up to 4M rows, so an inflated hint cannot take the heap; beyond
            // that the columns grow as rows come.
            int cap = Math.max(16, Math.min(expected, 1 << 22));
            ids = new byte[(int) Math.min(MAX, cap * 36L)];
            idEnd = new int[cap];
            user = new long[cap];
            channel = new long[cap];
            startMs = new long[cap];
            endMs = new long[cap];
            lastMs = new long[cap];
            duration = new long[cap];
            xp = new long[cap];
        }

        /** Sessions added so far, duplicates included. */
        public int size() {
            return size;
        }

        private int idStart(int i) {
            return i == 0 ? 0 : idEnd[i - 1];
        }

        /**
         * Adds a session (a later one with the same id is dropped by {@link #build}).
         *
         * @throws IllegalArgumentException if the session belongs to another guild, a time is beyond
         *     what epoch milliseconds hold, or the builder is full
         * @throws IllegalStateException if the table was built
         */
        public Builder add(VoiceSession s) {
            Objects.requireNonNull(s, "session must not be null");
            if (built) {
                throw new IllegalStateException("the table was built; start a new builder");
            }
            if (s.guildId() != guildId) {
                throw new IllegalArgumentException(
                        "session " + s.id() + " belongs to guild " + s.guildId() + ", not to guildId " + guildId);
            }
            if (size == MAX) {
                throw new IllegalArgumentException("a session table holds at most " + MAX + " sessions");
            }
            byte[] id = s.id().getBytes(StandardCharsets.UTF_8);
            if (id.length != s.id().length()) {
                ascii = false;
            }
            int i = size;
            if (i == idEnd.length) {
                grow();
            }
            int from = idStart(i);
            if (ids.length - from < id.length) {
                long want = Math.max((long) from + id.length, ids.length + (ids.length >> 1) + 16);
                ids = Arrays.copyOf(ids, (int) Math.min(MAX, want));
            }
            System.arraycopy(id, 0, ids, from, id.length);
            idEnd[i] = from + id.length;
            user[i] = s.userId();
            channel[i] = s.channelId();
            startMs[i] = millis(s, "start", s.start());
            startNanos = nanos(startNanos, i, s.start());
            if (s.end() == null) {
                open.set(i);
            } else {
                endMs[i] = millis(s, "end", s.end());
                endNanos = nanos(endNanos, i, s.end());
            }
            lastMs[i] = millis(s, "lastAccrual", s.lastAccrual());
            lastNanos = nanos(lastNanos, i, s.lastAccrual());
            duration[i] = s.durationMs();
            xp[i] = s.xpEarned();
            if (s.mutedMs() != 0) {
                muted = muted == null ? new long[user.length] : muted;
                muted[i] = s.mutedMs();
            }
            if (s.deafenedMs() != 0) {
                deafened = deafened == null ? new long[user.length] : deafened;
                deafened[i] = s.deafenedMs();
            }
            size++;
            return this;
        }

        private static long millis(VoiceSession s, String field, Instant t) {
            try {
                return t.toEpochMilli(); // floor, so a negative time keeps a non-negative sub-ms part
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "session " + s.id() + " " + field + " " + t + " is beyond what epoch milliseconds hold");
            }
        }

        private int @Nullable [] nanos(int @Nullable [] column, int i, Instant t) {
            int sub = t.getNano() % MILLI;
            if (sub == 0) {
                return column;
            }
            int[] out = column == null ? new int[user.length] : column;
            out[i] = sub;
            return out;
        }

        private void grow() {
            int cap = (int) Math.min(MAX, Math.max(16L, idEnd.length + (long) (idEnd.length >> 1)));
            idEnd = Arrays.copyOf(idEnd, cap);
            user = Arrays.copyOf(user, cap);
            channel = Arrays.copyOf(channel, cap);
            startMs = Arrays.copyOf(startMs, cap);
            endMs = Arrays.copyOf(endMs, cap);
            lastMs = Arrays.copyOf(lastMs, cap);
            duration = Arrays.copyOf(duration, cap);
            xp = Arrays.copyOf(xp, cap);
            muted = muted == null ? null : Arrays.copyOf(muted, cap);
            deafened = deafened == null ? null : Arrays.copyOf(deafened, cap);
            startNanos = startNanos == null ? null : Arrays.copyOf(startNanos, cap);
            endNanos = endNanos == null ? null : Arrays.copyOf(endNanos, cap);
            lastNanos = lastNanos == null ? null : Arrays.copyOf(lastNanos, cap);
        }

        /**
         * Sorts by id and builds the table; the builder cannot be used afterwards.
         *
         * @param dropped told, in id order, about every row dropped because an earlier added row has its
         *     id: the dropped session and its position in the order of {@link #add}
         */
        public SessionTable build(ObjIntConsumer<VoiceSession> dropped) {
            Objects.requireNonNull(dropped, "dropped must not be null");
            if (built) {
                throw new IllegalStateException("the table was built; start a new builder");
            }
            built = true;
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            if (!sorted()) {
                mergeSort(order);
            }
            int kept = 0;
            for (int k = 0; k < size; k++) {
                int i = order[k];
                if (kept > 0 && compare(order[kept - 1], i) == 0) {
                    dropped.accept(materialize(i), i);
                } else {
                    order[kept++] = i;
                }
            }
            return new SessionTable(this, order, kept);
        }

        private VoiceSession materialize(int i) {
            return new VoiceSession(
                    text(ids, idStart(i), idEnd[i], ascii),
                    guildId,
                    user[i],
                    channel[i],
                    instant(startMs[i], startNanos, i),
                    open.get(i) ? null : instant(endMs[i], endNanos, i),
                    instant(lastMs[i], lastNanos, i),
                    duration[i],
                    xp[i],
                    muted == null ? 0 : muted[i],
                    deafened == null ? 0 : deafened[i]);
        }

        private boolean sorted() {
            for (int i = 1; i < size; i++) {
                if (compare(i - 1, i) >= 0) {
                    return false;
                }
            }
            return true;
        }

        private boolean less(long @Nullable [] key, int a, int b) {
            if (key != null && key[a] != key[b]) {
                return Long.compareUnsigned(key[a], key[b]) < 0;
            }
            return compare(a, b) < 0;
        }

        private long[] prefixKeys() {
            int common = idEnd[0];
            for (int i = 1; i < size && common > 0; i++) {
                int from = idStart(i);
                int len = Math.min(common, idEnd[i] - from);
                int m = Arrays.mismatch(ids, 0, len, ids, from, from + len);
                common = m < 0 ? len : m;
            }
            long[] key = new long[size];
            for (int i = 0; i < size; i++) {
                int from = idStart(i) + common;
                long k = 0;
                for (int b = 0; b < 8; b++) {
                    k = (k << 8) | (from + b < idEnd[i] ? ids[from + b] & 0xFF : 0);
                }
                key[i] = k;
            }
            return key;
        }

        /** Id order of rows a and b: String order (UTF-16 units), which byte order equals for ASCII. */
        private int compare(int a, int b) {
            int af = idStart(a);
            int bf = idStart(b);
            if (ascii) {
                return Arrays.compareUnsigned(ids, af, idEnd[a], ids, bf, idEnd[b]);
            }
            return text(ids, af, idEnd[a], false).compareTo(text(ids, bf, idEnd[b], false));
        }

        /**
         * A stable merge sort of row numbers by id (equal ids keep the order they were added in). For
         * ASCII ids it first compares 8 bytes after the prefix all ids share, packed in a long (big
         * endian, zero padded, so a smaller key is a smaller id), and reads the ids only on a tie.
         */
        private void mergeSort(int[] order) {
            long[] key = ascii ? prefixKeys() : null;
            int[] src = order;
            int[] dst = new int[size];
            for (int width = 1; width < size; width <<= 1) {
                for (int lo = 0; lo < size; lo += width << 1) {
                    int mid = Math.min(lo + width, size);
                    int hi = Math.min(lo + (width << 1), size);
                    int i = lo;
                    int j = mid;
                    int k = lo;
                    while (i < mid && j < hi) {
                        dst[k++] = less(key, src[j], src[i]) ? src[j++] : src[i++];
                    }
                    while (i < mid) {
                        dst[k++] = src[i++];
                    }
                    while (j < hi) {
                        dst[k++] = src[j++];
                    }
                }
                int[] t = src;
                src = dst;
                dst = t;
            }
            if (src != order) {
                System.arraycopy(src, 0, order, 0, size);
            }
        }
    }
}

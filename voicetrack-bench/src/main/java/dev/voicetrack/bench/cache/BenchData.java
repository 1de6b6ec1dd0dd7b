package dev.voicetrack.bench.cache;

import java.util.SplittableRandom;

/**
 * Keys, values and pre-computed access sequences shared by the cache benchmarks, so that the
 * measured methods do nothing but index an array and call the cache.
 *
 * <p>Keys look like the tracker's ({@code vt:user:<guild>:<user>}); {@value #GUILDS} guilds share
 * the key space, so a guild tag covers {@code KEYS / GUILDS} entries. All sequences are built from
 * fixed seeds, so every run (and both caches of a run) sees the same keys in the same order.
 */
final class BenchData {

    /** Number of distinct keys pre-populated in the read and write benchmarks: 2^14. */
    static final int KEYS = 1 << 14;

    /** Length of each per-thread index sequence (2^20); indices wrap with {@link #SEQUENCE_MASK}. */
    static final int SEQUENCE_LENGTH = 1 << 20;

    static final int SEQUENCE_MASK = SEQUENCE_LENGTH - 1;

    /** Guilds the keys are spread over. */
    static final int GUILDS = 16;

    /** Zipf exponent of the read sequences, YCSB's default. */
    static final double ZIPF_EXPONENT = 0.99;

    private static final long BASE_GUILD_ID = 900_000_000_000_000_000L;
    private static final long BASE_USER_ID = 100_000_000_000_000_000L;

    private BenchData() {}

    static long guildId(int i) {
        return BASE_GUILD_ID + (i % GUILDS);
    }

    static long userId(int i) {
        return BASE_USER_ID + i;
    }

    /** {@code count} distinct keys {@code vt:user:<guild>:<user>} for indices {@code first ..}. */
    static String[] keys(int first, int count) {
        String[] keys = new String[count];
        for (int i = 0; i < count; i++) {
            int n = first + i;
            keys[i] = "vt:user:" + guildId(n) + ":" + userId(n);
        }
        return keys;
    }

    /** One value per key index. */
    static MemberSnapshot[] values(int first, int count) {
        MemberSnapshot[] values = new MemberSnapshot[count];
        for (int i = 0; i < count; i++) {
            int n = first + i;
            values[i] = new MemberSnapshot(guildId(n), userId(n), 60_000L * n, 10L * n, n % 100);
        }
        return values;
    }

    static String guildTag(int i) {
        return "guild:" + guildId(i);
    }

    static String userTag(int i) {
        return "user:" + guildId(i) + ":" + userId(i);
    }

    /**
     * A Zipf-distributed index sequence over {@code [0, KEYS)}: rank r is drawn with probability
     * proportional to {@code 1 / r^ZIPF_EXPONENT}, and ranks are mapped to key indices through a fixed
     * random permutation so that the hot keys are scattered over the hash table instead of being the
     * first ones inserted.
     */
    static int[] zipfSequence(long seed) {
        double[] cumulative = new double[KEYS];
        double sum = 0;
        for (int r = 0; r < KEYS; r++) {
            sum += 1.0 / Math.pow(r + 1, ZIPF_EXPONENT);
            cumulative[r] = sum;
        }
        int[] rankToKey = permutation(0x5EED_CAFEL);
        SplittableRandom random = new SplittableRandom(seed);
        int[] sequence = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            double u = random.nextDouble() * sum;
            int rank = lowerBound(cumulative, u);
            sequence[i] = rankToKey[rank];
        }
        return sequence;
    }

    /** A uniformly distributed index sequence over {@code [0, KEYS)}. */
    static int[] uniformSequence(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sequence = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            sequence[i] = random.nextInt(KEYS);
        }
        return sequence;
    }

    private static int[] permutation(long seed) {
        int[] p = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = KEYS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // First index whose cumulative weight is >= u.
    private static int lowerBound(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

package dev.voicetrack.bench.redis;

import dev.voicetrack.bench.cache.MemberSnapshot;
import dev.voicetrack.cache.redis.JacksonCodec;
import java.util.SplittableRandom;

/**
 * Keys, values and access sequences of the Redis benchmarks, so that the measured methods only
 * index an array and call the cache or the client.
 *
 * <p>{@value #KEYS} keys, the size of the key space {@code redis-benchmark -r 16384} draws from.
 * Values are {@link MemberSnapshot}s whose numbers have a fixed number of digits, so every value's
 * JSON (written by {@link JacksonCodec}, exactly the bytes the Redis cache stores) has the same
 * length, {@link #payloadBytes()}; {@code run-redis-bench.sh} passes that length to {@code
 * redis-benchmark -d}, so both sides move values of the same size. Every sequence is built from a
 * fixed seed.
 */
public final class RedisBenchData {

    /** Number of distinct keys: 2^14. */
    public static final int KEYS = 1 << 14;

    /** Length of each per-thread index sequence (2^16); indices wrap with {@link #SEQUENCE_MASK}. */
    static final int SEQUENCE_LENGTH = 1 << 16;

    static final int SEQUENCE_MASK = SEQUENCE_LENGTH - 1;

    static final JacksonCodec<MemberSnapshot> CODEC = JacksonCodec.of(MemberSnapshot.class);

    private static final long BASE_GUILD_ID = 900_000_000_000_000_000L;
    private static final long BASE_USER_ID = 100_000_000_000_000_000L;
    private static final int GUILDS = 16;

    private RedisBenchData() {}

    /** {@code KEYS} distinct keys shaped like the tracker's, {@code vt:user:<guild>:<user>}. */
    static String[] keys() {
        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "vt:user:" + (BASE_GUILD_ID + i % GUILDS) + ":" + (BASE_USER_ID + i);
        }
        return keys;
    }

    /** One value per key; every number has a fixed number of digits for any index below {@code KEYS}. */
    static MemberSnapshot[] values() {
        MemberSnapshot[] values = new MemberSnapshot[KEYS];
        for (int i = 0; i < KEYS; i++) {
            values[i] = new MemberSnapshot(
                    BASE_GUILD_ID + i % GUILDS,
                    BASE_USER_ID + i,
                    1_000_000_000_000L + 60_000L * i,
                    1_000_000L + 10L * i,
                    10 + i % 90);
        }
        return values;
    }

    /** The JSON of each value, as the cache's codec writes it. */
    static byte[][] payloads(MemberSnapshot[] values) {
        byte[][] payloads = new byte[values.length][];
        int size = payloadBytes();
        for (int i = 0; i < values.length; i++) {
            payloads[i] = CODEC.encode(values[i]);
            if (payloads[i].length != size) {
                throw new IllegalStateException(
                        "value " + i + " encodes to " + payloads[i].length + " bytes, expected " + size);
            }
        }
        return payloads;
    }

    /** The length of every value's JSON. */
    public static int payloadBytes() {
        return CODEC.encode(values0()).length;
    }

    private static MemberSnapshot values0() {
        return new MemberSnapshot(BASE_GUILD_ID, BASE_USER_ID, 1_000_000_000_000L, 1_000_000L, 10);
    }

    /** A uniform index sequence over {@code [0, KEYS)}, as {@code redis-benchmark -r} draws keys. */
    static int[] uniformSequence(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sequence = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            sequence[i] = random.nextInt(KEYS);
        }
        return sequence;
    }

    /** Prints {@link #payloadBytes()}, for the script's {@code redis-benchmark -d}. */
    public static void main(String[] args) {
        System.out.println(payloadBytes());
    }
}

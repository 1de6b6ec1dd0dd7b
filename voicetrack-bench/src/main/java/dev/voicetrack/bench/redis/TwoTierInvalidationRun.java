package dev.voicetrack.bench.redis;

import dev.voicetrack.bench.cache.MemberSnapshot;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.cache.redis.internal.TwoTierCacheImpl;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How long a write on one two-tier instance takes to reach another instance's in-process tier, as two
 * bot processes on one Redis would see it (issue 3's target: p99 under 100 ms on loopback).
 *
 * <p>Two caches on separate connectors share one server. For each of {@code writes} writes, instance B
 * first holds an in-process copy of the key, then A writes a new value, and the clock runs until B's
 * {@code get} returns the new value: B serves its stale copy until A's invalidation arrives over
 * pub/sub and drops it, then reads Redis. Run it from the repository root after building the
 * benchmarks jar:
 *
 * <pre>{@code
 * java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.redis.TwoTierInvalidationRun [redisPort] [writes]
 * }</pre>
 *
 * A port of 0 (the default) starts a private server; 6379 is refused. {@code run-redis-bench.sh} runs it
 * against its own server.
 */
public final class TwoTierInvalidationRun {

    private TwoTierInvalidationRun() {}

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        if (writes < 100) {
            throw new IllegalArgumentException("writes must be at least 100, was " + writes);
        }
        String[] keys = Arrays.copyOf(RedisBenchData.keys(), 10);
        MemberSnapshot[] values = RedisBenchData.values();
        CacheConfig config = CacheConfig.builder().name("invalidation-run").build();
        try (RedisTarget target = RedisTarget.open(port);
                RedisCache<MemberSnapshot> a =
                        TwoTierCache.create(target.cacheConfig("vtinv:"), config, RedisBenchData.CODEC);
                RedisCache<MemberSnapshot> b =
                        TwoTierCache.create(target.cacheConfig("vtinv:"), config, RedisBenchData.CODEC)) {
            await("both instances subscribed", () -> tier(a).synced() && tier(b).synced());
            long[] micros = new long[writes];
            for (int i = 0; i < writes; i++) {
                String key = keys[i % keys.length];
                MemberSnapshot before = values[i % values.length];
                MemberSnapshot after = values[(i + 1) % values.length];
                a.put(key, before);
                await(
                        "B's copy of " + key,
                        () -> b.get(key).equals(Optional.of(before))
                                && tier(b).localTier().contains(key));
                a.put(key, after);
                long start = System.nanoTime();
                await("B sees the write to " + key, () -> b.get(key).equals(Optional.of(after)));
                micros[i] = (System.nanoTime() - start) / 1_000;
            }
            Arrays.sort(micros);
            System.out.printf(
                    "two-tier invalidation, %,d writes: p50 %,d µs, p90 %,d µs, p99 %,d µs, max %,d µs"
                            + " (target: p99 under 100 ms: %s)%n",
                    writes,
                    at(micros, 0.50),
                    at(micros, 0.90),
                    at(micros, 0.99),
                    micros[writes - 1],
                    at(micros, 0.99) < 100_000 ? "met" : "MISSED");
        }
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.ceil(sorted.length * quantile) - 1];
    }

    private static TwoTierCacheImpl<MemberSnapshot> tier(RedisCache<MemberSnapshot> cache) {
        return (TwoTierCacheImpl<MemberSnapshot>) cache;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}

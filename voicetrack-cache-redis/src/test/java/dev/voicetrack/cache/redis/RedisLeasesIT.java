package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheException;
import dev.voicetrack.cache.lease.Lease;
import dev.voicetrack.cache.lease.LeaseStore;
import dev.voicetrack.testkit.redis.RedisCluster;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leases shared through a real Redis by two "processes" (two connectors). Time is the callers' (an
 * {@link Instant} per call), so lapses are driven without waiting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisLeasesIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

    private RedisServer server;
    private RedisConnector one;
    private RedisConnector two;
    private LeaseStore first;
    private LeaseStore second;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        one = connect(RedisCacheConfig.builder().url(server.url()));
        two = connect(RedisCacheConfig.builder().url(server.url()));
        first = RedisLeases.create(one);
        second = RedisLeases.create(two);
    }

    private static RedisConnector connect(RedisCacheConfig.Builder b) {
        RedisConnector c = RedisConnector.connect(b.commandTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(2))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build());
        assertThat(c.awaitConnected(Duration.ofSeconds(10))).isTrue();
        return c;
    }

    @AfterEach
    void stop() {
        one.close();
        two.close();
        server.close();
    }

    @Test
    void aLeaseHeldAndRenewed_isRefusedToAnother_untilItLapses() {
        assertThat(first.claim("shard-3", "a", T0, TTL)).isEqualTo(new Lease("shard-3", "a", T0.plus(TTL)));
        Lease refused = second.claim("shard-3", "b", T0.plusSeconds(1), TTL);
        assertThat(refused.heldBy("b")).isFalse();
        assertThat(refused).isEqualTo(new Lease("shard-3", "a", T0.plus(TTL)));

        // The holder renews every 10 s: the other never gets it.
        for (int s = 10; s <= 60; s += 10) {
            assertThat(first.claim("shard-3", "a", T0.plusSeconds(s), TTL).heldBy("a"))
                    .isTrue();
            assertThat(second.claim("shard-3", "b", T0.plusSeconds(s + 1), TTL).heldBy("b"))
                    .isFalse();
        }
        // The holder dies (renewed last at 60 s): at 90 s the lease has lapsed and the other takes it.
        assertThat(second.claim("shard-3", "b", T0.plusSeconds(89), TTL).heldBy("b"))
                .isFalse();
        Lease taken = second.claim("shard-3", "b", T0.plusSeconds(90), TTL);
        assertThat(taken).isEqualTo(new Lease("shard-3", "b", T0.plusSeconds(90).plus(TTL)));
        // The old holder, back, finds it lost.
        assertThat(first.claim("shard-3", "a", T0.plusSeconds(91), TTL).holder())
                .isEqualTo("b");
        // Other leases are independent.
        assertThat(first.claim("shard-4", "a", T0.plusSeconds(91), TTL).heldBy("a"))
                .isTrue();
    }

    @Test
    void release_freesTheLeaseAtOnce_onlyForItsHolder() {
        first.claim("shard-0", "a", T0, TTL);
        assertThat(second.release("shard-0", "b")).isFalse();
        assertThat(second.claim("shard-0", "b", T0, TTL).heldBy("b")).isFalse();
        assertThat(first.release("shard-0", "a")).isTrue();
        assertThat(second.claim("shard-0", "b", T0, TTL).heldBy("b")).isTrue();
        assertThat(first.release("shard-0", "a")).isFalse();
    }

    @Test
    void concurrentClaimsFromTwoProcesses_haveExactlyOneWinner() throws Exception {
        int callers = 20;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Boolean>> wins = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                LeaseStore store = i % 2 == 0 ? first : second;
                String owner = "owner-" + i;
                wins.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.claim("contested", owner, T0, TTL).heldBy(owner);
                }));
            }
            int won = 0;
            for (Future<Boolean> w : wins) {
                won += w.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArguments_areRefusedNamingThem() {
        assertThatThrownBy(() -> first.claim("x", "a|b", T0, TTL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner")
                .hasMessageContaining("'a|b'");
        assertThatThrownBy(() -> first.claim("x", "a", T0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
    }

    @Test
    void redisGone_claimFails_withTheLeaseNamed() {
        server.stop();
        assertThatThrownBy(() -> first.claim("shard-1", "a", T0, TTL))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("lease shard-1");
    }

    @Test
    void leasesWorkOnARedisCluster() {
        try (RedisCluster cluster = RedisCluster.start();
                RedisConnector a = connect(RedisCacheConfig.builder().clusterUrls(cluster.urls()));
                RedisConnector b = connect(RedisCacheConfig.builder().clusterUrls(cluster.urls()))) {
            LeaseStore x = RedisLeases.create(a);
            LeaseStore y = RedisLeases.create(b);
            for (int shard = 0; shard < 6; shard++) { // keys spread over the masters
                assertThat(x.claim("shard-" + shard, "a", T0, TTL).heldBy("a")).isTrue();
                assertThat(y.claim("shard-" + shard, "b", T0.plusSeconds(5), TTL)
                                .holder())
                        .isEqualTo("a");
                assertThat(y.claim("shard-" + shard, "b", T0.plus(TTL), TTL).heldBy("b"))
                        .isTrue();
            }
        }
    }
}

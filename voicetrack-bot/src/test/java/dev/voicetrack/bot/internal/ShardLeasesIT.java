package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.lease.LeaseStore;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisLeases;
import dev.voicetrack.testkit.ManualClock;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two processes' shard leases on one real Redis, on a manual clock: a shard claimed twice is tracked
 * by the first only, a stopped process's shards are taken over at once, a killed one's after the lease
 * time, and a Redis outage keeps what is held.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardLeasesIT {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int TOTAL = 4;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));
    private RedisServer server;
    private RedisConnector one;
    private RedisConnector two;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        one = connect();
        two = connect();
    }

    private RedisConnector connect() {
        RedisConnector c = RedisConnector.connect(RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(Duration.ofSeconds(5))
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

    /** A guild id whose shard of {@link #TOTAL} is {@code shard}. */
    private static long guildOfShard(int shard) {
        return ((long) (1000 * TOTAL + shard) << 22) | 7;
    }

    private ShardLeases leases(RedisConnector c, String owner, List<Integer> ids, AtomicInteger changes) {
        LeaseStore store = RedisLeases.create(c);
        return new ShardLeases(store, owner, TOTAL, ids, LEASE, clock, changes::incrementAndGet);
    }

    @Test
    void aShardClaimedByTwoProcesses_isTrackedByTheFirstOnly_andTakenOverAfterItsLeaseWhenTheFirstDies() {
        AtomicInteger aChanges = new AtomicInteger();
        AtomicInteger bChanges = new AtomicInteger();
        ShardLeases a = leases(one, "host-a:1:x", List.of(0, 1), aChanges);
        ShardLeases b = leases(two, "host-b:2:y", List.of(1, 2), bChanges); // shard 1 twice: a mistake
        a.renew();
        b.renew();
        assertThat(a.owned()).containsExactly(0, 1);
        assertThat(b.owned()).containsExactly(2);
        assertThat(b.claimedElsewhere()).containsEntry(1, "host-a:1:x");
        assertThat(a.owns(guildOfShard(1))).isTrue();
        assertThat(b.owns(guildOfShard(1))).isFalse();
        assertThat(b.owns(guildOfShard(2))).isTrue();
        assertThat(b.owns(guildOfShard(3))).as("not one of its shards").isFalse();

        // While A renews every third of the lease, B never gets shard 1.
        for (int i = 0; i < 6; i++) {
            clock.advance(LEASE.dividedBy(3));
            a.renew();
            b.renew();
            assertThat(b.owned()).containsExactly(2);
        }
        // A is killed (no more renewals, nothing released): B takes shard 1 once A's lease lapsed.
        clock.advance(LEASE.minusSeconds(1));
        b.renew();
        assertThat(b.owned()).containsExactly(2);
        int before = bChanges.get();
        clock.advance(Duration.ofSeconds(1));
        b.renew();
        assertThat(b.owned()).containsExactly(1, 2);
        assertThat(b.claimedElsewhere()).isEmpty();
        assertThat(bChanges.get())
                .as("the tracker is reconciled to resume shard 1")
                .isEqualTo(before + 1);
        // A's own clock also says its lease lapsed: it stops tracking before it even renews.
        assertThat(a.owns(guildOfShard(1))).isFalse();
        a.renew(); // back from a long pause: shard 1 is B's now, shard 0 nobody took
        assertThat(a.owned()).containsExactly(0);
        assertThat(a.claimedElsewhere()).containsEntry(1, "host-b:2:y");
    }

    @Test
    void aStoppedProcessReleasesItsShards_andAnotherTakesThemAtItsNextRenewal() {
        AtomicInteger changes = new AtomicInteger();
        ShardLeases a = leases(one, "a", List.of(0, 1, 2, 3), new AtomicInteger());
        ShardLeases b = leases(two, "b", List.of(0, 1, 2, 3), changes);
        a.renew();
        b.renew();
        assertThat(b.owned()).isEmpty();
        a.releaseAll(); // a graceful stop, after its last tick
        assertThat(a.owned()).isEmpty();
        b.renew(); // no clock advance needed
        assertThat(b.owned()).containsExactly(0, 1, 2, 3);
        assertThat(changes.get()).isEqualTo(1);
    }

    @Test
    void redisDown_keepsTheShardsHeld_andTakesNoNewOnes() {
        ShardLeases a = leases(one, "a", List.of(0), new AtomicInteger());
        ShardLeases b = leases(two, "b", List.of(1), new AtomicInteger());
        a.renew();
        server.stop();
        b.renew();
        clock.advance(LEASE.multipliedBy(3));
        a.renew();
        assertThat(a.storeUnreachable()).isTrue();
        assertThat(a.owns(guildOfShard(0)))
                .as("nobody can claim it through Redis either")
                .isTrue();
        assertThat(b.owned()).as("never confirmed: not tracked").isEmpty();
    }

    @Test
    void shardOf_isDiscordsRouting() {
        assertThat(ShardLeases.shardOf(guildOfShard(3), TOTAL)).isEqualTo(3);
        assertThat(ShardLeases.shardOf(81384788765712384L, 1)).isZero();
        // (81384788765712384 >> 22) = 19403556864 -> % 6 = 0
        assertThat(ShardLeases.shardOf(81384788765712384L, 6)).isEqualTo((int) ((81384788765712384L >> 22) % 6));
    }
}

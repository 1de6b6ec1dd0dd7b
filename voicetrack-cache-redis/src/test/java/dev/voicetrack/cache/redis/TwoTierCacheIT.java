package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.internal.TwoTierCacheImpl;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances of the two-tier cache on one real Redis, as two bot processes would run. */
class TwoTierCacheIT {

    private RedisServer server;
    private RedisCache<TestValue> a;
    private RedisCache<TestValue> b;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        a = instance();
        b = instance();
        Await.until("both instances synced", () -> tier(a).synced() && tier(b).synced());
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        server.close();
    }

    private RedisCache<TestValue> instance() {
        return TwoTierCache.create(
                RedisCacheConfig.builder()
                        .url(server.url())
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build(),
                CacheConfig.builder().name("shared").build(),
                JacksonCodec.of(TestValue.class));
    }

    private static TwoTierCacheImpl<TestValue> tier(RedisCache<TestValue> c) {
        return (TwoTierCacheImpl<TestValue>) c;
    }

    /**
     * Reads {@code key} on {@code reader} until the read has filled its in-process tier. A fill can be
     * undone by the late invalidation message of the write that preceded the read (deliberately: the
     * reader cannot tell it is late), so the first read may not stick.
     */
    private static void readUntilFilled(RedisCache<TestValue> reader, String key, TestValue expected) {
        Await.until(
                "fill of " + key,
                () -> reader.get(key).equals(Optional.of(expected))
                        && tier(reader).localTier().contains(key));
    }

    /**
     * Closing twice (a tracker that owns the cache closes it, and so does the try-with-resources that
     * opened it) closes each Lettuce connection once: Lettuce warns "Connection is already closed" (on
     * its logger, JUL here, as no SLF4J provider is on the test class path) for a second close, which
     * the sharded tick benchmark printed at every process's end.
     */
    @Test
    void closeTwice_closesEachConnectionOnce_soLettuceWarnsNothing() {
        Logger lettuce = Logger.getLogger("io.lettuce");
        List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        lettuce.addHandler(handler);
        try {
            RedisCache<TestValue> c = instance();
            Await.until("the instance synced", () -> tier(c).synced());
            c.put("user:1:1", TestValue.of("x", 1));
            assertThat(c.get("user:1:1")).contains(TestValue.of("x", 1));

            c.close();
            c.close();

            assertThat(warnings)
                    .extracting(r -> r.getLoggerName() + ": " + r.getMessage())
                    .isEmpty();
        } finally {
            lettuce.removeHandler(handler);
        }
    }

    @Test
    void redisHit_fillsTheInProcessTier() {
        a.put("user:1:1", TestValue.of("x", 1));

        readUntilFilled(b, "user:1:1", TestValue.of("x", 1));

        assertThat(tier(b).localTier().get("user:1:1")).contains(TestValue.of("x", 1));
    }

    @Test
    void redisHitsOfGetAll_fillTheInProcessTier() {
        a.put("user:1:1", TestValue.of("x", 1));
        a.put("user:1:2", TestValue.of("y", 2), WriteOptions.ttl(Duration.ofMinutes(3)));
        // as in readUntilFilled: a late invalidation of a's writes may undo the first fill
        Await.until(
                "getAll fill",
                () -> b.getAll(List.of("user:1:1", "user:1:2", "user:1:3"))
                                .equals(Map.of("user:1:1", TestValue.of("x", 1), "user:1:2", TestValue.of("y", 2)))
                        && tier(b).localTier().contains("user:1:1")
                        && tier(b).localTier().contains("user:1:2"));

        assertThat(tier(b).localTier().get("user:1:2")).contains(TestValue.of("y", 2));
        assertThat(tier(b).localTier().contains("user:1:3")).isFalse();
        // a write on a reaches b's copy made by getAll
        a.put("user:1:2", TestValue.of("z", 3));
        Await.until(
                "invalidation of the getAll copy", () -> !tier(b).localTier().contains("user:1:2"));
        assertThat(b.getAll(List.of("user:1:2"))).containsEntry("user:1:2", TestValue.of("z", 3));
    }

    /**
     * Correctness only: how fast the write arrives is measured by the benchmark {@code
     * TwoTierInvalidationRun}, never asserted here.
     */
    @Test
    void everyWriteOnOneInstance_replacesTheOthersInProcessCopy() {
        for (int i = 0; i < 50; i++) {
            String key = "user:1:" + (i % 10);
            TestValue before = TestValue.of("before", i);
            a.put(key, before);
            readUntilFilled(b, key, before);
            TestValue next = TestValue.of("v", i);

            a.put(key, next);
            // b serves its in-process copy until the invalidation arrives, then reads Redis.
            Await.until("b sees the write to " + key, () -> b.get(key).equals(Optional.of(next)));
        }
    }

    @Test
    void tagPatternAndClearOnOneInstance_dropTheOthersCopies() {
        a.put("user:1:1", TestValue.of("u", 1), WriteOptions.tags("guild:1"));
        a.put("lb:1:xp:0", TestValue.of("lb", 1));
        a.put("cfg:1", TestValue.of("c", 1));
        // a's puts publish invalidations that may reach b after b filled a copy (dropping it again):
        // read all three until b holds them at once
        Await.until("b holds all three", () -> {
            readUntilFilled(b, "user:1:1", TestValue.of("u", 1));
            readUntilFilled(b, "lb:1:xp:0", TestValue.of("lb", 1));
            readUntilFilled(b, "cfg:1", TestValue.of("c", 1));
            return tier(b).localTier().keys("*").size() == 3;
        });

        assertThat(a.invalidateByTag("guild:1")).isEqualTo(1);
        Await.until("tag invalidation", () -> !tier(b).localTier().contains("user:1:1"));
        assertThat(a.invalidateByPattern("lb:1:*")).isEqualTo(1);
        Await.until("pattern invalidation", () -> !tier(b).localTier().contains("lb:1:xp:0"));
        a.clear();
        Await.until("clear", () -> !tier(b).localTier().contains("cfg:1"));

        assertThat(b.get("user:1:1")).isEmpty();
        assertThat(b.get("cfg:1")).isEmpty();
    }

    /**
     * A tick's batched invalidation, more tags than fit one message: b drops its copies of the
     * invalidated guilds, both those it wrote (carrying their tags) and those it filled from Redis
     * (untagged, dropped by the removed keys), and keeps the copy of a guild not in the batch. The
     * copies b wrote itself can be dropped only by a's messages about them, that is by the batch.
     */
    @Test
    void batchedTagInvalidationOnOneInstance_dropsTheOthersCopiesOfThoseTagsOnly() {
        int guilds = TwoTierCacheImpl.MAX_TAGS_PER_MESSAGE + 200;
        String last = "user:" + (guilds - 1) + ":1";
        List<String> tags = new ArrayList<>();
        for (int g = 0; g < guilds; g++) {
            tags.add("guild:" + g);
            if (g > 0 && g < guilds - 1) {
                a.put("user:" + g + ":1", TestValue.of("u", g), WriteOptions.tags("guild:" + g));
            }
        }
        Map<String, String> ownCopies =
                Map.of("user:0:1", "guild:0", last, "guild:" + (guilds - 1), "user:kept:1", "guild:kept");
        Await.until("b holds its own copies", () -> {
            ownCopies.forEach((key, tag) -> {
                if (!tier(b).localTier().contains(key)) {
                    b.put(key, TestValue.of(key, 1), WriteOptions.tags(tag)); // a fill can lose an epoch race
                }
            });
            return ownCopies.keySet().stream().allMatch(tier(b).localTier()::contains);
        });
        readUntilFilled(b, "user:1:1", TestValue.of("u", 1));

        assertThat(a.invalidateByTags(tags)).isEqualTo(guilds);

        Await.until(
                "b drops its copy of the last guild", () -> !tier(b).localTier().contains(last));
        assertThat(tier(b).localTier().contains("user:0:1")).isFalse();
        Await.until("b drops its filled copy", () -> !tier(b).localTier().contains("user:1:1"));
        assertThat(tier(b).localTier().contains("user:kept:1")).isTrue();
        assertThat(b.get("user:1:1")).isEmpty();
        assertThat(b.get("user:kept:1")).contains(TestValue.of("user:kept:1", 1));
    }

    @Test
    void afterReconnect_theInProcessTierIsCleared() {
        a.put("k", TestValue.of("v", 1));
        readUntilFilled(b, "k", TestValue.of("v", 1));

        server.kill();
        Await.until("b sees the loss", () -> !b.health().connected());
        Await.until("b stops using its in-process tier", () -> !tier(b).synced());
        server.startAgain();

        Await.until("b reconnected and synced", () -> b.health().connected() && tier(b).synced());
        assertThat(tier(b).localTier().contains("k")).isFalse();
    }
}

package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.session.SessionStore;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TTL sessions in a real Redis, shared by two "processes". */
class RedisSessionStoreIT {

    record Session(long channel, int xp) {}

    private RedisServer server;
    private RedisConnector one;
    private RedisConnector two;
    private SessionStore<Session> first;
    private SessionStore<Session> second;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        RedisCacheConfig config = RedisCacheConfig.builder()
                .url(server.url())
                .commandTimeout(Duration.ofMillis(300))
                .connectTimeout(Duration.ofMillis(300))
                .build();
        one = RedisConnector.connect(config);
        two = RedisConnector.connect(config);
        first = RedisSessionStore.create(one, JacksonCodec.of(Session.class));
        second = RedisSessionStore.create(two, JacksonCodec.of(Session.class));
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
        one.close();
        two.close();
        server.close();
    }

    @Test
    void putOnOneProcess_isSeenByTheOther_withAServerSideTtl() {
        first.put("guild:1", "user:7", new Session(3, 10), Duration.ofMinutes(5));

        assertThat(second.get("guild:1", "user:7")).contains(new Session(3, 10));
        long pttl = Long.parseLong(
                server.command("PTTL", "vt:ss:guild%3A1:user%3A7").substring(1));
        assertThat(pttl)
                .isBetween(
                        Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
    }

    @Test
    void touch_renewsTheTtl_andSubSecondTtlsExpire() {
        first.put("g", "a", new Session(1, 1), Duration.ofMillis(200));
        assertThat(second.touch("g", "a", Duration.ofMinutes(1))).isTrue();
        first.put("g", "b", new Session(1, 1), Duration.ofMillis(100));

        // The TTLs as the server holds them, instead of sleeping and hoping the machine kept up.
        assertThat(pttl("vt:ss:g:a"))
                .isBetween(
                        Duration.ofSeconds(50).toMillis(), Duration.ofMinutes(1).toMillis());
        assertThat(pttl("vt:ss:g:b")).isBetween(-2L, 100L);
        Await.until("session b expired on the server", () -> pttl("vt:ss:g:b") == -2);

        assertThat(first.get("g", "a")).isPresent();
        assertThat(first.get("g", "b")).isEmpty();
        assertThat(first.touch("g", "b", Duration.ofMinutes(1))).isFalse();
    }

    private long pttl(String key) {
        return Long.parseLong(server.command("PTTL", key).substring(1));
    }

    @Test
    void list_returnsTheLiveSessionsOfExactlyThatScope() {
        first.put("guild:1", "a", new Session(1, 1), Duration.ofMinutes(1));
        first.put("guild:1", "b:x", new Session(2, 2), Duration.ofMinutes(1));
        first.put("guild:10", "c", new Session(3, 3), Duration.ofMinutes(1));
        first.put("guild:1*", "d", new Session(4, 4), Duration.ofMinutes(1));

        assertThat(second.list("guild:1")).isEqualTo(Map.of("a", new Session(1, 1), "b:x", new Session(2, 2)));
        assertThat(second.list("guild:2")).isEmpty();
    }

    @Test
    void concurrentUpdatesFromTwoProcesses_loseNoIncrement() throws Exception {
        first.put("g", "counter", new Session(0, 0), Duration.ofMinutes(1));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SessionStore<Session> store = t % 2 == 0 ? first : second;
                fs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 100; i++) {
                        store.update("g", "counter", s -> new Session(s.channel(), s.xp() + 1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(first.get("g", "counter")).contains(new Session(0, 800));
        assertThat(Long.parseLong(server.command("PTTL", "vt:ss:g:counter").substring(1)))
                .isPositive();
    }

    @Test
    void update_whoseScriptTimesOutButRunsLater_isAppliedExactlyOnce() {
        first.put("g", "counter", new Session(0, 0), Duration.ofMinutes(1));
        // Write commands and scripts wait 450 ms on the server: the store's first compare-and-set
        // times out on the client (300 ms) but still runs when the pause ends. Reads go on.
        assertThat(server.command("CLIENT", "PAUSE", "450", "WRITE")).isEqualTo("+OK");

        Optional<Session> updated = first.update("g", "counter", s -> new Session(s.channel(), s.xp() + 1));

        assertThat(updated).contains(new Session(0, 1));
        assertThat(second.get("g", "counter")).contains(new Session(0, 1));
    }

    @Test
    void redisDown_sessionsWorkInProcess() {
        server.kill();
        first.put("g", "a", new Session(1, 1), Duration.ofMinutes(1));
        assertThat(first.get("g", "a")).contains(new Session(1, 1));
        assertThat(first.list("g")).containsOnlyKeys("a");
        assertThat(first.remove("g", "a")).isTrue();
    }
}

package dev.voicetrack.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.redis.JacksonCodec;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blocking connections of the cache's hot path, against a real redis-server. */
class DirectPathIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    static RedisServer server;
    static RedisClient lettuce;
    static StatefulRedisConnection<String, byte[]> connection;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        lettuce = RedisClient.create(server.url());
        connection = lettuce.connect(Connector.CODEC);
    }

    @AfterAll
    static void stop() {
        connection.close();
        lettuce.shutdown();
        server.close();
    }

    private static DirectConnection.Endpoint endpoint(String url, Duration commandTimeout) {
        return DirectConnection.Endpoint.of(RedisURI.create(url), TIMEOUT, commandTimeout)
                .orElseThrow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A reply as text; Lua false reads as nil on both paths (RESP2 nil, or RESP3 false on Lettuce's). */
    private static String describe(Object reply) {
        if (reply == null || Boolean.FALSE.equals(reply)) {
            return "nil";
        }
        if (reply instanceof byte[] b) {
            return "'" + new String(b, StandardCharsets.UTF_8) + "'";
        }
        if (reply instanceof List<?> list) {
            return list.stream().map(DirectPathIT::describe).toList().toString();
        }
        return reply.getClass().getSimpleName() + ":" + reply;
    }

    @Test
    void repliesOfEveryShape_readTheSameAsOverLettuce() throws Exception {
        connection.sync().hset("dp:h", "v", bytes("value"));
        String script = "return {false, 'x', 42, {-1, 'y'}, ARGV[1], KEYS[1]}";
        byte[] binary = bytes("a\r\nb\0é");
        byte[] large = new byte[100_000];
        Arrays.fill(large, (byte) '$');
        connection.sync().hset("dp:large", "v", large);
        try (DirectConnection direct = DirectConnection.open(endpoint(server.url(), TIMEOUT), 0)) {
            for (KeyCommands redis : List.of(direct, KeyCommands.of(connection.sync()))) {
                assertThat(describe(redis.hmget("dp:h", "v", "n"))).isEqualTo("['value', nil]");
                assertThat(describe(redis.hmget("dp:missing", "v", "n"))).isEqualTo("[nil, nil]");
                assertThat(redis.hmget("dp:large", "v").get(0)).isEqualTo(large);
                Object multi = redis.eval(script, ScriptOutputType.MULTI, new String[] {"dp:k"}, binary);
                assertThat(describe(multi)).isEqualTo("[nil, 'x', Long:42, [Long:-1, 'y'], 'a\r\nb\0é', 'dp:k']");
                Object integer = redis.eval("return 7", ScriptOutputType.INTEGER, new String[0]);
                assertThat(describe(integer)).isEqualTo("Long:7");
                assertThatThrownBy(() -> redis.evalsha("0".repeat(40), ScriptOutputType.MULTI, new String[0]))
                        .isInstanceOf(RedisNoScriptException.class);
                assertThatThrownBy(() -> redis.eval(
                                "return redis.error_reply('BAD thing')", ScriptOutputType.MULTI, new String[0]))
                        .isExactlyInstanceOf(RedisCommandExecutionException.class)
                        .hasMessageContaining("BAD thing");
                // A script known by its digest runs by it; an unknown one is sent as text first.
                Scripts known = new Scripts(script);
                assertThat(describe(known.run(redis, ScriptOutputType.MULTI, new String[] {"dp:k"}, binary)))
                        .isEqualTo(describe(multi));
            }
            // Error replies leave the connection usable.
            assertThat(direct.isOpen()).isTrue();
            assertThat(describe(direct.hmget("dp:h", "v"))).isEqualTo("['value']");
        }
    }

    @Test
    void password_username_andDatabase_areUsed_andAWrongPasswordGivesNoConnection() throws Exception {
        try (RedisServer secured = RedisServer.start(List.of("--requirepass", "s3cret"))) {
            String url = "redis://:s3cret@127.0.0.1:" + secured.port() + "/3";
            try (DirectConnection direct = DirectConnection.open(endpoint(url, TIMEOUT), 0)) {
                direct.eval("return redis.call('SET', KEYS[1], 'x')", ScriptOutputType.STATUS, new String[] {"dp:db"});
            }
            RedisClient client = RedisClient.create(url);
            try (var db3 = client.connect()) {
                assertThat(db3.sync().get("dp:db")).isEqualTo("x");
                db3.sync().select(0);
                assertThat(db3.sync().exists("dp:db")).isZero();
            } finally {
                client.shutdown();
            }
            String withUser = "redis://default:s3cret@127.0.0.1:" + secured.port();
            try (DirectConnection direct = DirectConnection.open(endpoint(withUser, TIMEOUT), 0)) {
                assertThat(describe(direct.hmget("dp:none", "v"))).isEqualTo("[nil]");
            }

            String wrong = "redis://:nope@127.0.0.1:" + secured.port();
            assertThatThrownBy(() -> DirectConnection.open(endpoint(wrong, TIMEOUT), 0))
                    .isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessageContaining("WRONGPASS");
            try (DirectPool pool = new DirectPool(endpoint(wrong, TIMEOUT), 4)) {
                assertThat(pool.acquire()).isNull();
                assertThat(pool.size()).isZero();
            }
        }
    }

    @Test
    void aServerWithoutClientCommands_stillGetsDirectConnections_unnamed() throws Exception {
        try (RedisServer locked = RedisServer.start(List.of("--rename-command", "CLIENT", ""));
                DirectConnection direct = DirectConnection.open(endpoint(locked.url(), TIMEOUT), 0)) {
            assertThat(describe(direct.hmget("dp:none", "v"))).isEqualTo("[nil]");
        }
    }

    @Test
    void tlsAndUnixSockets_stayWithLettuce() {
        assertThat(DirectConnection.Endpoint.of(RedisURI.create("rediss://127.0.0.1:6380"), TIMEOUT, TIMEOUT))
                .isEmpty();
        assertThat(DirectConnection.Endpoint.of(RedisURI.create("redis-socket:///tmp/redis.sock"), TIMEOUT, TIMEOUT))
                .isEmpty();
        try (RedisConnector cluster = RedisConnector.connect(RedisCacheConfig.builder()
                .clusterUrls(List.of(server.url()))
                .connectTimeout(Duration.ofMillis(200))
                .build())) {
            assertThat(Connector.of(cluster).direct()).isNull();
        }
    }

    @Test
    void aServerThatNeverAnswers_timesOutAfterTheCommandTimeout_andTheConnectionIsClosed() throws Exception {
        // The kernel completes the handshake for the backlog; nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            var endpoint = new DirectConnection.Endpoint(
                    "127.0.0.1", silent.getLocalPort(), null, null, 0, TIMEOUT, Duration.ofMillis(200));
            // Opening names the connection, which already waits for a reply.
            assertThatThrownBy(() -> DirectConnection.open(endpoint, 0))
                    .isInstanceOf(RedisCommandTimeoutException.class)
                    .hasMessageContaining("PT0.2S");
            try (DirectPool pool = new DirectPool(endpoint, 2)) {
                assertThat(pool.acquire()).isNull();
                assertThat(pool.size()).isZero();
            }
        }
    }

    @Test
    void aServerThatHangsUpDuringTheHandshake_isUnreachable_andThePoolHandsTheCallToLettuce() throws Exception {
        // What a killed redis-server does to a connection it accepted a moment before: the handshake's
        // first reply never comes, the socket ends. A caller must get "no connection", not an exception.
        try (ServerSocket hangsUp = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        var s = hangsUp.accept();
                        s.setSoLinger(true, 0); // closes with RST, as a dying server's kernel does
                        s.close();
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            var endpoint =
                    new DirectConnection.Endpoint("127.0.0.1", hangsUp.getLocalPort(), null, null, 0, TIMEOUT, TIMEOUT);
            assertThatThrownBy(() -> DirectConnection.open(endpoint, 0)).isInstanceOf(java.io.IOException.class);
            try (DirectPool pool = new DirectPool(endpoint, 2)) {
                assertThat(pool.enter()).isNull();
                pool.leave(null);
                assertThat(pool.size()).isZero();
            }
        }
    }

    @Test
    void pool_lendsAtMostMax_reusesIdleConnections_andClosesOldOnesAfterAReset() {
        try (DirectPool pool = new DirectPool(endpoint(server.url(), TIMEOUT), 2)) {
            DirectConnection a = pool.acquire();
            DirectConnection b = pool.acquire();
            assertThat(a).isNotNull();
            assertThat(b).isNotNull().isNotSameAs(a);
            assertThat(pool.acquire()).as("both lent out").isNull();
            pool.release(a);
            assertThat(pool.acquire()).isSameAs(a);
            assertThat(pool.size()).isEqualTo(2);

            pool.reset();
            pool.release(a);
            pool.release(b);
            assertThat(a.isOpen()).isFalse();
            assertThat(b.isOpen()).isFalse();
            assertThat(pool.size()).isZero();
            DirectConnection c = pool.acquire();
            assertThat(c).isNotNull().isNotSameAs(a).isNotSameAs(b);
            pool.release(c);
            assertThat(pool.size()).isEqualTo(1);
        }
    }

    /** The id of the one direct connection the server has, empty if none, and what it ran last. */
    private static Optional<String[]> directClient(RedisServer on) {
        String list;
        RedisClient client = RedisClient.create(on.url());
        try (var c = client.connect()) {
            list = c.sync().clientList();
        } finally {
            client.shutdown();
        }
        Matcher m = Pattern.compile("id=(\\d+) .*name=" + DirectConnection.CLIENT_NAME + " .*cmd=(\\S+)")
                .matcher(list);
        if (!m.find()) {
            return Optional.empty();
        }
        String[] found = {m.group(1), m.group(2)};
        assertThat(m.find()).as("a second direct connection in %s", list).isFalse();
        return Optional.of(found);
    }

    @Test
    void cacheGetsAndPutsGoDirect_andABrokenDirectConnectionHandsTheCallToLettuce() {
        try (RedisServer own = RedisServer.start();
                RedisConnector connector = RedisConnector.connect(
                        RedisCacheConfig.builder().url(own.url()).build());
                RedisCache<TestValue> cache =
                        RedisCache.create(connector, CacheConfig.defaults(), JacksonCodec.of(TestValue.class))) {
            cache.put("a", TestValue.of("A", 0));
            String[] first = directClient(own).orElseThrow();
            assertThat(first[1]).as("a new server does not know the script yet").isEqualTo("eval");
            cache.put("a", TestValue.of("A", 1));
            assertThat(directClient(own).orElseThrow()).containsExactly(first[0], "evalsha");
            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
            assertThat(directClient(own).orElseThrow()).containsExactly(first[0], "hmget");

            // The server drops the direct connection; Lettuce's stays. The next get finds its socket
            // closed, goes over Lettuce without touching the fallback, and the one after reconnects.
            assertThat(own.command("CLIENT", "KILL", "ID", first[0])).isEqualTo(":1");
            assertThat(directClient(own)).isEmpty();
            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
            assertThat(cache.health().healthy()).isTrue();
            assertThat(cache.stats().hits()).isEqualTo(2);
            assertThat(directClient(own)).isEmpty();
            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
            String[] second = directClient(own).orElseThrow();
            assertThat(second[0]).isNotEqualTo(first[0]);
            assertThat(Connector.of(connector).direct().size()).isEqualTo(1);
        }
    }

    @Test
    void afterAServerRestart_theCacheWritesToRedisAgain_overNewDirectConnections() {
        try (RedisServer own = RedisServer.start();
                RedisConnector connector = RedisConnector.connect(RedisCacheConfig.builder()
                        .url(own.url())
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build());
                RedisCache<TestValue> cache =
                        RedisCache.create(connector, CacheConfig.defaults(), JacksonCodec.of(TestValue.class))) {
            cache.put("a", TestValue.of("A", 1));
            assertThat(directClient(own)).isPresent();
            own.kill();
            own.startAgain();
            Await.until("reconnected", () -> cache.health().healthy());
            cache.put("b", TestValue.of("B", 2));
            assertThat(own.command("EXISTS", "vt:default:b")).isEqualTo(":1");
            assertThat(cache.get("b")).contains(TestValue.of("B", 2));
            assertThat(cache.health().healthy()).isTrue();
            // The socket to the old process was dropped, not kept or counted.
            assertThat(directClient(own)).isPresent();
            assertThat(Connector.of(connector).direct().size()).isEqualTo(1);
        }
    }
}

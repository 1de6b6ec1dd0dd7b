package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed pub/sub on a real redis-server, across two connectors (two processes). */
class RedisPubSubIT {

    record LevelUp(long guild, long user, int level) {}

    private static final ValueCodec<LevelUp> CODEC = JacksonCodec.of(LevelUp.class);

    private RedisServer server;
    private RedisConnector publisherSide;
    private RedisConnector subscriberSide;
    private RedisPubSub publisher;
    private RedisPubSub subscriber;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        RedisCacheConfig config = RedisCacheConfig.builder()
                .url(server.url())
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        publisherSide = RedisConnector.connect(config);
        subscriberSide = RedisConnector.connect(config);
        publisher = RedisPubSub.create(publisherSide);
        subscriber = RedisPubSub.create(subscriberSide);
    }

    @AfterEach
    void stop() {
        publisher.close();
        subscriber.close();
        publisherSide.close();
        subscriberSide.close();
        server.close();
    }

    /** Publishes until someone hears it (a subscription is confirmed asynchronously). */
    private void publishUntilHeard(String channel, LevelUp message) {
        Await.until(
                "a subscriber on " + channel,
                () -> publisher
                                .publish(channel, message, CODEC)
                                .toCompletableFuture()
                                .join()
                        > 0);
    }

    @Test
    void subscribe_receivesTypedMessagesInOrder() throws Exception {
        BlockingQueue<LevelUp> got = new LinkedBlockingQueue<>();
        subscriber.subscribe("levels", CODEC, got::add);
        publishUntilHeard("levels", new LevelUp(1, 2, 0));
        LevelUp probe = new LevelUp(1, 2, 0);

        for (int i = 1; i <= 20; i++) {
            publisher.publish("levels", new LevelUp(1, 2, i), CODEC);
        }
        // The probes were all published before message 1 on the same connection, so any still in
        // flight arrive before it: skipping them needs no quiet period.
        LevelUp next = got.poll(5, TimeUnit.SECONDS);
        while (probe.equals(next)) {
            next = got.poll(5, TimeUnit.SECONDS);
        }
        for (int i = 1; i <= 20; i++) {
            assertThat(next).isEqualTo(new LevelUp(1, 2, i));
            next = i < 20 ? got.poll(5, TimeUnit.SECONDS) : got.poll();
        }
        assertThat(next).isNull();
    }

    @Test
    void psubscribe_receivesChannelNameWithoutThePrefix() throws Exception {
        BlockingQueue<Map.Entry<String, LevelUp>> got = new LinkedBlockingQueue<>();
        subscriber.psubscribe("guild:*:levels", CODEC, (channel, m) -> got.add(Map.entry(channel, m)));
        publishUntilHeard("guild:7:levels", new LevelUp(7, 1, 3));

        assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(Map.entry("guild:7:levels", new LevelUp(7, 1, 3)));
        assertThat(server.command("PUBSUB", "NUMPAT")).isEqualTo(":1");
    }

    @Test
    void closedSubscription_receivesNothingMore() throws Exception {
        BlockingQueue<LevelUp> first = new LinkedBlockingQueue<>();
        BlockingQueue<LevelUp> second = new LinkedBlockingQueue<>();
        Subscription s1 = subscriber.subscribe("levels", CODEC, first::add);
        subscriber.subscribe("levels", CODEC, second::add);
        publishUntilHeard("levels", new LevelUp(1, 1, 1));
        s1.close();

        publisher
                .publish("levels", new LevelUp(1, 1, 2), CODEC)
                .toCompletableFuture()
                .join();

        // Both handlers run in order on one delivery thread, so once the second has the message, the
        // first would have had it too.
        Await.until("second handler got it", () -> second.contains(new LevelUp(1, 1, 2)));
        assertThat(first).doesNotContain(new LevelUp(1, 1, 2));
    }

    @Test
    void subscriptions_surviveAServerRestart() throws Exception {
        BlockingQueue<LevelUp> got = new LinkedBlockingQueue<>();
        subscriber.subscribe("levels", CODEC, got::add);
        publishUntilHeard("levels", new LevelUp(1, 1, 1));

        server.kill();
        Await.until("loss noticed", () -> !subscriberSide.health().connected());
        server.startAgain();
        Await.until(
                "reconnected",
                () -> subscriberSide.health().connected()
                        && publisherSide.health().connected());

        publishUntilHeard("levels", new LevelUp(1, 1, 2));
        Await.until("message after restart", () -> got.contains(new LevelUp(1, 1, 2)));
    }

    @Test
    void subscriptionMadeWhileRedisIsDown_isActiveOnceItIsUp() throws Exception {
        server.kill();
        try (RedisConnector late = RedisConnector.connect(RedisCacheConfig.builder()
                        .url(server.url())
                        .connectTimeout(Duration.ofMillis(200))
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build());
                RedisPubSub lateSub = RedisPubSub.create(late)) {
            BlockingQueue<LevelUp> got = new LinkedBlockingQueue<>();
            lateSub.subscribe("levels", CODEC, got::add);
            assertThat(publisher.publish("levels", new LevelUp(0, 0, 0), CODEC).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(5));

            server.startAgain();
            Await.until(
                    "connected",
                    () -> late.health().connected() && publisherSide.health().connected());
            publishUntilHeard("levels", new LevelUp(2, 2, 2));
            Await.until("message", () -> got.contains(new LevelUp(2, 2, 2)));
        }
    }
}

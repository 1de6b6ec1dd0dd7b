package dev.voicetrack.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import dev.voicetrack.testkit.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter's redis and two-tier types on an own redis-server. */
class RedisStarterIT {

    static RedisServer server;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VoiceTrackCacheAutoConfiguration.class));

    @Test
    void redisType_putsTheCachesInRedis_andReportsItsHealth() {
        runner.withPropertyValues(
                        "voicetrack.cache.type=redis",
                        "voicetrack.cache.redis-url=" + server.url(),
                        "voicetrack.cache.key-prefix=boot:",
                        "voicetrack.cache.cache-names=greetings")
                .run(context -> {
                    var manager = context.getBean(VoiceTrackCacheManager.class);
                    var greetings = manager.voiceTrackCaches().get("greetings");
                    assertThat(greetings).isInstanceOf(RedisCache.class);

                    manager.getCache("greetings").put("k", "v");

                    assertThat(greetings.keys("*")).containsExactly("k");
                    assertThat(manager.getCache("greetings").get("k").get()).isEqualTo("v");
                    assertThat(context.getBean("voiceTrackCacheHealthIndicator", HealthIndicator.class)
                                    .health()
                                    .getStatus())
                            .isEqualTo(Status.UP);
                });
    }

    @Test
    void health_isDownWhileRedisIsDown_andTheCachesKeepServing() throws InterruptedException {
        try (RedisServer own = RedisServer.start()) {
            runner.withPropertyValues(
                            "voicetrack.cache.type=redis",
                            "voicetrack.cache.redis-url=" + own.url(),
                            "voicetrack.cache.cache-names=greetings")
                    .run(context -> {
                        var health = context.getBean("voiceTrackCacheHealthIndicator", HealthIndicator.class);
                        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

                        own.kill();
                        var cache =
                                context.getBean(VoiceTrackCacheManager.class).getCache("greetings");
                        // the connector notices the loss on its own; commands meanwhile find it too
                        Status status = Status.UP;
                        for (int i = 0; i < 200 && status.equals(Status.UP); i++) {
                            cache.put("k", "v");
                            Thread.sleep(50);
                            status = health.health().getStatus();
                        }

                        assertThat(status).isEqualTo(Status.DOWN);
                        assertThat(health.health().getDetails()).containsKey("greetings.redisError");
                        assertThat(cache.get("k").get())
                                .as("served by the in-process fallback")
                                .isEqualTo("v");
                    });
        }
    }

    @Test
    void twoTierType_buildsTwoTierCaches() {
        runner.withPropertyValues(
                        "voicetrack.cache.type=two-tier",
                        "voicetrack.cache.redis-url=" + server.url(),
                        "voicetrack.cache.key-prefix=boot2:",
                        "voicetrack.cache.cache-names=greetings")
                .run(context -> {
                    var greetings = context.getBean(VoiceTrackCacheManager.class)
                            .voiceTrackCaches()
                            .get("greetings");
                    assertThat(greetings.getClass().getSimpleName()).isEqualTo("TwoTierCacheImpl");
                });
    }
}

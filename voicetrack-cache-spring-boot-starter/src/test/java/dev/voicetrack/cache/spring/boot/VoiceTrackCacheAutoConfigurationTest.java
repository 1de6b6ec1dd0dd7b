package dev.voicetrack.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter in a real Spring Boot application, and its conditions. */
class VoiceTrackCacheAutoConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableCaching
    static class App {
        @Bean
        GreetingService greetingService() {
            return new GreetingService();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VoiceTrackCacheAutoConfiguration.class));

    @Test
    void bootApplication_cachesThroughVoiceTrack_withTheConfiguredSettingsAndTags() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("voicetrack.cache.cache-names=greetings", "voicetrack.cache.default-ttl=10m")
                .run()) {
            GreetingService service = app.getBean(GreetingService.class);

            service.greet(1, "ann");
            service.greet(1, "ann");
            service.greet(2, "bob");
            service.guildChanged(1);
            service.greet(1, "ann");
            service.greet(2, "bob");

            assertThat(service.computed())
                    .as("ann twice (evicted by tag), bob once")
                    .isEqualTo(3);
            var manager = app.getBean(CacheManager.class);
            assertThat(manager).isInstanceOf(VoiceTrackCacheManager.class);
            var greetings =
                    ((VoiceTrackCacheManager) manager).voiceTrackCaches().get("greetings");
            assertThat(greetings.config().defaultTtl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(app.getBean("voiceTrackCacheHealthIndicator", HealthIndicator.class)
                            .health()
                            .getStatus())
                    .isEqualTo(Status.UP);
        }
    }

    @Test
    void backsOff_whenTheApplicationDefinesACacheManager() {
        runner.withBean(CacheManager.class, ConcurrentMapCacheManager::new).run(context -> {
            assertThat(context).hasSingleBean(CacheManager.class);
            assertThat(context).doesNotHaveBean(VoiceTrackCacheManager.class);
        });
    }

    @Test
    void metrics_ofTheNamedCaches_areRegistered() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("voicetrack.cache.cache-names=greetings")
                .run(context -> {
                    var manager = context.getBean(VoiceTrackCacheManager.class);
                    manager.getCache("greetings").put("k", "v");
                    manager.getCache("greetings").get("k");

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("cache.gets")
                                    .tag("cache", "greetings")
                                    .tag("result", "hit")
                                    .functionCounter()
                                    .count())
                            .isEqualTo(1.0);
                    assertThat(registry.get("cache.size")
                                    .tag("cache", "greetings")
                                    .gauge()
                                    .value())
                            .isEqualTo(1.0);
                });
    }

    @Test
    void metrics_ofCachesCreatedOnFirstUse_areRegisteredToo() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            var manager = context.getBean(VoiceTrackCacheManager.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("cache.gets").tag("cache", "late").functionCounters())
                    .isEmpty();

            manager.getCache("late").put("k", "v");
            manager.getCache("late").get("k");
            manager.getCache("late").get("absent");

            assertThat(registry.get("cache.gets")
                            .tag("cache", "late")
                            .tag("result", "hit")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cache.gets")
                            .tag("cache", "late")
                            .tag("result", "miss")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cache.puts")
                            .tag("cache", "late")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void healthIndicator_canBeSwitchedOff_likeSpringBootsOwn() {
        runner.run(context -> assertThat(context).hasBean("voiceTrackCacheHealthIndicator"));
        runner.withPropertyValues("management.health.voicetrack-cache.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean("voiceTrackCacheHealthIndicator")
                        .hasSingleBean(VoiceTrackCacheManager.class));
        runner.withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("voiceTrackCacheHealthIndicator"));
        runner.withClassLoader(new FilteredClassLoader(
                        org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator
                                .class))
                .run(context -> assertThat(context)
                        .as("without actuator's auto-configuration, the caches still start")
                        .hasNotFailed()
                        .hasSingleBean(VoiceTrackCacheManager.class)
                        .doesNotHaveBean("voiceTrackCacheHealthIndicator"));
    }

    @Test
    void redisType_withoutUrl_failsNamingTheProperty() {
        runner.withPropertyValues("voicetrack.cache.type=redis").run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .hasMessageContaining("voicetrack.cache.redis-url"));
    }
}

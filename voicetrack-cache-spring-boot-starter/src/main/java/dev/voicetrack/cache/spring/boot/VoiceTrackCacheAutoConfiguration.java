package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.cache.spring.EnableVoiceTrackCacheTags;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.support.NullValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds a {@link VoiceTrackCacheManager} from {@code voicetrack.cache.*} ({@link
 * VoiceTrackCacheProperties}) unless the application defines its own {@link CacheManager}, turns on
 * {@code @CacheTags}/{@code @EvictTags}, and, when the application has them, adds a health indicator
 * ({@code voiceTrackCache}) and Micrometer cache metrics. Runs before Spring Boot's own cache
 * auto-configuration, which then backs off.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({VoiceTrackCacheManager.class, CacheManager.class})
@ConditionalOnMissingBean(CacheManager.class)
@EnableConfigurationProperties(VoiceTrackCacheProperties.class)
@EnableVoiceTrackCacheTags
public class VoiceTrackCacheAutoConfiguration {

    @Bean
    VoiceTrackCacheManager cacheManager(VoiceTrackCacheProperties properties, ObjectProvider<RedisConnector> redis) {
        Function<String, Cache<Object>> factory =
                switch (properties.getType()) {
                    case IN_PROCESS -> name -> InProcessCache.create(properties.cacheConfig(name), values());
                    case REDIS -> name -> RedisCache.create(
                            redis.getObject(), properties.cacheConfig(name), new JavaSerializationCodec(), values());
                    case TWO_TIER -> name -> TwoTierCache.create(
                            redis.getObject(), properties.cacheConfig(name), new JavaSerializationCodec(), values());
                };
        VoiceTrackCacheManager manager =
                VoiceTrackCacheManager.builder().cacheFactory(factory).build();
        properties.getCacheNames().forEach(manager::getCache);
        return manager;
    }

    private static ValueIsolation<Object> values() {
        return ValueIsolation.immutable().trusting(NullValue.class);
    }

    /** The Redis connection of the redis and two-tier types, closed with the application. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression(
            "'${voicetrack.cache.type:in-process}'.replace('-', '_').toUpperCase() != 'IN_PROCESS'")
    RedisConnector voiceTrackRedisConnector(VoiceTrackCacheProperties properties) {
        if (properties.getRedisUrl() == null) {
            throw new IllegalArgumentException(
                    "voicetrack.cache.redis-url must be set for voicetrack.cache.type=" + properties.getType());
        }
        RedisCacheConfig.Builder b = RedisCacheConfig.builder().url(properties.getRedisUrl());
        if (properties.getKeyPrefix() != null) {
            b.keyPrefix(properties.getKeyPrefix());
        }
        return RedisConnector.connect(b.build());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    @ConditionalOnEnabledHealthIndicator("voicetrack-cache")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "voiceTrackCacheHealthIndicator")
        HealthIndicator voiceTrackCacheHealthIndicator(VoiceTrackCacheManager manager) {
            return new VoiceTrackCacheHealthIndicator(manager);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        VoiceTrackCacheMetrics voiceTrackCacheMetrics(VoiceTrackCacheManager manager, MeterRegistry registry) {
            return new VoiceTrackCacheMetrics(manager, registry);
        }
    }
}

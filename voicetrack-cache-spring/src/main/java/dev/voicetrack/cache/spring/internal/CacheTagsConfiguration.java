package dev.voicetrack.cache.spring.internal;

import dev.voicetrack.cache.spring.CacheTags;
import dev.voicetrack.cache.spring.EvictTags;
import dev.voicetrack.cache.spring.VoiceTrackCacheManager;
import java.lang.reflect.Method;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Registers the advisor of {@link CacheTags} and {@link EvictTags}, ordered before Spring's cache
 * advisor so that the tags are current while it writes. Imported by {@code
 * EnableVoiceTrackCacheTags}.
 */
@Configuration(proxyBeanMethods = false)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
public class CacheTagsConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor voiceTrackCacheTagsAdvisor(ObjectProvider<VoiceTrackCacheManager> manager) {
        var advisor = new StaticMethodMatcherPointcutAdvisor(new TagsInterceptor(manager::getObject)) {
            @Override
            public boolean matches(Method method, Class<?> targetClass) {
                return AnnotatedElementUtils.hasAnnotation(method, CacheTags.class)
                        || AnnotatedElementUtils.hasAnnotation(method, EvictTags.class);
            }
        };
        advisor.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return advisor;
    }
}

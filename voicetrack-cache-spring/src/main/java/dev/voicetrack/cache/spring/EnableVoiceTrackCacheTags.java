package dev.voicetrack.cache.spring;

import dev.voicetrack.cache.spring.internal.CacheTagsConfiguration;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Turns on {@link CacheTags} and {@link EvictTags}, next to Spring's {@code @EnableCaching}. Needs a
 * {@link VoiceTrackCacheManager} bean.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(CacheTagsConfiguration.class)
public @interface EnableVoiceTrackCacheTags {}

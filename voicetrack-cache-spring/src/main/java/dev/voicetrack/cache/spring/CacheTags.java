package dev.voicetrack.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tags the entries that {@code @Cacheable} or {@code @CachePut} on the same method write, so that
 * {@link EvictTags} (or {@code Cache.invalidateByTag} on the VoiceTrack cache) removes them later,
 * whatever their keys. Each value is a SpEL expression over the method's arguments ({@code #p0},
 * {@code #a0}, or the parameter's name when compiled with {@code -parameters}) giving one tag, for
 * example {@code "'guild:' + #p0"}.
 *
 * <p>Active with {@link EnableVoiceTrackCacheTags}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CacheTags {

    /** SpEL expressions, each giving one tag. */
    String[] value();
}

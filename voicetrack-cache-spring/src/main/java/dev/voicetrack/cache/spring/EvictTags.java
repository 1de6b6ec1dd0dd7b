package dev.voicetrack.cache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * After the method returns normally, removes every entry carrying one of the given tags from the
 * named caches (all caches of the {@link VoiceTrackCacheManager} when none are named). Each value is a
 * SpEL expression over the method's arguments, as in {@link CacheTags}. The removal touches only the
 * tagged entries: no scan, on Redis neither KEYS nor SCAN.
 *
 * <p>Active with {@link EnableVoiceTrackCacheTags}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EvictTags {

    /** SpEL expressions, each giving one tag. */
    String[] value();

    /** The caches to evict from; all caches of the manager when empty. */
    String[] cacheNames() default {};
}

/**
 * The shared core of cache implementations, for the caches of this module and of {@code
 * voicetrack-cache-redis}; not for users of the cache API, and without any compatibility promise.
 *
 * <p>What every cache keeps the same way lives here once: the nine stats counters and their snapshot
 * ({@link dev.voicetrack.cache.spi.AbstractCache}), single-flight loading with stale marking by
 * invalidations ({@link dev.voicetrack.cache.spi.SingleFlight}), hot-key tracking ({@link
 * dev.voicetrack.cache.spi.HotKeyBoard} over {@link dev.voicetrack.cache.spi.HitCounter}s, and {@link
 * dev.voicetrack.cache.spi.KeyedHotKeys} for caches without entry objects of their own), and how a
 * loader's failure reaches callers ({@link dev.voicetrack.cache.spi.LoadFailures}). {@code warm} and
 * per-tag invalidation of many tags are default methods of {@link dev.voicetrack.cache.Cache} itself.
 */
@NullMarked
package dev.voicetrack.cache.spi;

import org.jspecify.annotations.NullMarked;

package dev.voicetrack.cache;

import java.util.Collection;

/**
 * Loads the entries of one warming scope (for example every guild's configuration, or the reference
 * data), for {@link CacheWarmer}. It may block and may throw.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface WarmTask<V> {

    /**
     * Loads the entries to store.
     *
     * @return the entries, never {@code null}; empty when there is nothing to warm
     * @throws Exception if the entries cannot be loaded; the warmer reports it and goes on with the
     *     other tasks
     */
    Collection<CacheEntry<V>> load() throws Exception;
}

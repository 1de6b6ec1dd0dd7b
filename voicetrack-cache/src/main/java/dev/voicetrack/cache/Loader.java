package dev.voicetrack.cache;

/**
 * Computes a value on a cache miss, for {@link Cache#remember}. It may block (it typically queries
 * storage) and may throw; a loader that throws caches nothing.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface Loader<V> {

    /**
     * Loads the value.
     *
     * @return the value, never {@code null}; a loader whose value may be absent is used with {@link
     *     Cache#rememberOptional}
     * @throws Exception if the value cannot be loaded; the exception reaches every caller waiting on
     *     this load
     */
    V load() throws Exception;
}

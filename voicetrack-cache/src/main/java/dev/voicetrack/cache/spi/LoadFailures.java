package dev.voicetrack.cache.spi;

import dev.voicetrack.cache.CacheLoadException;

/** How a loader's failure reaches callers, the same for every cache implementation. */
public final class LoadFailures {

    private LoadFailures() {}

    /**
     * Rethrows an unchecked exception or error as it is (unwrapping a {@code CompletionException}),
     * restores the interrupt flag for an {@link InterruptedException}, and otherwise returns a {@link
     * CacheLoadException} naming the key, for the caller to throw.
     */
    public static RuntimeException propagate(String key, Throwable failure) {
        Throwable t = failure;
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CacheLoadException(key, t);
    }
}

package dev.voicetrack.cache.jcache.internal;

import org.jspecify.annotations.Nullable;

/** Closing what a cache or manager was given or built, at its own close. */
final class Closing {

    private Closing() {}

    /**
     * Closes {@code o} if it is {@link AutoCloseable}, ignoring a failure: the owner is closed either
     * way, and one failing listener or loader must not keep the others open.
     */
    static void quietly(@Nullable Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort, see above
            }
        }
    }
}

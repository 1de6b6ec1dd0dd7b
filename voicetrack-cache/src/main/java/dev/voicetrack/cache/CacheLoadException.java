package dev.voicetrack.cache;

/**
 * Thrown by {@link Cache#remember} when the loader threw a checked exception, which is the cause.
 * Unchecked exceptions and errors thrown by a loader reach the callers unwrapped.
 */
public class CacheLoadException extends CacheException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public CacheLoadException(String key, Throwable cause) {
        super("loading key '" + key + "' failed: " + cause, cause);
        this.key = key;
    }

    /** The key whose load failed. */
    public String key() {
        return key;
    }
}

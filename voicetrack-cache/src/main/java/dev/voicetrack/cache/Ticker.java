package dev.voicetrack.cache;

/**
 * A source of monotonic time in nanoseconds, injected into every cache so that tests can drive
 * expiry with a manual clock instead of sleeping.
 *
 * <p>Implementations must be thread safe and must never go backwards.
 */
@FunctionalInterface
public interface Ticker {

    /** Returns the current reading in nanoseconds; only differences between readings are meaningful. */
    long read();

    /** The system ticker, backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}

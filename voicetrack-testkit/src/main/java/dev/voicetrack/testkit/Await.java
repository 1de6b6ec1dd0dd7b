package dev.voicetrack.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for something another thread or process brings about (a reconnect, a pub/sub
 * message). The limit is only a guard against hanging: no test relies on how soon it holds.
 *
 * <p>The condition is polled with a pause that starts at {@link #FIRST_PAUSE} and doubles up to
 * {@link #MAX_PAUSE}, so a waiting test leaves the CPU to the threads and processes it waits for
 * (a spin loop on a loaded two-core machine starves exactly those).
 */
public final class Await {

    /** How long {@link #until} waits before failing. */
    public static final Duration LIMIT = Duration.ofSeconds(20);

    /** Pause after the first failed check. */
    public static final Duration FIRST_PAUSE = Duration.ofMillis(1);

    /** Longest pause between two checks. */
    public static final Duration MAX_PAUSE = Duration.ofMillis(50);

    private Await() {}

    /**
     * Returns as soon as {@code condition} holds, checking it with a backing-off pause in between.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@link #LIMIT}
     */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        long pauseMillis = FIRST_PAUSE.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still waiting after " + LIMIT + " for: " + what);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE.toMillis());
        }
    }
}

package dev.voicetrack.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for something another thread or process brings about (a reconnect, a pub/sub
 * message). The limit is only a guard against hanging: no test relies on how soon it holds.
 */
public final class Await {

    /** How long {@link #until} waits before failing. */
    public static final Duration LIMIT = Duration.ofSeconds(20);

    private Await() {}

    /**
     * Returns as soon as {@code condition} holds, checking it in a spin loop.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@link #LIMIT}
     */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still waiting after " + LIMIT + " for: " + what);
            }
            Thread.onSpinWait();
        }
    }
}

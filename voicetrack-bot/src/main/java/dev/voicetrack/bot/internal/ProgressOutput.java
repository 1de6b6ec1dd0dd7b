package dev.voicetrack.bot.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Where a command's progress goes: on a terminal one line rewritten in place ({@code \r}, padded over
 * the previous one), otherwise plain lines for a file, a pipe or a service log; and the daemon thread
 * that refreshes it. Shared by {@code migrate}'s and {@code backup}/{@code restore}'s progress. Not
 * thread safe: its owners serialise their calls.
 */
final class ProgressOutput implements AutoCloseable {
    final boolean terminal;
    private final PrintStream out;
    private final @Nullable ScheduledExecutorService ticker;
    private int lastWidth;

    /**
     * @param refresh how often {@code tick} runs on a daemon thread; null for never (tests call it)
     * @param tick what a refresh does
     */
    ProgressOutput(PrintStream out, boolean terminal, String threadName, @Nullable Duration refresh, Runnable tick) {
        this.out = out;
        this.terminal = terminal;
        if (refresh == null) {
            ticker = null;
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(tick, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Rewrites the terminal line with {@code line}. */
    void rewrite(String line) {
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        lastWidth = line.length();
        out.flush();
    }

    /** Prints {@code line} as a line of its own. */
    void line(String line) {
        out.println(line);
        out.flush();
    }

    /** Stops the refreshes and ends the terminal line, if one was written. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (lastWidth > 0) {
            out.println();
            out.flush();
        }
    }
}

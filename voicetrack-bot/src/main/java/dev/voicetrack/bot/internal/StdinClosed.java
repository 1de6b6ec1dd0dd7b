package dev.voicetrack.bot.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stops a process when its standard input reaches its end, for {@code run --stop-when-stdin-closes}:
 * the bot processes of {@code demo --processes N} are started with a pipe as standard input whose
 * other end only the demo holds and never writes to, so the end of that input means the demo is gone,
 * whatever ended it ({@code kill -9} included: the kernel closes a dead process's pipes). Watching the
 * pipe needs no polling and cannot mistake another process for the demo, as a watched pid reused by
 * the system could.
 *
 * <p>Anything written to the input is read and ignored.
 */
public final class StdinClosed {
    private StdinClosed() {}

    /**
     * Starts a daemon thread that reads {@code in} to its end (or a read error, which also means the
     * writer is gone) and then runs {@code onEnd} once.
     *
     * @return the thread, started
     */
    public static Thread watch(InputStream in, Runnable onEnd) {
        Thread t = new Thread(
                () -> {
                    byte[] ignored = new byte[256];
                    try {
                        while (in.read(ignored) >= 0) {
                            // nothing is expected on the input; only its end matters
                        }
                    } catch (IOException e) {
                        // the writer is gone as surely as at the end of the input
                    }
                    onEnd.run();
                },
                "voicetrack-stdin-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }
}

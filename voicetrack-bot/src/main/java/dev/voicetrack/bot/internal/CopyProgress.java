package dev.voicetrack.bot.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What {@code voicetrack backup} and {@code restore} show while they copy a database: bytes copied of
 * the expected size, the rate, the time spent and, roughly, the time left. The copy is written by
 * SQLite ({@code VACUUM INTO}) or the file system into a temporary file next to its target, so its
 * progress is read from that file's size ({@link #growingFile}); a vacuumed copy can end smaller than
 * the source, which is why the share and the time left are estimates.
 *
 * <p>On a terminal one line is rewritten in place every {@code refresh}; otherwise (a file, a pipe, a
 * service log) a plain line every {@value #PLAIN_EVERY} refreshes, so a long copy shows life without
 * flooding a log and a short one prints nothing. Thread safety: the ticks run on a daemon thread of
 * this class; output is serialised on {@code this}.
 */
public final class CopyProgress implements AutoCloseable {
    /** In plain output, one line per this many refreshes. */
    static final int PLAIN_EVERY = 5;

    private final ProgressOutput output;
    private final String what;
    private final long expectedBytes;
    private final Supplier<OptionalLong> copied;
    private final LongSupplier nanoTime;
    private final long started;
    private int ticks;

    /**
     * @param what what is being copied, for the line ("backup of ./data/voice-tracker.db")
     * @param expectedBytes the size the copy is expected to reach
     * @param copied the bytes copied so far, empty before the copy has started
     * @param refresh how often to report; null for never (tests call {@link #tick} themselves)
     * @param nanoTime the clock of rates and times
     */
    public CopyProgress(
            PrintStream out,
            boolean terminal,
            String what,
            long expectedBytes,
            Supplier<OptionalLong> copied,
            @Nullable Duration refresh,
            LongSupplier nanoTime) {
        this.what = what;
        this.expectedBytes = Math.max(1, expectedBytes);
        this.copied = copied;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.output = new ProgressOutput(out, terminal, "voicetrack-copy-progress", refresh, this::tick);
    }

    /** Reports the progress now if it is due: every tick on a terminal, every {@value #PLAIN_EVERY}th otherwise. */
    synchronized void tick() {
        ticks++;
        if (output.terminal) {
            output.rewrite("  " + status());
        } else if (ticks % PLAIN_EVERY == 0) {
            output.line("  " + status());
        }
    }

    /** The bytes copied of those expected, the rate, the time spent and the time left. */
    synchronized String status() {
        double seconds = Math.max(1e-9, (nanoTime.getAsLong() - started) / 1e9);
        OptionalLong bytes = copied.get();
        if (bytes.isEmpty()) {
            return String.format(
                    Locale.ROOT,
                    "%s: checking the integrity of the source, %s elapsed",
                    what,
                    MigrationProgress.clock(seconds));
        }
        long done = bytes.getAsLong();
        double fraction = Math.min(1, (double) done / expectedBytes);
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%s: %s of about %s (%.0f%%), %s/s, %s elapsed",
                what,
                megabytes(done),
                megabytes(expectedBytes),
                fraction * 100,
                megabytes((long) (done / seconds)),
                MigrationProgress.clock(seconds)));
        if (fraction > 0 && fraction < 1) {
            sb.append(", about ")
                    .append(MigrationProgress.clock(seconds * (1 - fraction) / fraction))
                    .append(" left");
        }
        return sb.toString();
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }

    /**
     * The size of the newest regular file in {@code dir} whose name starts with {@code namePrefix} (a
     * copy's temporary file), or empty while there is none.
     */
    public static Supplier<OptionalLong> growingFile(Path dir, String namePrefix) {
        return () -> {
            if (!Files.isDirectory(dir)) {
                return OptionalLong.empty();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().startsWith(namePrefix))
                        .filter(Files::isRegularFile)
                        .max(Comparator.comparingLong(f -> f.toFile().lastModified()))
                        .map(f -> {
                            try {
                                return OptionalLong.of(Files.size(f));
                            } catch (IOException e) {
                                return OptionalLong.empty(); // renamed into place meanwhile
                            }
                        })
                        .orElse(OptionalLong.empty());
            } catch (IOException | UncheckedIOException e) {
                return OptionalLong.empty();
            }
        };
    }

    /** The size of a SQLite database on disk: its file plus its WAL. */
    public static long databaseBytes(Path db) {
        long size = 0;
        for (Path p : new Path[] {db, Path.of(db + "-wal")}) {
            try {
                size += Files.size(p);
            } catch (IOException e) {
                // absent: nothing to add
            }
        }
        return size;
    }

    /** Stops the reports and ends the terminal line. */
    @Override
    public synchronized void close() {
        output.close();
    }
}

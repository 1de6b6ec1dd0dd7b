package dev.voicetrack.bot.internal;

import dev.voicetrack.core.storage.StorageMigration;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What {@code voicetrack migrate} shows while it copies: guilds and rows done, the rate in rows per
 * second, the time spent and the time left. The time left is estimated from the members copied so far
 * (every guild's member count is known before the copy starts), which follows the work better than a
 * count of guilds of very different sizes.
 *
 * <p>On a terminal one line is rewritten in place ({@code \r}), also every second while a large
 * guild is being copied; otherwise (a file, a pipe, a service log) one plain line per guild, plus a
 * line when a guild of {@value #LARGE_GUILD} members or more starts. Listener calls come from the
 * migrating thread, the ticks from a daemon thread of this class; output is serialised on {@code
 * this}.
 */
public final class MigrationProgress implements StorageMigration.Listener, AutoCloseable {
    /** Members from which a guild's start gets a line of its own in plain output. */
    static final int LARGE_GUILD = 10_000;

    private final ProgressOutput output;
    private final LongSupplier nanoTime;
    private final Map<Long, Long> membersByGuild;
    private final long membersTotal;
    private final long started;

    private long membersDone;
    private long rows;
    private int guildsDone;
    private int guildsTotal;
    private long current = -1;

    /**
     * @param terminal true to rewrite one line in place (and refresh it every second)
     * @param nanoTime the clock of rates and times ({@code System::nanoTime}; a manual one in tests)
     * @param membersByGuild every guild to copy with its member count
     */
    public MigrationProgress(PrintStream out, boolean terminal, LongSupplier nanoTime, Map<Long, Long> membersByGuild) {
        this(out, terminal, Duration.ofSeconds(1), nanoTime, membersByGuild);
    }

    /** @param refresh how often the terminal line is redrawn between events; null for never (tests) */
    MigrationProgress(
            PrintStream out,
            boolean terminal,
            @Nullable Duration refresh,
            LongSupplier nanoTime,
            Map<Long, Long> membersByGuild) {
        this.nanoTime = nanoTime;
        this.membersByGuild = Map.copyOf(membersByGuild);
        this.membersTotal =
                membersByGuild.values().stream().mapToLong(Long::longValue).sum();
        this.guildsTotal = membersByGuild.size();
        this.started = nanoTime.getAsLong();
        this.output = new ProgressOutput(
                out, terminal, "voicetrack-migrate-progress", terminal ? refresh : null, this::redraw);
    }

    @Override
    public synchronized void onGuildStart(long guildId, int done, int total) {
        current = guildId;
        guildsTotal = total;
        long members = membersByGuild.getOrDefault(guildId, 0L);
        if (output.terminal) {
            redraw();
        } else if (members >= LARGE_GUILD) {
            output.line(String.format(Locale.ROOT, "  guild %d: copying %,d members...", guildId, members));
        }
    }

    @Override
    public synchronized void onProgress(StorageMigration.Progress p) {
        current = -1;
        guildsDone = p.guildsDone();
        guildsTotal = p.guildsTotal();
        rows = p.rowsCopied();
        membersDone += membersByGuild.getOrDefault(p.guildId(), 0L);
        if (output.terminal) {
            redraw();
        } else {
            output.line("  guild " + p.guildId() + ": " + status());
        }
    }

    /** Rewrites the terminal line. */
    synchronized void redraw() {
        String line = "  " + status();
        if (current >= 0) {
            line += String.format(
                    Locale.ROOT, " (copying guild %d: %,d members)", current, membersByGuild.getOrDefault(current, 0L));
        }
        output.rewrite(line);
    }

    /** Guilds, rows, rate, time spent and, once something was copied, time left. */
    synchronized String status() {
        double seconds = Math.max(1e-9, (nanoTime.getAsLong() - started) / 1e9);
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%d/%d guilds, %,d rows, %,.0f rows/s, %s elapsed",
                guildsDone,
                guildsTotal,
                rows,
                rows / seconds,
                clock(seconds)));
        double fraction = membersTotal > 0
                ? (double) membersDone / membersTotal
                : guildsTotal > 0 ? (double) guildsDone / guildsTotal : 1;
        if (fraction > 0 && fraction < 1) {
            sb.append(", about ")
                    .append(clock(seconds * (1 - fraction) / fraction))
                    .append(" left");
        }
        return sb.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Stops the refresh and ends the terminal line. */
    @Override
    public synchronized void close() {
        output.close();
    }
}

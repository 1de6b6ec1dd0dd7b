package dev.voicetrack.bot;

import dev.voicetrack.bot.internal.BotRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The bot's {@code run} command with its tracker on a {@link SharedClock}, for tests that compare bot
 * processes with a reference tracker fed the same event script:
 *
 * <pre>java -Dvoicetrack.sharedClock=FILE -cp voicetrack.jar:test-classes dev.voicetrack.bot.SharedClockBot [--config FILE]</pre>
 *
 * ({@link BotProcess#startSharedClock}). It starts the bot exactly as {@code run} does ({@link Main#runBot}),
 * with only the tracker's clock replaced: leases, health, caches and schedules keep real time.
 *
 * <p><b>Ticks follow the shared clock.</b> The bot ticks once each time the test moves the shared time
 * forward, on its tick thread ({@link BotRuntime#tickNow}), and never on its own schedule: its {@code
 * CHECK_INTERVAL} must be at least an hour, which no test lasts. Voice time is measured and would not
 * mind extra ticks at a time that stands still, but XP is given per tick ({@code fixed}: so much per
 * check), so a tick the reference does not run would make the totals differ. The tick's report (its
 * {@code at} the shared time) shows in {@code /health}'s {@code lastTick} once written.
 *
 * <p>Exit status as {@code run}'s; a setting refused prints {@code voicetrack: ...} and exits 2.
 */
public final class SharedClockBot {
    /** The system property naming the clock file. */
    static final String CLOCK_FILE = "voicetrack.sharedClock";

    /** A check interval no test run reaches: the bot then ticks only when the shared clock moves. */
    static final Duration MIN_CHECK_INTERVAL = Duration.ofHours(1);

    private SharedClockBot() {}

    public static void main(String[] args) {
        int code;
        try {
            String file = System.getProperty(CLOCK_FILE);
            if (file == null) {
                throw new ConfigException("-D" + CLOCK_FILE + "=FILE is required (the clock file the test writes)");
            }
            SharedClock clock = SharedClock.open(Path.of(file));
            BotConfig config = Main.load(System.getenv(), Main.parse("run", args, Set.of("--config"), Set.of()));
            Duration interval = config.tracking().checkInterval();
            if (interval.compareTo(MIN_CHECK_INTERVAL) < 0) {
                throw new ConfigException("CHECK_INTERVAL must be at least " + BotConfig.human(MIN_CHECK_INTERVAL)
                        + " with a shared clock (the bot ticks when the clock moves), was "
                        + BotConfig.human(interval));
            }
            code = Main.runBot(config, clock, bot -> tickWhenMoved(bot, clock), System.out);
        } catch (ConfigException e) {
            System.err.println("voicetrack: " + e.getMessage());
            code = Main.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = Main.FAILED;
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            code = Main.FAILED;
        }
        System.exit(code);
    }

    /**
     * Ticks the bot once each time the shared time has moved forward since its last tick, on a daemon
     * thread that looks every 2 ms; stops when the bot stops.
     */
    private static void tickWhenMoved(BotRuntime bot, SharedClock clock) {
        Thread follower = new Thread(
                () -> {
                    long ticked = clock.millis();
                    while (!Thread.currentThread().isInterrupted()) {
                        long now = clock.millis();
                        try {
                            if (now > ticked) {
                                bot.tickNow();
                                ticked = now;
                            } else {
                                Thread.sleep(2);
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (IllegalStateException e) {
                            return; // the bot is stopping: its last tick is the tracker's close
                        } catch (RuntimeException e) {
                            System.err.println("shared-clock tick at " + clock.instant() + " failed: " + e);
                            ticked = now;
                        }
                    }
                },
                "shared-clock-ticks");
        follower.setDaemon(true);
        follower.start();
    }
}

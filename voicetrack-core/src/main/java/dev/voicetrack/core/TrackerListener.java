package dev.voicetrack.core;

import org.jspecify.annotations.Nullable;

/**
 * Receives the tracker's events: the original's {@code xpGained}, {@code voiceTimeGained}, {@code
 * levelUp}, {@code sessionStart}, {@code sessionEnd}, {@code configUpdated}, {@code userDeleted},
 * {@code error} and {@code debug}, and VoiceTrack's {@code levelSet} and {@code tickCompleted}. Every
 * method has an empty default.
 *
 * <p>Events are delivered on the tracker's listener executor, never on the tick thread or a gateway
 * thread, in the order they happened, after the storage write they describe has committed. A
 * listener that throws is reported through {@link #error} (unless it is {@code error} itself that
 * threw) and never affects the tick or other listeners.
 */
public interface TrackerListener {

    /** XP added to a member (by a tick, a message or an admin {@code addXp}). */
    record XpGained(long guildId, long userId, long amount, long totalXp) {}

    /** Voice time added to a member by a tick. */
    record VoiceTimeGained(long guildId, long userId, long amountMs, long totalMs) {}

    /** A member's stored level rose. */
    record LevelUp(long guildId, long userId, int oldLevel, int newLevel, long xp) {}

    /**
     * An admin operation set a member's XP or level, up or down: {@link VoiceTracker#setXp}, {@link
     * VoiceTracker#setLevel} or {@link VoiceTracker#resetUser} (then both are 0). What follows the level
     * (role rewards) should be brought in line.
     */
    record LevelSet(long guildId, long userId, int level, long xp) {}

    default void xpGained(XpGained event) {}

    default void voiceTimeGained(VoiceTimeGained event) {}

    default void levelUp(LevelUp event) {}

    default void levelSet(LevelSet event) {}

    default void sessionStart(VoiceSession session) {}

    default void sessionEnd(VoiceSession session) {}

    default void configUpdated(long guildId, GuildConfig config) {}

    default void userDeleted(long guildId, long userId) {}

    /**
     * A tick completed: called once after every tick, whether scheduled, run by {@link
     * VoiceTracker#tickNow()} or the last one at {@link VoiceTracker#close()}, after the tick's other
     * events. Also called when the tick's storage write failed ({@link TickReport#written()} false) or
     * the tick overran the check interval. Not called for a scheduled tick that was skipped because the
     * previous one was still running (reported through {@link #error}), nor for a tick that threw
     * (reported through {@link #tickFailed}). An application that feeds metrics from ticks can so let the tracker schedule
     * them instead of calling {@code tickNow()} itself.
     */
    default void tickCompleted(TickReport report) {}

    /**
     * A scheduled tick threw: a defect or an error the tick does not handle (a failed storage write
     * is not one; it completes with {@link TickReport#written()} false). The tick loop goes on with
     * the next tick. The default reports it through {@link #error} with the context {@value
     * #TICK_FAILED}, so a listener that only watches errors sees it too.
     */
    default void tickFailed(Throwable error) {
        error(TICK_FAILED, error);
    }

    /** The {@link #error} context of a tick that threw, when {@link #tickFailed} is not overridden. */
    String TICK_FAILED = "tick failed";

    /** Something failed; {@code context} says what was being done. */
    default void error(String context, @Nullable Throwable error) {}

    default void debug(String message) {}
}

package dev.voicetrack.emulator;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * An interaction the emulator delivered ({@code INTERACTION_CREATE}) and everything the bot answered to it.
 *
 * <p>Thread safe. The await methods block until the condition holds; their timeout is a hang guard only, and a
 * timeout throws {@link EmulatorException} listing what was recorded.
 */
public interface EmulatedInteraction {
    long id();

    String token();

    /** The command name for a slash command, the custom id for a button click. */
    String name();

    /** Every response recorded so far, in arrival order. */
    List<InteractionResponse> responses();

    /** Waits for the first callback ({@code POST /interactions/{id}/{token}/callback}). */
    InteractionResponse awaitResponse(Duration timeout);

    /** Waits for the first response matching the condition. */
    InteractionResponse awaitResponse(Predicate<InteractionResponse> condition, Duration timeout);

    /**
     * Waits until the bot has shown a message for this interaction: a reply or update callback, or the edit of the
     * original message after a deferral. Returns that message.
     */
    RecordedMessage awaitReply(Duration timeout);
}

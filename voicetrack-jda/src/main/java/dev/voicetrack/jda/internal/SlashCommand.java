package dev.voicetrack.jda.internal;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;

/**
 * One slash command as a command group answers it.
 *
 * @param name the command's name, as {@link CommandDefinitions} registers it
 * @param slow whether its work is known to be slow (storage maintenance, warming): deferred at once instead of
 *     after the usual delay
 * @param action the work; runs on a command worker thread, never on a JDA event thread, and may read storage.
 *     Input errors are thrown as {@link IllegalArgumentException} whose message is shown to the user
 */
record SlashCommand(String name, boolean slow, Action action) {

    /** The work behind a command. */
    @FunctionalInterface
    interface Action {
        CompletionStage<Reply> run(SlashCommandInteractionEvent event);
    }

    SlashCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
    }

    /** A command answered on the usual schedule. */
    static SlashCommand of(String name, Action action) {
        return new SlashCommand(name, false, action);
    }

    /** A command deferred at once. */
    static SlashCommand slow(String name, Action action) {
        return new SlashCommand(name, true, action);
    }
}

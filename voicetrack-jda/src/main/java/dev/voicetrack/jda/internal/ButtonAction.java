package dev.voicetrack.jda.internal;

import java.util.Objects;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

/**
 * The buttons of one kind a command group put on its answers, recognised by the prefix of their custom id
 * ({@code <prefix>:...}).
 *
 * @param prefix the custom id's first part, unique among the groups
 * @param command the command the button belongs to, for the permission check and the rate limit
 * @param admin whether only members with Manage Server may click it
 * @param action the work; runs on a command worker thread. The answer replaces the message the button is on;
 *     input errors (a click by someone other than the invoker) are thrown as {@link IllegalArgumentException}
 *     whose message is shown to the clicker only
 */
record ButtonAction(String prefix, String command, boolean admin, Action action) {

    /** The work behind a click. */
    @FunctionalInterface
    interface Action {
        Reply run(ButtonInteractionEvent event);
    }

    ButtonAction {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(action, "action");
    }

    boolean matches(String customId) {
        return customId.startsWith(prefix + ":");
    }
}

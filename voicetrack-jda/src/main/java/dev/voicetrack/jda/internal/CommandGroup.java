package dev.voicetrack.jda.internal;

import java.util.List;

/** The commands of one concern (stats, cache, maintenance, config), each answered by the group. */
interface CommandGroup {

    /** This group's commands; each name is registered with Discord and belongs to no other group. */
    List<SlashCommand> commands();

    /** The buttons this group's answers carry; none by default. */
    default List<ButtonAction> buttons() {
        return List.of();
    }
}

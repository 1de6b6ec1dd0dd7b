package dev.voicetrack.jda.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which group answers which command: a map from command name to the command, built from the groups. Immutable
 * and thread safe.
 */
final class CommandRegistry {
    private final Map<String, SlashCommand> byName;

    /** @throws IllegalArgumentException if two groups, or one group twice, answer the same command name */
    CommandRegistry(List<? extends CommandGroup> groups) {
        Map<String, SlashCommand> map = new LinkedHashMap<>();
        for (CommandGroup group : groups) {
            for (SlashCommand command : group.commands()) {
                if (map.putIfAbsent(command.name(), command) != null) {
                    throw new IllegalArgumentException("command must have one handler, was /" + command.name()
                            + " answered twice (again by " + group.getClass().getSimpleName() + ")");
                }
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** The command of that name, if one of the groups answers it. */
    Optional<SlashCommand> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every command name answered, in the groups' order. */
    Set<String> names() {
        return byName.keySet();
    }
}

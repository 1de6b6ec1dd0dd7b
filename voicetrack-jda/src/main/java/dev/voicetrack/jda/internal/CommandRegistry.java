package dev.voicetrack.jda.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which group answers which command or button: a map from command name to the command and the groups' button
 * prefixes, built from the groups. Immutable
 * and thread safe.
 */
final class CommandRegistry {
    private final Map<String, SlashCommand> byName;
    private final List<ButtonAction> buttons;

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
        List<ButtonAction> all = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        for (CommandGroup group : groups) {
            for (ButtonAction button : group.buttons()) {
                if (!prefixes.add(button.prefix())) {
                    throw new IllegalArgumentException("button prefix must have one handler, was " + button.prefix()
                            + " answered twice (again by " + group.getClass().getSimpleName() + ")");
                }
                all.add(button);
            }
        }
        this.buttons = List.copyOf(all);
    }

    /** The button whose prefix the custom id has, if one of the groups put it there. */
    Optional<ButtonAction> findButton(String customId) {
        return buttons.stream().filter(b -> b.matches(customId)).findFirst();
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

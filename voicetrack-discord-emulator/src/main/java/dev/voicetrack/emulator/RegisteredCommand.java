package dev.voicetrack.emulator;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An application command as the bot registered it.
 *
 * @param id snowflake the emulator assigned
 * @param guildId the guild of a guild command, 0 for a global command
 * @param type Discord command type (1 slash, 2 user, 3 message)
 * @param name command name
 * @param description description (empty for context-menu commands)
 * @param defaultMemberPermissions the {@code default_member_permissions} bits, empty when everyone may use it
 * @param contexts the {@code contexts} the bot declared (0 guild, 1 bot DM, 2 private channel); empty when it sent
 *     none, in which case {@code dmPermission} decides
 * @param dmPermission the legacy {@code dm_permission} flag (true when absent)
 * @param options the declared options as JSON objects
 */
public record RegisteredCommand(
        long id,
        long guildId,
        int type,
        String name,
        String description,
        OptionalLong defaultMemberPermissions,
        List<Integer> contexts,
        boolean dmPermission,
        List<Map<String, Object>> options) {

    public RegisteredCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(defaultMemberPermissions, "defaultMemberPermissions");
        contexts = List.copyOf(contexts);
        options = List.copyOf(options);
    }

    /** Whether the command may be used in the bot's DMs. */
    public boolean allowedInDirectMessages() {
        return guildId == 0 && (contexts.isEmpty() ? dmPermission : contexts.contains(1));
    }
}

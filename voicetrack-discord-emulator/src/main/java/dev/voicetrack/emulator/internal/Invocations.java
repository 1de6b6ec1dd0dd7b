package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.EmulatedUser;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.RecordedMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds INTERACTION_CREATE payloads the way Discord does: the command must be registered, options are typed by the
 * registered declaration, referenced users, members, roles and channels go into {@code resolved}. All methods run
 * with the world lock held.
 */
final class Invocations {
    private static final int SUB_COMMAND = 1;
    private static final int SUB_COMMAND_GROUP = 2;

    private Invocations() {}

    static InteractionImpl command(
            World world,
            UserImpl user,
            @Nullable MemberImpl member,
            ChannelImpl channel,
            String commandPath,
            Map<String, ?> values) {
        List<String> path = Arrays.asList(commandPath.trim().split("\\s+"));
        String name = path.get(0);
        GuildImpl guild = member == null ? null : member.guild;
        CommandRecord command = find(world, guild, name);
        if (guild == null && !command.toRegistered().allowedInDirectMessages()) {
            throw new EmulatorException("/" + name + " is not usable in direct messages (contexts "
                    + command.json.path("contexts") + ", dm_permission " + command.json.path("dm_permission") + ")");
        }
        if (member != null) {
            JsonNode required = command.json.get("default_member_permissions");
            if (required != null && !required.isNull()) {
                long bits = Long.parseLong(required.asText());
                if ((member.permissionsLocked() & bits) != bits) {
                    throw new EmulatorException(user.username() + " lacks the default_member_permissions " + bits
                            + " of /" + name + " (has " + member.permissionsLocked() + ")");
                }
            }
        }

        ObjectNode resolved = Json.object();
        ArrayNode options = buildOptions(world, guild, command, path.subList(1, path.size()), values, resolved);
        ObjectNode data = Json.object()
                .put("id", Long.toUnsignedString(command.id))
                .put("name", name)
                .put("type", command.type);
        if (command.guildId != 0) {
            data.put("guild_id", Long.toUnsignedString(command.guildId));
        }
        data.set("options", options);
        if (!resolved.isEmpty()) {
            data.set("resolved", resolved);
        }
        return deliver(world, InteractionImpl.TYPE_COMMAND, commandPath.trim(), user, member, channel, null, data);
    }

    static InteractionImpl button(
            World world, UserImpl user, MemberImpl member, StoredMessage message, String customId) {
        RecordedMessage recorded = world.record(message);
        if (!recorded.buttonCustomIds().contains(customId)) {
            throw new EmulatorException("message " + message.id + " has no button '" + customId + "'; buttons: "
                    + recorded.buttonCustomIds());
        }
        ObjectNode data = Json.object().put("custom_id", customId).put("component_type", 2);
        return deliver(world, InteractionImpl.TYPE_COMPONENT, customId, user, member, message.channel, message, data);
    }

    private static InteractionImpl deliver(
            World world,
            int type,
            String name,
            UserImpl user,
            @Nullable MemberImpl member,
            ChannelImpl channel,
            @Nullable StoredMessage componentMessage,
            ObjectNode data) {
        long id = world.ids.next();
        String token = "emu-" + UUID.randomUUID();
        InteractionImpl interaction =
                new InteractionImpl(world, id, token, name, type, channel, user, member, componentMessage);
        world.interactions.put(id, interaction);

        ObjectNode payload = Json.object()
                .put("id", Long.toUnsignedString(id))
                .put("application_id", Long.toUnsignedString(world.applicationId()))
                .put("type", type)
                .put("token", token)
                .put("version", 1)
                .put("locale", "en-US")
                .put("channel_id", Long.toUnsignedString(channel.id()));
        payload.set("data", data);
        payload.set("channel", world.channelJson(channel));
        payload.putArray("entitlements");
        ObjectNode owners = payload.putObject("authorizing_integration_owners");
        if (member != null) {
            GuildImpl guild = member.guild;
            payload.put("guild_id", Long.toUnsignedString(guild.id()));
            payload.put("guild_locale", "en-US");
            ObjectNode partialGuild = payload.putObject("guild");
            partialGuild.put("id", Long.toUnsignedString(guild.id())).put("locale", "en-US");
            partialGuild.putArray("features");
            payload.set(
                    "member",
                    world.memberJson(member, true)
                            .put("permissions", Long.toUnsignedString(member.permissionsLocked())));
            payload.put("app_permissions", Long.toUnsignedString(guild.botMember.permissionsLocked()));
            owners.put("0", Long.toUnsignedString(guild.id()));
            payload.put("context", 0);
        } else {
            payload.set("user", world.userJson(user));
            payload.put("app_permissions", Long.toUnsignedString(Permissions.DEFAULT_EVERYONE));
            owners.put("0", "0");
            payload.put("context", 1);
        }
        if (componentMessage != null) {
            payload.set("message", world.messageJson(componentMessage));
        }
        world.gateway.dispatch("INTERACTION_CREATE", payload, Intents.NONE, false);
        return interaction;
    }

    private static CommandRecord find(World world, @Nullable GuildImpl guild, String name) {
        if (guild != null) {
            for (CommandRecord command : guild.commands) {
                if (command.name.equals(name) && command.type == 1) {
                    return command;
                }
            }
        }
        for (CommandRecord command : world.globalCommands) {
            if (command.name.equals(name) && command.type == 1) {
                return command;
            }
        }
        throw new EmulatorException("slash command /" + name + " is not registered"
                + (guild == null ? " globally" : " in " + guild.name() + " or globally") + "; registered: "
                + world.globalCommands.stream().map(c -> c.name).toList()
                + (guild == null
                        ? ""
                        : " + " + guild.commands.stream().map(c -> c.name).toList()));
    }

    private static ArrayNode buildOptions(
            World world,
            @Nullable GuildImpl guild,
            CommandRecord command,
            List<String> subPath,
            Map<String, ?> values,
            ObjectNode resolved) {
        JsonNode declared = command.options();
        ArrayNode top = Json.array();
        ArrayNode leafTarget = top;
        String where = "/" + command.name;
        for (String part : subPath) {
            JsonNode match = null;
            for (JsonNode option : declared) {
                int type = option.path("type").asInt();
                if (option.path("name").asText().equals(part) && (type == SUB_COMMAND || type == SUB_COMMAND_GROUP)) {
                    match = option;
                }
            }
            if (match == null) {
                throw new EmulatorException(where + " has no subcommand or group '" + part + "'");
            }
            ObjectNode node = Json.object()
                    .put("name", part)
                    .put("type", match.path("type").asInt());
            ArrayNode children = node.putArray("options");
            leafTarget.add(node);
            leafTarget = children;
            declared = match.path("options");
            where = where + " " + part;
        }
        for (JsonNode option : declared) {
            int type = option.path("type").asInt();
            if (type == SUB_COMMAND || type == SUB_COMMAND_GROUP) {
                throw new EmulatorException(where + " needs a subcommand; name it in the command string, e.g. '"
                        + where.substring(1) + " " + option.path("name").asText() + "'");
            }
        }
        Set<String> used = new HashSet<>();
        for (JsonNode option : declared) {
            String optionName = option.path("name").asText();
            Object value = values.get(optionName);
            if (value == null) {
                if (option.path("required").asBoolean(false)) {
                    throw new EmulatorException(where + " requires option '" + optionName + "'");
                }
                continue;
            }
            used.add(optionName);
            ObjectNode node = Json.object()
                    .put("name", optionName)
                    .put("type", option.path("type").asInt());
            setValue(world, guild, where, option.path("type").asInt(), optionName, value, node, resolved);
            checkDeclaredRange(where, option, node.get("value"));
            leafTarget.add(node);
        }
        for (String key : values.keySet()) {
            if (!used.contains(key)) {
                throw new EmulatorException(where + " has no option '" + key + "'");
            }
        }
        return top;
    }

    /**
     * What Discord's client enforces before an invocation is sent: a value among the declared {@code choices}, numbers
     * within {@code min_value}/{@code max_value}, strings within {@code min_length}/{@code max_length}.
     */
    private static void checkDeclaredRange(String where, JsonNode option, JsonNode value) {
        String name = option.path("name").asText();
        JsonNode choices = option.get("choices");
        if (choices != null && choices.isArray() && !choices.isEmpty()) {
            boolean listed = false;
            for (JsonNode choice : choices) {
                JsonNode allowed = choice.path("value");
                listed |= value.isNumber() && allowed.isNumber()
                        ? value.decimalValue().compareTo(allowed.decimalValue()) == 0
                        : value.asText().equals(allowed.asText()) && value.isNumber() == allowed.isNumber();
            }
            if (!listed) {
                List<String> values = new ArrayList<>();
                choices.forEach(c -> values.add(c.path("value").asText()));
                throw new EmulatorException(where + " option '" + name + "' must be one of its choices " + values
                        + ", was " + value.asText());
            }
        }
        if (value.isNumber()) {
            if (option.hasNonNull("min_value")
                    && value.asDouble() < option.get("min_value").asDouble()) {
                throw new EmulatorException(where + " option '" + name + "' must be >= "
                        + option.get("min_value").asText() + ", was " + value.asText());
            }
            if (option.hasNonNull("max_value")
                    && value.asDouble() > option.get("max_value").asDouble()) {
                throw new EmulatorException(where + " option '" + name + "' must be <= "
                        + option.get("max_value").asText() + ", was " + value.asText());
            }
        } else if (value.isTextual() && option.path("type").asInt() == 3) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (option.hasNonNull("min_length")
                    && length < option.get("min_length").asInt()) {
                throw new EmulatorException(where + " option '" + name + "' must be at least "
                        + option.get("min_length").asInt() + " characters, was '" + value.asText() + "'");
            }
            if (option.hasNonNull("max_length")
                    && length > option.get("max_length").asInt()) {
                throw new EmulatorException(where + " option '" + name + "' must be at most "
                        + option.get("max_length").asInt() + " characters, was " + length);
            }
        }
    }

    private static void setValue(
            World world,
            @Nullable GuildImpl guild,
            String where,
            int type,
            String name,
            Object value,
            ObjectNode node,
            ObjectNode resolved) {
        switch (type) {
            case 3 -> node.put(
                    "value",
                    requireType(where, name, value, CharSequence.class, "a String")
                            .toString());
            case 4 -> {
                Number number = requireType(where, name, value, Number.class, "an Integer or Long");
                if (number instanceof Double || number instanceof Float) {
                    throw wrongType(where, name, value, "an Integer or Long");
                }
                node.put("value", number.longValue());
            }
            case 5 -> node.put("value", requireType(where, name, value, Boolean.class, "a Boolean"));
            case 6 -> node.put("value", resolveUser(world, guild, where, name, value, resolved));
            case 7 -> {
                ChannelImpl channel = (ChannelImpl) requireType(where, name, value, EmulatedChannel.class, "a channel");
                child(resolved, "channels")
                        .set(
                                Long.toUnsignedString(channel.id()),
                                world.channelJson(channel).put("permissions", Long.toUnsignedString(Permissions.ALL)));
                node.put("value", Long.toUnsignedString(channel.id()));
            }
            case 8 -> node.put("value", resolveRole(world, where, name, value, resolved));
            case 9 -> node.put(
                    "value",
                    value instanceof EmulatedRole
                            ? resolveRole(world, where, name, value, resolved)
                            : resolveUser(world, guild, where, name, value, resolved));
            case 10 -> node.put(
                    "value",
                    requireType(where, name, value, Number.class, "a Number").doubleValue());
            default -> throw new EmulatorException(
                    where + " option '" + name + "' has type " + type + ", which the emulator cannot fill");
        }
    }

    private static String resolveUser(
            World world, @Nullable GuildImpl guild, String where, String name, Object value, ObjectNode resolved) {
        UserImpl user;
        if (value instanceof EmulatedMember member) {
            user = (UserImpl) member.user();
        } else if (value instanceof EmulatedUser emulatedUser) {
            user = (UserImpl) emulatedUser;
        } else {
            throw wrongType(where, name, value, "a user or member");
        }
        String id = Long.toUnsignedString(user.id());
        child(resolved, "users").set(id, world.userJson(user));
        MemberImpl member = guild == null ? null : guild.members.get(user.id());
        if (member != null) {
            child(resolved, "members")
                    .set(
                            id,
                            world.memberJson(member, false)
                                    .put("permissions", Long.toUnsignedString(member.permissionsLocked())));
        }
        return id;
    }

    private static String resolveRole(World world, String where, String name, Object value, ObjectNode resolved) {
        RoleImpl role = (RoleImpl) requireType(where, name, value, EmulatedRole.class, "a role");
        String id = Long.toUnsignedString(role.id());
        child(resolved, "roles").set(id, world.roleJson(role));
        return id;
    }

    private static <T> T requireType(String where, String name, Object value, Class<T> type, String expected) {
        if (!type.isInstance(value)) {
            throw wrongType(where, name, value, expected);
        }
        return type.cast(value);
    }

    private static EmulatorException wrongType(String where, String name, Object value, String expected) {
        return new EmulatorException(where + " option '" + name + "' must be " + expected + ", was "
                + value.getClass().getSimpleName() + " " + value);
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing instanceof ObjectNode object ? object : parent.putObject(name);
    }
}

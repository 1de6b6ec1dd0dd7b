package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.RegisteredCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** An application command as registered, kept as the JSON the emulator answers with. Immutable. */
final class CommandRecord {
    final long id;
    final long guildId;
    final String name;
    final int type;
    final ObjectNode json;

    CommandRecord(long id, long applicationId, long guildId, JsonNode body) {
        if (body == null || !body.isObject() || !body.hasNonNull("name")) {
            throw new IllegalArgumentException("command needs a name, was " + body);
        }
        this.id = id;
        this.guildId = guildId;
        this.name = body.get("name").asText();
        this.type = body.path("type").asInt(1);
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.put("id", Long.toUnsignedString(id));
        copy.put("application_id", Long.toUnsignedString(applicationId));
        copy.put("version", Long.toUnsignedString(id));
        copy.put("type", type);
        if (guildId != 0) {
            copy.put("guild_id", Long.toUnsignedString(guildId));
        }
        if (!copy.has("description")) {
            copy.put("description", "");
        }
        this.json = copy;
    }

    JsonNode options() {
        return json.path("options");
    }

    RegisteredCommand toRegistered() {
        JsonNode permissions = json.get("default_member_permissions");
        OptionalLong defaultPermissions = permissions == null || permissions.isNull()
                ? OptionalLong.empty()
                : OptionalLong.of(Long.parseLong(permissions.asText()));
        List<Integer> contexts = new ArrayList<>();
        json.path("contexts").forEach(context -> contexts.add(context.asInt()));
        boolean dmPermission = json.path("dm_permission").asBoolean(true);
        return new RegisteredCommand(
                id,
                guildId,
                type,
                name,
                json.path("description").asText(""),
                defaultPermissions,
                contexts,
                dmPermission,
                Json.toMaps(json.get("options")));
    }
}

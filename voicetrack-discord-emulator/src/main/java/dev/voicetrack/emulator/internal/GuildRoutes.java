package dev.voicetrack.emulator.internal;

import static dev.voicetrack.emulator.internal.Http.error;
import static dev.voicetrack.emulator.internal.Http.id;
import static dev.voicetrack.emulator.internal.Http.json;
import static dev.voicetrack.emulator.internal.Http.jsonOrUnknown;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.regex.Matcher;

/** Routes of guilds, their roles and members, and member role changes. */
final class GuildRoutes {
    private final World world;

    GuildRoutes(World world) {
        this.world = world;
    }

    void register(RestApi api) {
        api.route("GET", "guilds/" + RestApi.SNOWFLAKE, true, (ctx, m) -> getGuild(ctx, id(m, 1)));
        api.route("GET", "guilds/" + RestApi.SNOWFLAKE + "/roles", true, (ctx, m) -> getRoles(ctx, id(m, 1)));
        api.route("GET", "guilds/" + RestApi.SNOWFLAKE + "/members", true, (ctx, m) -> listMembers(ctx, id(m, 1)));
        String member = "guilds/" + RestApi.SNOWFLAKE + "/members/" + RestApi.SNOWFLAKE;
        api.route("GET", member, true, (ctx, m) -> getMember(ctx, id(m, 1), id(m, 2)));
        api.route("PUT", member + "/roles/" + RestApi.SNOWFLAKE, true, (ctx, m) -> memberRole(ctx, m, true));
        api.route("DELETE", member + "/roles/" + RestApi.SNOWFLAKE, true, (ctx, m) -> memberRole(ctx, m, false));
    }

    private void getMember(Context ctx, long guildId, long userId) {
        ObjectNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            MemberImpl member = guild == null ? null : guild.members.get(userId);
            return member == null ? null : world.memberJson(member, true);
        });
        jsonOrUnknown(ctx, 200, result, 10007, "Unknown Member");
    }

    private void memberRole(Context ctx, Matcher match, boolean add) {
        long guildId = id(match, 1);
        long userId = id(match, 2);
        long roleId = id(match, 3);
        String outcome = world.mutate(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            MemberImpl member = guild == null ? null : guild.members.get(userId);
            if (member == null) {
                return "member";
            }
            RoleImpl role = guild.roles.stream()
                    .filter(r -> r.id() == roleId && r != guild.everyone)
                    .findFirst()
                    .orElse(null);
            if (role == null) {
                return "role";
            }
            if (!guild.botMayAssign(role)) {
                return "permissions";
            }
            boolean changed = add ? member.roles.add(role) : member.roles.remove(role);
            if (changed) {
                member.dispatchMemberUpdate();
            }
            return "ok";
        });
        switch (outcome) {
            case "ok" -> ctx.status(204);
            case "role" -> error(ctx, 404, 10011, "Unknown Role");
            case "permissions" -> error(ctx, 403, 50013, "Missing Permissions");
            default -> error(ctx, 404, 10007, "Unknown Member");
        }
    }

    // ---------------------------------------------------------------- guilds and channels

    private void getGuild(Context ctx, long guildId) {
        boolean withCounts = "true".equalsIgnoreCase(ctx.queryParam("with_counts"));
        ObjectNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            // the REST guild object lacks the GUILD_CREATE-only fields
            ObjectNode json = world.guildJson(guild);
            json.remove(List.of(
                    "channels",
                    "members",
                    "voice_states",
                    "threads",
                    "presences",
                    "guild_scheduled_events",
                    "stage_instances",
                    "joined_at",
                    "large",
                    "member_count",
                    "unavailable"));
            if (withCounts) {
                json.put("approximate_member_count", guild.members.size());
                json.put("approximate_presence_count", 0);
            }
            return json;
        });
        jsonOrUnknown(ctx, 200, result, 10004, "Unknown Guild");
    }

    private void getRoles(Context ctx, long guildId) {
        ArrayNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            ArrayNode roles = Json.array();
            guild.roles.forEach(role -> roles.add(world.roleJson(role)));
            return roles;
        });
        jsonOrUnknown(ctx, 200, result, 10004, "Unknown Guild");
    }

    /** {@code GET guilds/{id}/members?limit=&after=}: members by ascending user id; needs the GUILD_MEMBERS intent. */
    private void listMembers(Context ctx, long guildId) {
        int limit = Http.queryInt(ctx, "limit", 1, 1, 1000);
        long after = Http.querySnowflake(ctx, "after");
        if (!world.settings.privilegedIntentsAllowed()) {
            error(ctx, 403, 50001, "Missing Access");
            return;
        }
        ArrayNode result = world.read(() -> {
            GuildImpl guild = world.guilds.get(guildId);
            if (guild == null) {
                return null;
            }
            ArrayNode members = Json.array();
            guild.members.values().stream()
                    .filter(m -> Long.compareUnsigned(m.user.id(), after) > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.user.id(), b.user.id()))
                    .limit(limit)
                    .forEach(m -> members.add(world.memberJson(m, true)));
            return members;
        });
        jsonOrUnknown(ctx, 200, result, 10004, "Unknown Guild");
    }
}

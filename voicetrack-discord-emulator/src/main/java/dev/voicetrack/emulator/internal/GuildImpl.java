package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.EmulatedUser;
import dev.voicetrack.emulator.RegisteredCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A guild. Mutable state guarded by {@link World#lock}. */
final class GuildImpl implements EmulatedGuild {
    private final World world;
    private final long id;
    private final String name;
    final String botJoinedAt;
    final RoleImpl everyone;
    final List<RoleImpl> roles = new ArrayList<>();
    final List<ChannelImpl> channels = new ArrayList<>();
    final Map<Long, MemberImpl> members = new LinkedHashMap<>();
    final List<CommandRecord> commands = new ArrayList<>();
    MemberImpl botMember;
    /** The owner: a user of its own, not the bot (bots do not own the guilds they serve), and not a member. */
    long ownerId;
    /** {@code system_channel_id}, or null. */
    @Nullable
    ChannelImpl systemChannel;

    GuildImpl(World world, long id, String name) {
        this.world = world;
        this.id = id;
        this.name = name;
        this.botJoinedAt = world.now();
        this.everyone = new RoleImpl(id, "@everyone", Permissions.DEFAULT_EVERYONE, this, 0, 0);
        roles.add(everyone);
    }

    /** Creates a guild with the bot as a member holding a managed administrator role. Lock held. */
    static GuildImpl create(World world, String name) {
        return create(world, world.ids.next(), name);
    }

    /** Creates a guild with the given (fresh) id; otherwise as {@link #create(World, String)}. Lock held. */
    static GuildImpl create(World world, long id, String name) {
        GuildImpl guild = new GuildImpl(world, id, name);
        guild.ownerId = world.newUser(name + " owner", false).id();
        RoleImpl botRole = new RoleImpl(
                world.ids.next(), world.bot.username(), world.settings.botPermissions(), guild, 1, world.bot.id());
        guild.roles.add(botRole);
        guild.botMember = new MemberImpl(world, guild, world.bot, guild.botJoinedAt);
        guild.botMember.roles.add(botRole);
        guild.members.put(world.bot.id(), guild.botMember);
        return guild;
    }

    int boosterCount() {
        return (int)
                members.values().stream().filter(m -> m.premiumSince != null).count();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EmulatedChannel createTextChannel(String name) {
        return createChannel(name, ChannelImpl.Kind.TEXT);
    }

    @Override
    public EmulatedChannel createVoiceChannel(String name) {
        return createChannel(name, ChannelImpl.Kind.VOICE);
    }

    private EmulatedChannel createChannel(String channelName, ChannelImpl.Kind kind) {
        World.requireName("name", channelName);
        return world.mutate(() -> {
            ChannelImpl channel = new ChannelImpl(world, world.ids.next(), channelName, kind, this, channels.size());
            channels.add(channel);
            world.channels.put(channel.id(), channel);
            world.gateway.dispatch("CHANNEL_CREATE", world.channelJson(channel), Intents.NONE, false);
            return channel;
        });
    }

    @Override
    public EmulatedRole createRole(String roleName, long permissions) {
        World.requireName("name", roleName);
        return world.mutate(() -> {
            // like Discord, a new role goes to the bottom (position 1) and every other role moves up one
            List<RoleImpl> moved = new ArrayList<>();
            for (RoleImpl other : roles) {
                if (other != everyone) {
                    other.position++;
                    moved.add(other);
                }
            }
            RoleImpl role = new RoleImpl(world.ids.next(), roleName, permissions, this, 1, 0);
            roles.add(role);
            dispatchRole("GUILD_ROLE_CREATE", role);
            moved.forEach(other -> dispatchRole("GUILD_ROLE_UPDATE", other));
            return role;
        });
    }

    @Override
    public EmulatedRole createRoleAboveBot(String roleName, long permissions) {
        World.requireName("name", roleName);
        return world.mutate(() -> {
            int top = roles.stream().mapToInt(r -> r.position).max().orElse(0) + 1;
            RoleImpl role = new RoleImpl(world.ids.next(), roleName, permissions, this, top, 0);
            roles.add(role);
            dispatchRole("GUILD_ROLE_CREATE", role);
            return role;
        });
    }

    private void dispatchRole(String event, RoleImpl role) {
        world.gateway.dispatch(
                event,
                Json.object().put("guild_id", Long.toUnsignedString(id)).set("role", world.roleJson(role)),
                Intents.NONE,
                false);
    }

    /**
     * Discord's check for adding or removing a member role: the bot needs Manage Roles (or Administrator), and unless
     * it owns the guild, its highest role must be above the role. Lock held.
     */
    boolean botMayAssign(RoleImpl role) {
        if (ownerId == world.bot.id()) {
            return true;
        }
        if ((botMember.permissionsLocked() & Permissions.MANAGE_ROLES) == 0) {
            return false;
        }
        int highest = botMember.roles.stream().mapToInt(r -> r.position).max().orElse(0);
        return highest > role.position;
    }

    @Override
    public EmulatedMember addMember(String username, boolean bot) {
        World.requireName("username", username);
        return world.mutate(() -> addMemberLocked(world.newUser(username, bot)));
    }

    @Override
    public EmulatedMember addMember(EmulatedUser user) {
        Objects.requireNonNull(user, "user");
        if (!(user instanceof UserImpl impl) || world.read(() -> world.users.get(user.id())) != user) {
            throw new IllegalArgumentException("user " + user + " does not belong to this emulator");
        }
        return world.mutate(() -> {
            if (members.containsKey(impl.id())) {
                throw new IllegalArgumentException("user " + impl + " is already a member of " + name);
            }
            return addMemberLocked(impl);
        });
    }

    private MemberImpl addMemberLocked(UserImpl user) {
        MemberImpl member = new MemberImpl(world, this, user, world.now());
        members.put(user.id(), member);
        world.gateway.dispatch(
                "GUILD_MEMBER_ADD",
                world.memberJson(member, true).put("guild_id", Long.toUnsignedString(id)),
                Intents.GUILD_MEMBERS,
                false);
        return member;
    }

    @Override
    public void removeMember(EmulatedMember member) {
        Objects.requireNonNull(member, "member");
        world.mutate(() -> {
            MemberImpl impl = members.get(member.user().id());
            if (impl != member || impl == botMember) {
                throw new IllegalArgumentException("member must be a member of " + name + " other than the bot, was "
                        + member.user().username());
            }
            if (impl.voiceChannel != null) {
                throw new IllegalStateException(
                        member.user().username() + " is in voice; leave voice before removing the member");
            }
            members.remove(impl.user.id());
            world.gateway.dispatch(
                    "GUILD_MEMBER_REMOVE",
                    Json.object().put("guild_id", Long.toUnsignedString(id)).set("user", world.userJson(impl.user)),
                    Intents.GUILD_MEMBERS,
                    false);
        });
    }

    @Override
    public void deleteRole(EmulatedRole role) {
        Objects.requireNonNull(role, "role");
        world.mutate(() -> {
            if (!(role instanceof RoleImpl impl) || !roles.contains(impl) || impl == everyone || impl.botId != 0) {
                throw new IllegalArgumentException(
                        "role must be a role of " + name + " other than @everyone and the bot's, was " + role.name());
            }
            roles.remove(impl);
            for (MemberImpl m : members.values()) {
                m.roles.remove(impl);
            }
            world.gateway.dispatch(
                    "GUILD_ROLE_DELETE",
                    Json.object()
                            .put("guild_id", Long.toUnsignedString(id))
                            .put("role_id", Long.toUnsignedString(impl.id())),
                    Intents.NONE,
                    false);
        });
    }

    @Override
    public EmulatedRole everyoneRole() {
        return everyone;
    }

    @Override
    public List<EmulatedChannel> channels() {
        return world.read(() -> List.copyOf(channels));
    }

    @Override
    public List<EmulatedMember> members() {
        return world.read(() -> List.copyOf(members.values()));
    }

    @Override
    public EmulatedUser owner() {
        return world.read(() -> world.users.get(ownerId));
    }

    @Override
    public void setSystemChannel(@Nullable EmulatedChannel channel) {
        world.mutate(() -> {
            if (channel != null
                    && (!(channel instanceof ChannelImpl impl)
                            || !channels.contains(impl)
                            || impl.kind() != EmulatedChannel.Kind.TEXT)) {
                throw new IllegalArgumentException(
                        "channel must be a text channel of " + name + ", was " + channel.name());
            }
            systemChannel = (ChannelImpl) channel;
            world.gateway.dispatch("GUILD_UPDATE", world.guildUpdateJson(this), Intents.NONE, false);
        });
    }

    @Override
    public EmulatedMember botMember() {
        return botMember;
    }

    @Override
    public List<RegisteredCommand> registeredCommands() {
        return world.read(
                () -> commands.stream().map(CommandRecord::toRegistered).toList());
    }

    @Override
    public String toString() {
        return "Guild[" + name + " " + id + "]";
    }
}

package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.EmulatedUser;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.RecordedMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A guild member with voice state. Mutable state guarded by {@link World#lock}. */
final class MemberImpl implements EmulatedMember {
    private final World world;
    final GuildImpl guild;
    final UserImpl user;
    final String joinedAt;
    final Set<RoleImpl> roles = new LinkedHashSet<>();

    @Nullable
    ChannelImpl voiceChannel;

    String voiceSessionId = "";
    boolean selfMute;
    boolean selfDeaf;
    boolean serverMute;
    boolean serverDeaf;

    @Nullable
    String premiumSince;

    MemberImpl(World world, GuildImpl guild, UserImpl user, String joinedAt) {
        this.world = world;
        this.guild = guild;
        this.user = user;
        this.joinedAt = joinedAt;
    }

    @Override
    public EmulatedUser user() {
        return user;
    }

    @Override
    public EmulatedGuild guild() {
        return guild;
    }

    @Override
    public List<EmulatedRole> roles() {
        return world.read(() -> List.copyOf(roles));
    }

    @Override
    public Optional<EmulatedChannel> voiceChannel() {
        return world.read(() -> Optional.ofNullable(voiceChannel));
    }

    @Override
    public boolean selfMuted() {
        return world.read(() -> selfMute);
    }

    @Override
    public boolean selfDeafened() {
        return world.read(() -> selfDeaf);
    }

    @Override
    public boolean serverMuted() {
        return world.read(() -> serverMute);
    }

    @Override
    public boolean serverDeafened() {
        return world.read(() -> serverDeaf);
    }

    @Override
    public boolean boosting() {
        return world.read(() -> premiumSince != null);
    }

    @Override
    public long permissions() {
        return world.read(this::permissionsLocked);
    }

    long permissionsLocked() {
        long raw = guild.everyone.permissions();
        for (RoleImpl role : roles) {
            raw |= role.permissions();
        }
        return Permissions.effective(raw);
    }

    // ---------------------------------------------------------------- voice

    @Override
    public void joinVoice(EmulatedChannel channel) {
        ChannelImpl target = voiceChannelOfGuild(channel);
        world.mutate(() -> {
            requireMember();
            if (voiceChannel != null) {
                throw new IllegalStateException(
                        user.username() + " is already in voice channel " + voiceChannel.name());
            }
            voiceChannel = target;
            voiceSessionId = UUID.randomUUID().toString().replace("-", "");
            dispatchVoiceState();
        });
    }

    @Override
    public void moveTo(EmulatedChannel channel) {
        ChannelImpl target = voiceChannelOfGuild(channel);
        world.mutate(() -> {
            requireInVoice();
            voiceChannel = target;
            dispatchVoiceState();
        });
    }

    @Override
    public void leaveVoice() {
        world.mutate(() -> {
            requireInVoice();
            voiceChannel = null;
            selfMute = false;
            selfDeaf = false;
            dispatchVoiceState();
        });
    }

    @Override
    public void setSelfMute(boolean muted) {
        changeVoiceFlag(() -> selfMute = muted);
    }

    @Override
    public void setSelfDeaf(boolean deafened) {
        changeVoiceFlag(() -> selfDeaf = deafened);
    }

    @Override
    public void setServerMute(boolean muted) {
        changeVoiceFlag(() -> serverMute = muted);
    }

    @Override
    public void setServerDeaf(boolean deafened) {
        changeVoiceFlag(() -> serverDeaf = deafened);
    }

    private void changeVoiceFlag(Runnable change) {
        world.mutate(() -> {
            requireInVoice();
            change.run();
            dispatchVoiceState();
        });
    }

    private void dispatchVoiceState() {
        world.gateway.dispatch(
                "VOICE_STATE_UPDATE", world.voiceStateJson(this, true), Intents.GUILD_VOICE_STATES, false);
    }

    private ChannelImpl voiceChannelOfGuild(EmulatedChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!(channel instanceof ChannelImpl impl) || impl.guild != guild || impl.kind != ChannelImpl.Kind.VOICE) {
            throw new IllegalArgumentException(
                    "channel must be a voice channel of " + guild.name() + ", was " + channel);
        }
        return impl;
    }

    private void requireInVoice() {
        requireMember();
        if (voiceChannel == null) {
            throw new IllegalStateException(user.username() + " is not in a voice channel");
        }
    }

    private void requireMember() {
        if (guild.members.get(user.id()) != this) {
            throw new IllegalStateException(user.username() + " is no longer a member of " + guild.name());
        }
    }

    // ---------------------------------------------------------------- roles and boosting

    @Override
    public void addRole(EmulatedRole role) {
        RoleImpl impl = roleOfGuild(role);
        world.mutate(() -> {
            requireMember();
            if (roles.add(impl)) {
                dispatchMemberUpdate();
            }
        });
    }

    @Override
    public void removeRole(EmulatedRole role) {
        RoleImpl impl = roleOfGuild(role);
        world.mutate(() -> {
            requireMember();
            if (roles.remove(impl)) {
                dispatchMemberUpdate();
            }
        });
    }

    @Override
    public void setBoosting(boolean boosting) {
        world.mutate(() -> {
            requireMember();
            if (boosting == (premiumSince != null)) {
                return;
            }
            premiumSince = boosting ? world.now() : null;
            dispatchMemberUpdate();
        });
    }

    void dispatchMemberUpdate() {
        world.gateway.dispatch(
                "GUILD_MEMBER_UPDATE",
                world.memberJson(this, true).put("guild_id", Long.toUnsignedString(guild.id())),
                Intents.GUILD_MEMBERS,
                false);
    }

    RoleImpl roleOfGuild(EmulatedRole role) {
        Objects.requireNonNull(role, "role");
        if (!(role instanceof RoleImpl impl) || impl.guild() != guild || impl == guild.everyone) {
            throw new IllegalArgumentException(
                    "role must be a non-@everyone role of " + guild.name() + ", was " + role);
        }
        return impl;
    }

    // ---------------------------------------------------------------- messages and interactions

    @Override
    public RecordedMessage sendMessage(EmulatedChannel channel, String content) {
        World.requireName("content", content);
        ChannelImpl target = channelOfGuild(channel);
        return world.mutate(() -> {
            requireMember();
            StoredMessage message = world.newMessage(target, user, this);
            message.content = content;
            message.mentions = MessageParts.mentions(world, message, null);
            world.dispatchMessageCreate(message);
            return world.record(message);
        });
    }

    @Override
    public EmulatedInteraction invokeCommand(EmulatedChannel channel, String command, Map<String, ?> options) {
        World.requireName("command", command);
        Objects.requireNonNull(options, "options");
        ChannelImpl target = channelOfGuild(channel);
        return world.mutate(() -> {
            requireMember();
            return Invocations.command(world, user, this, target, command, options);
        });
    }

    @Override
    public EmulatedInteraction invokeCommand(String command, Map<String, ?> options) {
        EmulatedChannel first = world.read(() -> guild.channels.stream()
                .filter(c -> c.kind == ChannelImpl.Kind.TEXT)
                .findFirst()
                .orElseThrow(() -> new EmulatorException(guild.name() + " has no text channel to invoke /" + command)));
        return invokeCommand(first, command, options);
    }

    @Override
    public EmulatedInteraction clickButton(RecordedMessage message, String customId) {
        Objects.requireNonNull(message, "message");
        World.requireName("customId", customId);
        return world.mutate(() -> {
            requireMember();
            StoredMessage stored = world.messages.get(message.id());
            if (stored == null || stored.channel.guild != guild) {
                throw new EmulatorException("message " + message.id() + " is not a message in " + guild.name());
            }
            return Invocations.button(world, user, this, stored, customId);
        });
    }

    private ChannelImpl channelOfGuild(EmulatedChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!(channel instanceof ChannelImpl impl) || impl.guild != guild) {
            throw new IllegalArgumentException("channel must belong to " + guild.name() + ", was " + channel);
        }
        return impl;
    }

    @Override
    public String toString() {
        return "Member[" + user.username() + " in " + guild.name() + "]";
    }
}

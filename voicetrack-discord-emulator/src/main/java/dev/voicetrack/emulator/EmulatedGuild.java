package dev.voicetrack.emulator;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A guild (server) the bot is a member of. Created with {@link DiscordEmulator#createGuild}; when a gateway session
 * is already connected it receives a {@code GUILD_CREATE} for it.
 *
 * <p>Thread safe. Structural changes made after the guild was announced (new channels, roles, members) are sent as
 * the matching dispatches ({@code CHANNEL_CREATE}, {@code GUILD_ROLE_CREATE}, {@code GUILD_MEMBER_ADD}).
 */
public interface EmulatedGuild {
    long id();

    String name();

    EmulatedChannel createTextChannel(String name);

    EmulatedChannel createVoiceChannel(String name);

    /**
     * Creates a role with the given Discord permission bits. As on Discord, it goes to the bottom of the hierarchy
     * (position 1, below the bot's own role); the roles above it move up one.
     */
    EmulatedRole createRole(String name, long permissions);

    /**
     * Creates a role at the top of the hierarchy, above the bot's highest role, so the bot may not assign it (Discord
     * answers 403 {@code Missing Permissions}).
     */
    EmulatedRole createRoleAboveBot(String name, long permissions);

    /** Creates a new user and adds it as a member. */
    EmulatedMember addMember(String username, boolean bot);

    /**
     * Adds an existing user (for example one that is a member of another guild too).
     *
     * @throws IllegalArgumentException if the user is already a member
     */
    EmulatedMember addMember(EmulatedUser user);

    /**
     * Removes a member (it left or was kicked) and sends {@code GUILD_MEMBER_REMOVE} (GUILD_MEMBERS intent). As on
     * Discord the membership ends with its roles: a user added again with {@link #addMember(EmulatedUser)} is a new
     * member without roles.
     *
     * @throws IllegalArgumentException if the member is not a member of this guild, or is the bot
     * @throws IllegalStateException if the member is in voice (it must leave voice first)
     */
    void removeMember(EmulatedMember member);

    /**
     * Deletes a role: members lose it and {@code GUILD_ROLE_DELETE} is sent; later REST calls naming it answer 404
     * {@code Unknown Role}.
     *
     * @throws IllegalArgumentException if the role is not one of this guild's, is {@code @everyone} or the bot's own
     */
    void deleteRole(EmulatedRole role);

    /** The {@code @everyone} role. */
    EmulatedRole everyoneRole();

    List<EmulatedChannel> channels();

    List<EmulatedMember> members();

    /**
     * The guild's owner: a user of its own (not the bot, and not one of {@link #members()}), as Discord's
     * {@code owner_id} names it. Read what the bot sent it with {@link EmulatedUser#directMessageChannel()}.
     */
    EmulatedUser owner();

    /**
     * Sets the channel Discord posts its system messages in ({@code system_channel_id}); {@code null} for none (the
     * default). A connected session receives {@code GUILD_UPDATE}.
     *
     * @throws IllegalArgumentException if the channel is not a text channel of this guild
     */
    void setSystemChannel(@Nullable EmulatedChannel channel);

    /** The bot's own member in this guild. */
    EmulatedMember botMember();

    /** Commands the bot registered for this guild, in registration order. */
    List<RegisteredCommand> registeredCommands();
}

package dev.voicetrack.emulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's membership in one guild, with voice state, roles and boost status.
 *
 * <p>Thread safe. Each mutating call changes the emulator's state and returns after the matching dispatch
 * ({@code VOICE_STATE_UPDATE}, {@code GUILD_MEMBER_UPDATE}, {@code MESSAGE_CREATE}, {@code INTERACTION_CREATE}) was
 * written to every connected gateway session (or buffered for a disconnected one that may resume).
 */
public interface EmulatedMember {
    EmulatedUser user();

    EmulatedGuild guild();

    /** Roles other than {@code @everyone}. */
    List<EmulatedRole> roles();

    /** The voice channel the member is in. */
    Optional<EmulatedChannel> voiceChannel();

    boolean selfMuted();

    boolean selfDeafened();

    boolean serverMuted();

    boolean serverDeafened();

    boolean boosting();

    /** Sum of the permissions of {@code @everyone} and the member's roles; all bits when ADMINISTRATOR is set. */
    long permissions();

    /**
     * Joins a voice channel; the member must not be in voice already.
     *
     * @throws IllegalArgumentException if the channel is not a voice channel of this guild
     * @throws IllegalStateException if the member is already in voice
     */
    void joinVoice(EmulatedChannel channel);

    /**
     * Moves the member to another voice channel of the guild.
     *
     * @throws IllegalStateException if the member is not in voice
     */
    void moveTo(EmulatedChannel channel);

    /**
     * Leaves voice.
     *
     * @throws IllegalStateException if the member is not in voice
     */
    void leaveVoice();

    void setSelfMute(boolean muted);

    void setSelfDeaf(boolean deafened);

    void setServerMute(boolean muted);

    void setServerDeaf(boolean deafened);

    /** Adds a role of this guild (sends {@code GUILD_MEMBER_UPDATE}). */
    void addRole(EmulatedRole role);

    void removeRole(EmulatedRole role);

    /** Starts or stops boosting the guild; {@code premium_since} is set to the emulator clock's now. */
    void setBoosting(boolean boosting);

    /**
     * Sends a message from this member into a text or voice channel of the guild.
     *
     * @throws IllegalArgumentException if content is empty or the channel belongs to another guild
     */
    RecordedMessage sendMessage(EmulatedChannel channel, String content);

    /**
     * Invokes a registered slash command (guild command of this guild, or global command) in a channel.
     *
     * @param command the command name; {@code "command sub"} or {@code "command group sub"} address subcommands
     * @param options option values by name, see {@link EmulatedUser#invokeDirectCommand}
     * @throws EmulatorException if the command is not registered, the member lacks its default member permissions,
     *     or the options do not match the declared ones
     */
    EmulatedInteraction invokeCommand(EmulatedChannel channel, String command, Map<String, ?> options);

    /** Invokes a command in the guild's first text channel. */
    EmulatedInteraction invokeCommand(String command, Map<String, ?> options);

    /**
     * Clicks a button on a message the bot sent.
     *
     * @throws EmulatorException if the message has no button with that custom id
     */
    EmulatedInteraction clickButton(RecordedMessage message, String customId);
}

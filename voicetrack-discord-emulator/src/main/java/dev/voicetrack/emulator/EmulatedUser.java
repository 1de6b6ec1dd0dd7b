package dev.voicetrack.emulator;

import java.util.Map;

/**
 * A Discord user known to the emulator. A user becomes a guild member through {@link EmulatedGuild#addMember}.
 *
 * <p>Thread safe. Every scripting call returns after the resulting gateway dispatch was written to every connected
 * session.
 */
public interface EmulatedUser {
    long id();

    String username();

    boolean bot();

    /**
     * Sends a direct message from this user to the bot (a {@code MESSAGE_CREATE} without a guild).
     *
     * @throws IllegalArgumentException if content is empty
     */
    RecordedMessage sendDirectMessage(String content);

    /**
     * Invokes a registered global slash command in the user's DM channel with the bot.
     *
     * @param command the command name; {@code "group sub"} or {@code "command sub"} address subcommands
     * @param options option values by name: {@code String}, {@code Integer}/{@code Long}, {@code Boolean},
     *     {@code Double}, {@link EmulatedUser}/{@link EmulatedMember}, {@link EmulatedChannel}, {@link EmulatedRole}
     * @throws EmulatorException if the command is not registered globally, does not allow DMs, or the options do not
     *     match its declared options
     */
    EmulatedInteraction invokeDirectCommand(String command, Map<String, ?> options);

    /**
     * The DM channel between this user and the bot (created on first use, as Discord does), to read what the bot
     * sent this user with {@link EmulatedChannel#botMessages()} or {@link EmulatedChannel#awaitBotMessage}.
     */
    EmulatedChannel directMessageChannel();
}

package dev.voicetrack.emulator;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A guild text or voice channel, or a DM channel between a user and the bot. Thread safe. */
public interface EmulatedChannel {
    /** Channel kinds the emulator supports, with Discord's channel type numbers. */
    enum Kind {
        TEXT(0),
        DM(1),
        VOICE(2);

        private final int discordType;

        Kind(int discordType) {
            this.discordType = discordType;
        }

        public int discordType() {
            return discordType;
        }
    }

    long id();

    String name();

    Kind kind();

    /** The guild, or {@code null} for a DM channel. */
    @org.jspecify.annotations.Nullable
    EmulatedGuild guild();

    /**
     * Messages the bot made visible in this channel, oldest first, in their latest edited state: messages sent through
     * {@code POST /channels/{id}/messages}, and non-ephemeral interaction replies and follow-ups.
     */
    List<RecordedMessage> botMessages();

    /**
     * Waits until a bot message in this channel matches the condition and returns it.
     *
     * @param timeout hang guard only; a timeout throws
     * @throws EmulatorException if no matching message arrived in time
     */
    RecordedMessage awaitBotMessage(Predicate<RecordedMessage> condition, Duration timeout);
}

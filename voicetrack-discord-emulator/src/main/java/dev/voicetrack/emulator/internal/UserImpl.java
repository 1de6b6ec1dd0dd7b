package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedUser;
import dev.voicetrack.emulator.RecordedMessage;
import java.util.Map;
import java.util.Objects;

/** A user. Identity is immutable; DM operations go through the world. */
final class UserImpl implements EmulatedUser {
    private final World world;
    private final long id;
    private final String username;
    private final boolean bot;

    UserImpl(World world, long id, String username, boolean bot) {
        this.world = world;
        this.id = id;
        this.username = username;
        this.bot = bot;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public boolean bot() {
        return bot;
    }

    @Override
    public RecordedMessage sendDirectMessage(String content) {
        World.requireName("content", content);
        requireNotTheBot();
        return world.mutate(() -> {
            StoredMessage message = world.newMessage(world.dmChannel(this), this, null);
            message.content = content;
            world.dispatchMessageCreate(message);
            return world.record(message);
        });
    }

    @Override
    public EmulatedChannel directMessageChannel() {
        return world.mutate(() -> world.dmChannel(this));
    }

    @Override
    public EmulatedInteraction invokeDirectCommand(String command, Map<String, ?> options) {
        World.requireName("command", command);
        Objects.requireNonNull(options, "options");
        requireNotTheBot();
        return world.mutate(() -> Invocations.command(world, this, null, world.dmChannel(this), command, options));
    }

    private void requireNotTheBot() {
        if (this == world.bot) {
            throw new IllegalArgumentException("the bot cannot message or invoke commands on itself");
        }
    }

    @Override
    public String toString() {
        return "User[" + username + " " + id + "]";
    }
}

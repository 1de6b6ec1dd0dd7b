package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.RecordedMessage;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** A guild text/voice channel or a DM channel. Mutable state guarded by {@link World#lock}. */
final class ChannelImpl implements EmulatedChannel {
    private final World world;
    private final long id;
    private final String name;
    final Kind kind;
    final @Nullable GuildImpl guild;
    final int position;
    /** The other side of a DM channel. */
    UserImpl recipient;

    ChannelImpl(World world, long id, String name, Kind kind, @Nullable GuildImpl guild, int position) {
        this.world = world;
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.guild = guild;
        this.position = position;
    }

    int kindCode() {
        return kind.discordType();
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
    public Kind kind() {
        return kind;
    }

    @Override
    public @Nullable EmulatedGuild guild() {
        return guild;
    }

    @Override
    public List<RecordedMessage> botMessages() {
        return world.read(this::botMessagesLocked);
    }

    private List<RecordedMessage> botMessagesLocked() {
        return world.messages.values().stream()
                .filter(m -> m.channel == this && m.author == world.bot && m.visibleInChannel())
                .sorted(Comparator.comparingLong(m -> m.id))
                .map(world::record)
                .toList();
    }

    @Override
    public RecordedMessage awaitBotMessage(Predicate<RecordedMessage> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        return world.await(
                () -> botMessagesLocked().stream()
                        .filter(condition)
                        .findFirst()
                        .map(Optional::of)
                        .orElse(Optional.empty()),
                timeout,
                () -> "a matching bot message in #" + name + "; bot messages so far: " + botMessagesLocked());
    }

    @Override
    public String toString() {
        return "Channel[" + kind + " " + name + " " + id + "]";
    }
}

package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.InteractionResponse;
import dev.voicetrack.emulator.RecordedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** An interaction and its recorded responses. Mutable state guarded by {@link World#lock}. */
final class InteractionImpl implements EmulatedInteraction {
    static final int TYPE_COMMAND = 2;
    static final int TYPE_COMPONENT = 3;

    private final World world;
    private final long id;
    private final String token;
    private final String name;
    final int type;
    final ChannelImpl channel;
    final UserImpl user;
    final @Nullable MemberImpl member;
    /** The message a component lives on; null for commands. */
    final @Nullable StoredMessage componentMessage;

    /** When Discord created the interaction, on the world's clock; the deadlines count from here. */
    final long createdMillis;

    final List<InteractionResponse> responses = new ArrayList<>();
    boolean acknowledged;
    /** What {@code @original} refers to once acknowledged. */
    @Nullable
    StoredMessage original;

    InteractionImpl(
            World world,
            long id,
            String token,
            String name,
            int type,
            ChannelImpl channel,
            UserImpl user,
            @Nullable MemberImpl member,
            @Nullable StoredMessage componentMessage) {
        this.world = world;
        this.id = id;
        this.token = token;
        this.name = name;
        this.type = type;
        this.channel = channel;
        this.user = user;
        this.member = member;
        this.componentMessage = componentMessage;
        this.createdMillis = world.clock.millis();
    }

    /** Past the callback deadline (3 s by default): the callback is refused as an unknown interaction. */
    boolean ackExpired() {
        return world.clock.millis() - createdMillis
                > world.settings.interactionAckDeadline().toMillis();
    }

    /** Past the token's lifetime (15 min by default): follow-ups and edits are refused. */
    boolean tokenExpired() {
        return world.clock.millis() - createdMillis
                > world.settings.interactionTokenLifetime().toMillis();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<InteractionResponse> responses() {
        return world.read(() -> List.copyOf(responses));
    }

    @Override
    public InteractionResponse awaitResponse(Duration timeout) {
        return awaitResponse(r -> r.kind() == InteractionResponse.Kind.CALLBACK, timeout);
    }

    @Override
    public InteractionResponse awaitResponse(Predicate<InteractionResponse> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        return world.await(
                () -> firstMatching(condition), timeout, () -> "a response to " + this + "; recorded: " + responses);
    }

    @Override
    public RecordedMessage awaitReply(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return world.await(
                        () -> firstMatching(InteractionImpl::isReply),
                        timeout,
                        () -> "a reply to " + this + "; recorded: " + responses)
                .message();
    }

    private static boolean isReply(InteractionResponse response) {
        return switch (response.kind()) {
            case CALLBACK -> response.message() != null;
            case EDIT_ORIGINAL -> true;
            default -> false;
        };
    }

    private Optional<InteractionResponse> firstMatching(Predicate<InteractionResponse> condition) {
        return responses.stream().filter(condition).findFirst();
    }

    @Override
    public String toString() {
        return (type == TYPE_COMMAND ? "/" : "button ") + name + " (interaction " + id + ")";
    }
}

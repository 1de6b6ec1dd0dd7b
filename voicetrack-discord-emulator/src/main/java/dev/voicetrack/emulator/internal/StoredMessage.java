package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A message in the emulator's store. Mutable; guarded by {@link World#lock}. */
final class StoredMessage {
    final long id;
    final ChannelImpl channel;
    final UserImpl author;
    final @Nullable MemberImpl member;
    final String timestamp;
    int type;
    String content = "";
    int flags;
    ArrayNode embeds = Json.array();
    ArrayNode components = Json.array();

    @Nullable
    String editedTimestamp;
    /** The interaction this message answers, if any. */
    @Nullable
    InteractionImpl interaction;
    /** Users the message pings ({@link MessageParts#mentions}). */
    List<UserImpl> mentions = List.of();

    List<MessageParts.Attachment> attachments = List.of();
    /** The message this one replies to. */
    @Nullable
    StoredMessage referenced;
    /** Reactions by emoji, each with the users who reacted, in order. */
    final Map<MessageParts.Emoji, LinkedHashSet<UserImpl>> reactions = new LinkedHashMap<>();

    /** A deferred reply that the bot has not filled in yet: not shown in the channel. */
    boolean placeholder;

    StoredMessage(long id, ChannelImpl channel, UserImpl author, @Nullable MemberImpl member, String timestamp) {
        this.id = id;
        this.channel = channel;
        this.author = author;
        this.member = member;
        this.timestamp = timestamp;
    }

    boolean ephemeral() {
        return (flags & (1 << 6)) != 0;
    }

    boolean visibleInChannel() {
        return !placeholder && !ephemeral();
    }
}

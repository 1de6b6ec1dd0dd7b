package dev.voicetrack.emulator;

import org.jspecify.annotations.Nullable;

/**
 * One thing the bot did in answer to an interaction, in the order the emulator received it.
 *
 * @param kind which endpoint the bot called
 * @param callbackType for {@link Kind#CALLBACK}: Discord's interaction callback type (4 reply, 5 deferred reply, 6
 *     deferred update, 7 update message, 9 modal); 0 otherwise
 * @param message the message created or edited by the call; {@code null} for a deferral or a deletion
 */
public record InteractionResponse(Kind kind, int callbackType, @Nullable RecordedMessage message) {

    /** The endpoint behind a response. */
    public enum Kind {
        /** {@code POST /interactions/{id}/{token}/callback}. */
        CALLBACK,
        /** {@code PATCH /webhooks/{app}/{token}/messages/@original}. */
        EDIT_ORIGINAL,
        /** {@code DELETE /webhooks/{app}/{token}/messages/@original}. */
        DELETE_ORIGINAL,
        /** {@code POST /webhooks/{app}/{token}}. */
        FOLLOW_UP,
        /** {@code PATCH /webhooks/{app}/{token}/messages/{id}}. */
        EDIT_FOLLOW_UP
    }

    /** Whether this response shows the user a message (a reply, an update, an edit or a follow-up). */
    public boolean showsMessage() {
        return message != null;
    }
}

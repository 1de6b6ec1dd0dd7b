package dev.voicetrack.core.storage;

import dev.voicetrack.core.VoiceTrackException;

/** A storage operation failed; nothing of the failed operation was written. */
public class StorageException extends VoiceTrackException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

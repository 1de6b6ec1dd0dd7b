package dev.voicetrack.core;

/**
 * The root of every exception the tracker throws on purpose. Invalid arguments are reported with
 * {@link IllegalArgumentException} (message naming the field and the value) and nulls with {@link
 * NullPointerException}; everything else that fails inside the tracker or its storage is a subtype
 * of this class.
 */
public class VoiceTrackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VoiceTrackException(String message) {
        super(message);
    }

    public VoiceTrackException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.voicetrack.core;

/** A member's mute and deafen state in voice. Immutable. */
public record VoiceFlags(boolean selfMute, boolean serverMute, boolean selfDeaf, boolean serverDeaf) {

    /** Neither muted nor deafened. */
    public static final VoiceFlags NONE = new VoiceFlags(false, false, false, false);

    /** Muted by themselves or by the server (Discord's {@code voice.mute}). */
    public boolean muted() {
        return selfMute || serverMute;
    }

    /** Deafened by themselves or by the server (Discord's {@code voice.deaf}). */
    public boolean deafened() {
        return selfDeaf || serverDeaf;
    }
}

package dev.voicetrack.emulator.internal;

/** Discord permission bits the emulator needs to know about. */
final class Permissions {
    static final long ADMINISTRATOR = 1L << 3;
    static final long MANAGE_ROLES = 1L << 28;
    /** Every permission bit Discord defined so far (bits 0..50), what an administrator effectively has. */
    static final long ALL = (1L << 51) - 1;
    /**
     * What a fresh guild's {@code @everyone} role allows: invite, react, stream, view, send, embed, attach, read
     * history, external emojis, connect, speak, voice activity, change nickname, use application commands.
     */
    static final long DEFAULT_EVERYONE = (1L << 0)
            | (1L << 6)
            | (1L << 9)
            | (1L << 10)
            | (1L << 11)
            | (1L << 14)
            | (1L << 15)
            | (1L << 16)
            | (1L << 18)
            | (1L << 20)
            | (1L << 21)
            | (1L << 25)
            | (1L << 26)
            | (1L << 31);

    private Permissions() {}

    static long effective(long raw) {
        return (raw & ADMINISTRATOR) != 0 ? ALL : raw;
    }
}

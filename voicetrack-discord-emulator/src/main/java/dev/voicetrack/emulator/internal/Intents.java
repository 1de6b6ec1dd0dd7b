package dev.voicetrack.emulator.internal;

/** Gateway intent bits that decide which dispatches a session receives. */
final class Intents {
    static final int NONE = 0;
    static final int GUILD_MEMBERS = 1 << 1;
    static final int GUILD_VOICE_STATES = 1 << 7;
    static final int GUILD_MESSAGES = 1 << 9;
    static final int GUILD_MESSAGE_REACTIONS = 1 << 10;
    static final int DIRECT_MESSAGE_REACTIONS = 1 << 13;
    static final int DIRECT_MESSAGES = 1 << 12;
    static final int MESSAGE_CONTENT = 1 << 15;
    static final int GUILD_PRESENCES = 1 << 8;
    /** The intents an application must enable in the Developer Portal. */
    static final int PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;
    /** Every intent bit Discord defines (0..16, 20, 21, 24, 25); any other bit is an invalid intent. */
    static final long DEFINED = ((1L << 17) - 1) | (1L << 20) | (1L << 21) | (1L << 24) | (1L << 25);

    private Intents() {}
}

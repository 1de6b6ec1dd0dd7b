package dev.voicetrack.emulator.internal;

/** Gateway intent bits that decide which dispatches a session receives. */
final class Intents {
    static final int NONE = 0;
    static final int GUILD_MEMBERS = 1 << 1;
    static final int GUILD_VOICE_STATES = 1 << 7;
    static final int GUILD_MESSAGES = 1 << 9;
    static final int DIRECT_MESSAGES = 1 << 12;
    static final int MESSAGE_CONTENT = 1 << 15;

    private Intents() {}
}

package dev.voicetrack.emulator;

/**
 * A gateway outage begun with {@link DiscordEmulator#beginOutage}: every gateway socket was closed, clients may
 * reconnect and receive HELLO, but their IDENTIFY or RESUME is held until {@link #end()}. Dispatches produced by
 * scripting during the outage are buffered per session and replayed on RESUME.
 */
public interface Outage extends AutoCloseable {
    /** Lets held and future handshakes proceed. Idempotent. */
    void end();

    @Override
    default void close() {
        end();
    }
}

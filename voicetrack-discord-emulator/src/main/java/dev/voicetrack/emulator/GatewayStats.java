package dev.voicetrack.emulator;

/**
 * Counters of what clients did on the gateway since the emulator started.
 *
 * @param connections websocket connections accepted
 * @param identifies IDENTIFY payloads answered with READY
 * @param resumes RESUME payloads answered with RESUMED
 * @param invalidSessions INVALID_SESSION answers (a RESUME of an unknown or dropped session)
 * @param heartbeats heartbeats acknowledged
 * @param dispatches dispatch payloads sent, replays included
 */
public record GatewayStats(
        long connections, long identifies, long resumes, long invalidSessions, long heartbeats, long dispatches) {}

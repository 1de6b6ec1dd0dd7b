package dev.voicetrack.jda;

import java.util.concurrent.CompletableFuture;

/**
 * A tracker wired to JDA by {@link VoiceTrackJda#install}. Closing it removes the listeners from JDA and from
 * the tracker and stops the threads it created; it closes neither JDA nor the tracker. Thread safe.
 */
public interface JdaInstallation extends AutoCloseable {

    /** How many gateway events were handed to the tracker so far (each one an enqueue, never I/O). */
    long eventsEnqueued();

    /** How many reconciliations with JDA's voice states have finished (at install, READY, resume, re-identify). */
    long reconciliations();

    /** How long the adapter held JDA's event threads: what it costs a gateway thread to handle an event. */
    GatewayTimings gatewayTimings();

    /**
     * Completes when the slash commands were registered with Discord (or at once, with nothing registered, when
     * registration was turned off); completes exceptionally when Discord refused them.
     */
    CompletableFuture<Void> commandsRegistered();

    /**
     * How many whole-guild level reward syncs have finished (at start-up, after a resume or re-identify, after
     * {@code /rewards add} and on {@code /rewards sync}); each gives and takes roles so members match the rewards.
     */
    long rewardSyncs();

    /** The level-up announcement settings the {@code /config levelup} command edits. */
    AnnouncementStore announcements();

    /** The level role rewards {@code /rewards} edits, with the same rules, for other front ends. */
    RewardAdmin rewardAdmin();

    /** Removes the listeners and stops the adapter's threads. Idempotent. */
    @Override
    void close();

    /**
     * Time spent on JDA event threads by the adapter's handlers (gateway events and the synchronous part of slash
     * commands: checks and the hand-off to the command executor).
     *
     * @param events handled events
     * @param maxNanos the longest single handler run, in wall time (which includes any GC pause or time the
     *     thread waited for a CPU while it ran)
     * @param totalNanos the summed handler time
     * @param maxCpuNanos the most CPU time a single handler run used: the adapter's own work; -1 where the JVM does
     *     not measure thread CPU time
     */
    record GatewayTimings(long events, long maxNanos, long totalNanos, long maxCpuNanos) {
        /** Timings without a CPU figure. */
        public GatewayTimings(long events, long maxNanos, long totalNanos) {
            this(events, maxNanos, totalNanos, -1);
        }
    }
}

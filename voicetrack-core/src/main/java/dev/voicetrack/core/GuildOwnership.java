package dev.voicetrack.core;

/**
 * Which guilds this tracker ticks, when several processes share one storage and split the guilds
 * between them (a bot's gateway shards spread over processes). A guild this process does not own is
 * left entirely to its owner: its gateway events are ignored, its members are never followed or
 * credited, and its open sessions in storage are neither resumed nor closed here. Queries (stats,
 * ranks, leaderboards) answer for every guild whoever owns it.
 *
 * <p>Ownership may change while the tracker runs (a shard lease lost or taken over). The tracker
 * consults it when it applies an event, on every tick (a guild no longer owned is not credited from
 * then on) and at {@link VoiceTracker#reconcile()}; call {@code reconcile()} after a change, so that
 * members of a guild gained are followed (their open sessions resumed) and members of a guild lost
 * are let go, their sessions left open in storage for the new owner. Must be thread safe and cheap: it
 * is asked once per guild per tick.
 */
@FunctionalInterface
public interface GuildOwnership {
    /** Every guild: one process owns them all (the default). */
    GuildOwnership ALL = guildId -> true;

    /** Whether this process ticks the guild now. */
    boolean owns(long guildId);
}

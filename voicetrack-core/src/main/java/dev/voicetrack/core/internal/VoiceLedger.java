package dev.voicetrack.core.internal;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.GuildOwnership;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.SessionColumns;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The voice-session ledger: who is in which channel since when, with which flags, in which session,
 * and how much of their time has been accounted.
 *
 * <h2>Events</h2>
 *
 * Gateway threads only {@linkplain #enqueue enqueue} events, stamped with the tracker clock; everything
 * else runs under the tracker lock. {@link #drain} applies the queued events in order, each at the
 * instant it was accepted (clamped between the last tick and now, so that time never runs backwards).
 *
 * <h2>Transitions</h2>
 *
 * <ul>
 *   <li><b>join</b> opens a session (counted as one session in the member's increments) and emits
 *       {@code sessionStart} after the next write;
 *   <li><b>leave</b> closes the session: its row goes in the next write, {@code sessionEnd} after it;
 *   <li><b>move</b> to another channel closes the session and opens one in the new channel; a join
 *       for a member already in voice is a move with the new member info and flags, a move for a
 *       member not followed is a join;
 *   <li><b>flags</b> and <b>member</b> updates change the member in place (same session).
 * </ul>
 *
 * Events of a guild this process does not own ({@link GuildOwnership}) are dropped when applied.
 *
 * <h2>Measured time</h2>
 *
 * Before anything changes a channel, every member of that channel is {@linkplain #accrue accounted}
 * up to that instant under the state that held until then, so filters and anti-AFK rules (which
 * depend on who else is in the channel) apply to exactly the time they were true. With the {@code
 * elapsed} strategy the accounted segments are the voice time, split at each local hour (so at
 * midnight) in the guild's zone;
 * with per-check strategies the tracked time is only measured here and credited by the tick.
 */
final class VoiceLedger {
    private record Stamped(GatewayEvent event, Instant at) {}

    private final Clock clock;
    private final Guilds guilds;
    private final PendingWrites pending;
    private final TrackingRules rules;
    private final Dispatcher dispatcher;
    private final GuildOwnership ownership;
    private final ConcurrentLinkedQueue<Stamped> queue = new ConcurrentLinkedQueue<>();

    // ---- confined to lock ----
    private Instant lastTickAt = Instant.EPOCH;

    VoiceLedger(
            Clock clock,
            Guilds guilds,
            PendingWrites pending,
            TrackingRules rules,
            Dispatcher dispatcher,
            GuildOwnership ownership) {
        this.clock = clock;
        this.ownership = ownership;
        this.guilds = guilds;
        this.pending = pending;
        this.rules = rules;
        this.dispatcher = dispatcher;
    }

    /** Queues an event stamped with the tracker clock. Any thread; never blocks. */
    void enqueue(GatewayEvent event) {
        queue.add(new Stamped(event, clock.instant()));
    }

    /** The tracker clock, never before the last tick (a clock stepped back does not undo accounted time). */
    Instant now() {
        Instant t = clock.instant();
        return t.isBefore(lastTickAt) ? lastTickAt : t;
    }

    /** Records that a tick accounted every member up to {@code at}. */
    void ticked(Instant at) {
        lastTickAt = at;
    }

    /** Applies the queued events in order; returns how many. A failing event is reported and skipped. */
    int drain(Instant now) {
        int n = 0;
        Stamped st;
        while ((st = queue.poll()) != null) {
            Instant at = st.at;
            if (at.isBefore(lastTickAt)) {
                at = lastTickAt;
            }
            if (at.isAfter(now)) {
                at = now;
            }
            try {
                apply(st.event, at);
            } catch (RuntimeException e) {
                dispatcher.error("applying " + st.event + " failed", e);
            }
            n++;
        }
        return n;
    }

    private void apply(GatewayEvent event, Instant t) {
        if (!ownership.owns(event.guildId())) {
            return; // another process follows this guild
        }
        GuildState g = guilds.get(event.guildId());
        if (event instanceof GatewayEvent.VoiceJoined e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                m.info = e.member();
                m.flags = e.flags();
                move(m, e.channelId(), t);
            } else {
                join(g, e.userId(), e.channelId(), e.member(), e.flags(), t);
            }
        } else if (event instanceof GatewayEvent.VoiceLeft e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                leave(m, t);
            }
        } else if (event instanceof GatewayEvent.VoiceMoved e) {
            MemberState m = g.members.get(e.userId());
            if (m == null) {
                join(g, e.userId(), e.channelId(), MemberInfo.PLAIN, VoiceFlags.NONE, t);
            } else {
                move(m, e.channelId(), t);
            }
        } else if (event instanceof GatewayEvent.VoiceFlagsChanged e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                changingInPlace(m, t);
                m.flags = e.flags();
            }
        } else if (event instanceof GatewayEvent.MemberUpdated e) {
            MemberState m = g.members.get(e.userId());
            if (m != null) {
                changingInPlace(m, t);
                m.info = e.member();
            }
        } else if (event instanceof GatewayEvent.MessageSent e) {
            message(g, e, t);
        }
    }

    // ---- transitions ----

    /**
     * A member's flags or info are about to change at {@code t} (same session): its channel is
     * accounted under the state that held until then, and the channel's company is recounted.
     */
    private void changingInPlace(MemberState m, Instant t) {
        accrueChannel(m.channel, t);
        m.channel.company = -1;
    }

    /** A member not followed yet enters a channel at {@code t}: a new session. */
    void join(GuildState g, long userId, long channelId, MemberInfo info, VoiceFlags flags, Instant t) {
        ChannelState c = g.channels.computeIfAbsent(channelId, ChannelState::new);
        accrueChannel(c, t);
        MemberState m = new MemberState(g, userId, c, info, flags, t);
        c.members.add(m);
        c.company = -1;
        g.members.put(userId, m);
        startSession(m, t);
    }

    /** A member leaves voice at {@code t}: its session closes and its increments wait in the map. */
    void leave(MemberState m, Instant t) {
        accrueChannel(m.channel, t);
        endSession(m, t);
        forget(m);
    }

    /** A member moves to another channel at {@code t}: one session closes, another opens. */
    void move(MemberState m, long channelId, Instant t) {
        if (m.channel.channelId == channelId) {
            return;
        }
        GuildState g = m.guild;
        ChannelState to = g.channels.computeIfAbsent(channelId, ChannelState::new);
        accrueChannel(m.channel, t);
        accrueChannel(to, t);
        endSession(m, t);
        ChannelState from = m.channel;
        from.members.remove(m);
        from.company = -1;
        if (from.members.isEmpty()) {
            g.channels.remove(from.channelId);
        }
        m.channel = to;
        to.members.add(m);
        to.company = -1;
        startSession(m, t);
    }

    /**
     * Stops following a member of a guild this process no longer owns, without closing the session:
     * its row stays open in storage as last written, for the guild's new owner to resume or close.
     * Increments accrued while the guild was owned are kept for the next write; nothing is accrued now
     * (from the moment ownership ended, the time is the new owner's to count).
     */
    void release(MemberState m) {
        forget(m);
    }

    /** Stops following a member: its increments wait in the map, it leaves its channel and guild. */
    private void forget(MemberState m) {
        GuildState g = m.guild;
        ChannelState c = m.channel;
        pending.spill(m);
        c.members.remove(m);
        c.company = -1;
        if (c.members.isEmpty()) {
            g.channels.remove(c.channelId);
        }
        g.members.remove(m.userId);
    }

    /**
     * Follows again, after a restart, a member still in the channel of a stored open session: the
     * session resumes with its stored totals; the time while nobody followed it is not credited.
     */
    void resume(GuildState g, VoiceMember vm, VoiceSession open, Instant now) {
        ChannelState c = g.channels.computeIfAbsent(vm.channelId(), ChannelState::new);
        accrueChannel(c, now);
        MemberState m = new MemberState(g, vm.userId(), c, vm.member(), vm.flags(), now);
        m.sessionId(open.id());
        m.sessionStart = open.start();
        m.sessionXp = open.xpEarned();
        m.sessionMutedMs = open.mutedMs();
        m.sessionDeafenedMs = open.deafenedMs();
        c.members.add(m);
        c.company = -1;
        g.members.put(vm.userId(), m);
    }

    /** Opens a new session for a member in voice at {@code t} (a join, a move, or after an admin reset). */
    void startSession(MemberState m, Instant t) {
        UUID id = m.newSessionId();
        m.sessionStart = t;
        m.sessionXp = 0;
        m.sessionMutedMs = 0;
        m.sessionDeafenedMs = 0;
        m.rowDueMs = OpenRowSchedule.NOT_WRITTEN;
        m.measuredMs = 0;
        m.accountedUntil = t;
        pending.of(m, m.guild.dayOf(t), m.guild.hourOf(t), t).sessions += 1;
        // the open row is written by the next tick, with every member in voice
        pending.sessionStarted(id, m.guild.guildId, m.userId, m.channel.channelId, t);
    }

    private void endSession(MemberState m, Instant t) {
        Instant end = t.isBefore(m.sessionStart) ? m.sessionStart : t;
        pending.sessionClosed(new VoiceSession(
                m.sessionId(),
                m.guild.guildId,
                m.userId,
                m.channel.channelId,
                m.sessionStart,
                end,
                end,
                end.toEpochMilli() - m.sessionStart.toEpochMilli(),
                m.sessionXp,
                m.sessionMutedMs,
                m.sessionDeafenedMs));
    }

    /**
     * Adds the row of a member's open session as of {@code at} to a batch's rows: the values {@link
     * #openRow} has, the id kept as its two halves when it is a canonical UUID.
     */
    static void addOpenRow(MemberState m, Instant at, SessionColumns.Builder rows) {
        if (!m.hasCanonicalSessionId()) {
            rows.add(openRow(m, at));
            return;
        }
        Instant last = at.isBefore(m.sessionStart) ? m.sessionStart : at;
        rows.add(
                m.sessionIdHigh(),
                m.sessionIdLow(),
                m.guild.guildId,
                m.userId,
                m.channel.channelId,
                m.sessionStart,
                null,
                last,
                last.toEpochMilli() - m.sessionStart.toEpochMilli(),
                m.sessionXp,
                m.sessionMutedMs,
                m.sessionDeafenedMs);
    }

    /** The row of a member's open session as of {@code at}. */
    static VoiceSession openRow(MemberState m, Instant at) {
        Instant last = at.isBefore(m.sessionStart) ? m.sessionStart : at;
        return new VoiceSession(
                m.sessionId(),
                m.guild.guildId,
                m.userId,
                m.channel.channelId,
                m.sessionStart,
                null,
                last,
                last.toEpochMilli() - m.sessionStart.toEpochMilli(),
                m.sessionXp,
                m.sessionMutedMs,
                m.sessionDeafenedMs);
    }

    /** A message counts for the member's activity, and gives message XP outside the cooldown. */
    private void message(GuildState g, GatewayEvent.MessageSent e, Instant t) {
        GuildConfig cfg = g.config;
        if (!cfg.trackBots() && e.member().bot()) {
            return;
        }
        Increments a = pending.of(g.guildId, e.userId(), e.channelId(), g.dayOf(t), g.hourOf(t), t);
        a.messages += 1;
        if (!cfg.enableLeveling()
                || cfg.messageXp() == 0
                || cfg.noXpChannelIds().contains(e.channelId())) {
            return;
        }
        for (Long r : e.member().roleIds()) {
            if (cfg.noXpRoleIds().contains(r)) {
                return;
            }
        }
        Instant last = g.lastMessageXp.get(e.userId());
        if (last == null || !t.isBefore(last.plus(cfg.messageXpCooldown()))) {
            a.xp += cfg.messageXp();
            g.lastMessageXp.put(e.userId(), t);
        }
    }

    // ---- accounting ----

    /** Accounts every member of a guild up to {@code t} (before its config changes or it is deleted). */
    void accrueGuild(GuildState g, Instant t) {
        for (ChannelState c : g.channels.values()) {
            accrueChannel(c, t);
        }
    }

    /** Accounts every member of a channel up to {@code t} (before the channel changes). */
    void accrueChannel(ChannelState c, Instant t) {
        for (MemberState m : c.members) {
            accrue(m, t);
        }
    }

    /** Accounts a member's time up to {@code t} under its current state. */
    private void accrue(MemberState m, Instant t) {
        if (t.toEpochMilli() <= m.accountedUntil.toEpochMilli()) {
            return;
        }
        accrue(m, t, m.guild.config.enableVoiceTime() && rules.tracked(m));
    }

    /**
     * Accounts a member's time up to {@code t}: mute and deafen time of the session, and, if {@code
     * countsVoice} (voice time is enabled and the member is tracked under its current state), the voice
     * time, per local hour (so per day) with the {@code elapsed} strategy, or as measured time for a per-check strategy.
     */
    void accrue(MemberState m, Instant t, boolean countsVoice) {
        long from = m.accountedUntil.toEpochMilli();
        long to = t.toEpochMilli();
        if (to <= from) {
            return;
        }
        long dt = to - from;
        if (m.flags.muted()) {
            m.sessionMutedMs += dt;
        }
        if (m.flags.deafened()) {
            m.sessionDeafenedMs += dt;
        }
        GuildState g = m.guild;
        if (countsVoice) {
            if (Strategies.VOICE_TIME_ELAPSED.equals(g.config.voiceTimeStrategy())) {
                Instant segStart = m.accountedUntil;
                while (segStart.isBefore(t)) {
                    Instant boundary = g.nextHourStart(segStart);
                    Instant segEnd = boundary.isBefore(t) ? boundary : t;
                    LocalDate day = g.dayOf(segStart);
                    int hour = g.hourOf(segStart);
                    long ms = segEnd.toEpochMilli() - segStart.toEpochMilli();
                    if (ms > 0) {
                        pending.of(m, day, hour, segEnd).voiceMs += ms;
                    }
                    segStart = segEnd;
                }
            } else {
                m.measuredMs += dt;
            }
        }
        m.accountedUntil = t;
    }

    /** The member followed in voice, if any. Lock held. */
    @Nullable
    MemberState member(long guildId, long userId) {
        return guilds.get(guildId).members.get(userId);
    }
}

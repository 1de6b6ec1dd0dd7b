package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildOwnership;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the ledger in line with who is actually in voice: at start-up (after a restart, with the
 * open sessions storage kept) and whenever the gateway resynchronises ({@code reconcile()}).
 *
 * <p>Against the {@link VoiceView}, in this order:
 *
 * <ol>
 *   <li>a member followed but no longer in voice leaves now; one in another channel moves now;
 *   <li>a stored open session nobody follows is <b>resumed</b> if its member is still in its channel
 *       (the time while nobody followed it is unknown and not credited), else <b>closed</b> at the
 *       {@code lastAccrual} of its stored row (so a crash credits at most what was written);
 *   <li>a member in voice not followed yet joins now.
 * </ol>
 *
 * Only guilds this process owns ({@link GuildOwnership}) take part: members of a guild no longer owned
 * are released without closing their sessions, and the view's members and the stored open sessions of
 * guilds owned elsewhere are left alone. Queued gateway events are applied first, so the view is
 * compared with the latest state. Confined to the tracker lock.
 */
final class Reconciler {
    private record UserKey(long guildId, long userId) {}

    private final Storage storage;
    private final VoiceView view;
    private final GuildOwnership ownership;
    private final Guilds guilds;
    private final VoiceLedger ledger;
    private final PendingWrites pending;

    Reconciler(
            Storage storage,
            VoiceView view,
            GuildOwnership ownership,
            Guilds guilds,
            VoiceLedger ledger,
            PendingWrites pending) {
        this.storage = storage;
        this.view = view;
        this.ownership = ownership;
        this.guilds = guilds;
        this.ledger = ledger;
        this.pending = pending;
    }

    /** Reconciles at {@code now}. Lock held. */
    void reconcile(Instant now) {
        ledger.drain(now);
        Map<UserKey, VoiceMember> inVoice = new HashMap<>();
        for (VoiceMember vm : view.voiceMembers()) {
            if (!ownership.owns(vm.guildId())) {
                continue;
            }
            inVoice.put(new UserKey(vm.guildId(), vm.userId()), vm);
        }
        followedMembers(inVoice, now);
        storedOpenSessions(inVoice, now);
        for (VoiceMember vm : inVoice.values()) {
            GuildState g = guilds.get(vm.guildId());
            if (g.members.get(vm.userId()) == null) {
                ledger.join(g, vm.userId(), vm.channelId(), vm.member(), vm.flags(), now);
            }
        }
    }

    /**
     * Members followed that are no longer in voice leave; those elsewhere move; those of a guild no
     * longer owned are released (their sessions stay open for the new owner).
     */
    private void followedMembers(Map<UserKey, VoiceMember> inVoice, Instant now) {
        for (GuildState g : List.copyOf(guilds.all())) {
            boolean owned = ownership.owns(g.guildId);
            for (MemberState m : g.members.values()) {
                if (!owned) {
                    ledger.release(m);
                    continue;
                }
                VoiceMember vm = inVoice.get(new UserKey(g.guildId, m.userId));
                if (vm == null) {
                    ledger.leave(m, now);
                } else if (vm.channelId() != m.channel.channelId) {
                    ledger.move(m, vm.channelId(), now);
                }
            }
        }
    }

    /** Stored open sessions not followed (after a restart) resume or close. */
    private void storedOpenSessions(Map<UserKey, VoiceMember> inVoice, Instant now) {
        Set<String> live = new HashSet<>();
        for (GuildState g : guilds.all()) {
            for (MemberState m : g.members.values()) {
                live.add(m.sessionId());
            }
        }
        for (VoiceSession open : storage.openSessions()) {
            if (live.contains(open.id()) || !ownership.owns(open.guildId())) {
                continue; // followed here, or another process's to resume or close
            }
            VoiceMember vm = inVoice.get(new UserKey(open.guildId(), open.userId()));
            GuildState g = guilds.get(open.guildId());
            if (vm != null && vm.channelId() == open.channelId() && g.members.get(open.userId()) == null) {
                ledger.resume(g, vm, open, now);
                live.add(open.id());
            } else {
                pending.sessionClosed(closedAtLastAccrual(open));
            }
        }
    }

    private static VoiceSession closedAtLastAccrual(VoiceSession open) {
        Instant end = open.lastAccrual();
        return new VoiceSession(
                open.id(),
                open.guildId(),
                open.userId(),
                open.channelId(),
                open.start(),
                end,
                end,
                Math.max(0, end.toEpochMilli() - open.start().toEpochMilli()),
                open.xpEarned(),
                open.mutedMs(),
                open.deafenedMs());
    }
}

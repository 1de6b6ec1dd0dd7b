package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After a restart or a gateway resync, the ledger follows exactly who the view says is in voice;
 * stored open sessions resume where their member still is and close at their last accrual otherwise.
 */
class ReconcilerTest {
    private static final long G = 1001;
    private static final long C1 = 2001;
    private static final long C2 = 2002;

    private final LedgerHarness h = new LedgerHarness(GuildConfig.defaults());
    private final List<VoiceMember> inVoice = new ArrayList<>();
    private final Reconciler reconciler = new Reconciler(
            h.storage,
            () -> List.copyOf(inVoice),
            dev.voicetrack.core.GuildOwnership.ALL,
            h.guilds,
            h.ledger,
            h.pending);

    /** A session row left open by a previous run: opened an hour ago, last written 10 minutes ago. */
    private VoiceSession storeOpenSession(String id, long userId, long channelId) {
        Instant start = h.now().minusSeconds(3600);
        Instant last = h.now().minusSeconds(600);
        var row = new VoiceSession(id, G, userId, channelId, start, null, last, 3_000_000, 40, 0, 0);
        h.storage.apply(new Batch(List.of(), List.of(row)));
        return row;
    }

    private static VoiceMember inChannel(long userId, long channelId) {
        return new VoiceMember(G, userId, channelId, MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    @Test
    void aStoredSessionWhoseMemberIsStillInItsChannel_resumes_withoutCreditingTheDowntime() {
        VoiceSession stored = storeOpenSession("s-1", 11, C1);
        inVoice.add(inChannel(11, C1));

        reconciler.reconcile(h.now());

        MemberState m = h.member(G, 11);
        assertThat(m).isNotNull();
        assertThat(m.sessionId()).isEqualTo("s-1");
        assertThat(m.sessionStart).isEqualTo(stored.start());
        assertThat(m.sessionXp).isEqualTo(40);
        assertThat(m.accountedUntil).isEqualTo(h.now());
        assertThat(h.deltas()).as("no new session, no time").isEmpty();
        assertThat(h.closedRows()).isEmpty();
        assertThat(h.events()).isEmpty();
    }

    @Test
    void aStoredSessionWhoseMemberIsElsewhere_closesAtItsLastAccrual_andTheMemberJoinsNow() {
        VoiceSession stored = storeOpenSession("s-2", 12, C1);
        inVoice.add(inChannel(12, C2));

        reconciler.reconcile(h.now());

        VoiceSession closed = h.closedRows().get(0);
        assertThat(closed.id()).isEqualTo("s-2");
        assertThat(closed.end()).isEqualTo(stored.lastAccrual());
        assertThat(closed.durationMs()).isEqualTo(3_000_000);
        MemberState m = h.member(G, 12);
        assertThat(m).isNotNull();
        assertThat(m.channel.channelId).isEqualTo(C2);
        assertThat(m.sessionId()).isNotEqualTo("s-2");
        assertThat(h.deltas())
                .extracting(MemberDelta::channelId, MemberDelta::sessions)
                .containsExactly(tuple(C2, 1L));
        assertThat(h.events()).containsExactly("sessionEnd:" + C1, "sessionStart:" + C2);
    }

    @Test
    void aStoredSessionWhoseMemberLeftMeanwhile_closesAtItsLastAccrual() {
        VoiceSession stored = storeOpenSession("s-3", 13, C1);

        reconciler.reconcile(h.now());

        assertThat(h.closedRows())
                .extracting(VoiceSession::id, VoiceSession::end)
                .containsExactly(tuple("s-3", stored.lastAccrual()));
        assertThat(h.member(G, 13)).isNull();
    }

    @Test
    void followedMembers_leaveOrMove_asTheViewSays_afterTheQueuedEventsAreApplied() {
        h.ledger.enqueue(new GatewayEvent.VoiceJoined(G, 14, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        h.ledger.enqueue(new GatewayEvent.VoiceJoined(G, 15, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        h.clock.advanceSeconds(30);
        inVoice.add(inChannel(15, C2)); // 14 left, 15 moved, and the gateway missed both

        reconciler.reconcile(h.now());

        assertThat(h.member(G, 14)).isNull();
        MemberState moved = h.member(G, 15);
        assertThat(moved).isNotNull();
        assertThat(moved.channel.channelId).isEqualTo(C2);
        assertThat(h.closedRows())
                .extracting(VoiceSession::userId, VoiceSession::durationMs)
                .containsExactlyInAnyOrder(tuple(14L, 30_000L), tuple(15L, 30_000L));
    }
}

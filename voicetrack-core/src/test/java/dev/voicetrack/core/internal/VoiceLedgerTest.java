package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The voice-session ledger's transitions, driven by gateway events on a manual clock, read from what
 * it leaves pending for the next write (no tick, no storage write).
 */
class VoiceLedgerTest {
    private static final long G = 1001;
    private static final long U1 = 11;
    private static final long U2 = 12;
    private static final long C1 = 2001;
    private static final long C2 = 2002;
    private static final VoiceFlags MUTED = new VoiceFlags(true, false, false, false);

    private static GatewayEvent joined(long userId, long channelId) {
        return new GatewayEvent.VoiceJoined(G, userId, channelId, MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    private static MemberDelta only(List<MemberDelta> deltas, long userId, long channelId) {
        List<MemberDelta> of = deltas.stream()
                .filter(d -> d.userId() == userId && d.channelId() == channelId)
                .toList();
        assertThat(of).as("deltas of user %s in channel %s", userId, channelId).hasSize(1);
        return of.get(0);
    }

    @Test
    void sessionStartEvent_carriesTheOpenRowAsOfTheJoin_evenAfterTheMemberMovedOn() {
        var h = new LedgerHarness(GuildConfig.defaults());
        Instant joinedAt = h.now();
        h.ledger.enqueue(joined(U1, C1));
        h.drain();
        VoiceSession atJoin = VoiceLedger.openRow(h.member(G, U1), joinedAt);
        h.clock.advanceSeconds(90);
        h.ledger.enqueue(new GatewayEvent.VoiceMoved(G, U1, C2)); // the member and its session change
        h.drain();

        var started = new ArrayList<VoiceSession>();
        TrackerListener recorder = new TrackerListener() {
            @Override
            public void sessionStart(VoiceSession s) {
                started.add(s);
            }
        };
        h.pending.takeEvents().forEach(e -> e.accept(recorder));

        assertThat(started).hasSize(2);
        assertThat(started.get(0)).isEqualTo(atJoin);
        assertThat(started.get(0).end()).isNull();
        assertThat(started.get(0).durationMs()).isZero();
        assertThat(started.get(1).channelId()).isEqualTo(C2);
        assertThat(started.get(1).id()).isNotEqualTo(atJoin.id());
    }

    @Test
    void joinThenLeave_creditsTheTimeBetween_andClosesTheSessionAtTheLeave() {
        var h = new LedgerHarness(GuildConfig.defaults());
        Instant joinedAt = h.now();
        h.ledger.enqueue(joined(U1, C1));
        h.clock.advanceSeconds(90);
        h.ledger.enqueue(new GatewayEvent.VoiceLeft(G, U1));

        assertThat(h.drain()).isEqualTo(2);

        MemberDelta d = only(h.deltas(), U1, C1);
        assertThat(d.voiceMs()).isEqualTo(90_000);
        assertThat(d.sessions()).isEqualTo(1);
        assertThat(d.lastSeen()).isEqualTo(joinedAt.plusSeconds(90));
        VoiceSession closed = h.closedRows().get(0);
        assertThat(closed.start()).isEqualTo(joinedAt);
        assertThat(closed.end()).isEqualTo(joinedAt.plusSeconds(90));
        assertThat(closed.durationMs()).isEqualTo(90_000);
        assertThat(h.member(G, U1)).isNull();
        assertThat(h.guilds.get(G).channels).isEmpty();
        assertThat(h.events()).containsExactly("sessionStart:" + C1, "sessionEnd:" + C1);
    }

    @Test
    void move_closesTheSessionInTheOldChannel_andOpensOneInTheNew() {
        var h = new LedgerHarness(GuildConfig.defaults());
        h.ledger.enqueue(joined(U1, C1));
        h.clock.advanceSeconds(30);
        h.ledger.enqueue(new GatewayEvent.VoiceMoved(G, U1, C2));
        h.drain();
        String firstSession = h.closedRows().get(0).id();
        h.clock.advanceSeconds(20);
        h.accrueAll(G);

        List<MemberDelta> deltas = h.deltas();
        assertThat(only(deltas, U1, C1).voiceMs()).isEqualTo(30_000);
        assertThat(only(deltas, U1, C1).sessions()).isEqualTo(1);
        assertThat(only(deltas, U1, C2).voiceMs()).isEqualTo(20_000);
        assertThat(only(deltas, U1, C2).sessions()).isEqualTo(1);
        MemberState m = h.member(G, U1);
        assertThat(m).isNotNull();
        assertThat(m.channel.channelId).isEqualTo(C2);
        assertThat(m.sessionId()).isNotEqualTo(firstSession);
        assertThat(h.events()).containsExactly("sessionStart:" + C1, "sessionEnd:" + C1, "sessionStart:" + C2);
    }

    @Test
    void joinForAMemberAlreadyInVoice_isAMove_andAMoveForAnUnknownMemberIsAJoin() {
        var h = new LedgerHarness(GuildConfig.defaults());
        h.ledger.enqueue(new GatewayEvent.VoiceMoved(G, U1, C1)); // never saw the join
        h.clock.advanceSeconds(10);
        h.ledger.enqueue(new GatewayEvent.VoiceJoined(G, U1, C2, MemberInfo.PLAIN, MUTED));
        h.drain();

        MemberState m = h.member(G, U1);
        assertThat(m).isNotNull();
        assertThat(m.channel.channelId).isEqualTo(C2);
        assertThat(m.flags).isEqualTo(MUTED);
        assertThat(h.closedRows()).extracting(VoiceSession::channelId).containsExactly(C1);
        assertThat(h.events()).containsExactly("sessionStart:" + C1, "sessionEnd:" + C1, "sessionStart:" + C2);
    }

    @Test
    void muteChanges_splitTheAccounting_atTheInstantTheyHappen() {
        var h = new LedgerHarness(
                GuildConfig.defaults().toBuilder().trackMuted(false).build());
        h.ledger.enqueue(joined(U1, C1));
        h.clock.advanceSeconds(10);
        h.ledger.enqueue(new GatewayEvent.VoiceFlagsChanged(G, U1, MUTED));
        h.clock.advanceSeconds(15);
        h.ledger.enqueue(new GatewayEvent.VoiceFlagsChanged(G, U1, VoiceFlags.NONE));
        h.clock.advanceSeconds(5);
        h.drain();
        h.accrueAll(G);

        assertThat(only(h.deltas(), U1, C1).voiceMs())
                .as("10 s before the mute, 5 s after")
                .isEqualTo(15_000);
        MemberState m = h.member(G, U1);
        assertThat(m).isNotNull();
        assertThat(m.sessionMutedMs).isEqualTo(15_000);
        assertThat(h.events()).containsExactly("sessionStart:" + C1); // same session throughout
    }

    @Test
    void antiAfk_aMemberAloneCountsOnlyFromTheInstantCompanyJoins() {
        var h = new LedgerHarness(
                GuildConfig.defaults().toBuilder().minUsersToTrack(2).build());
        h.ledger.enqueue(joined(U1, C1));
        h.clock.advanceSeconds(60);
        h.ledger.enqueue(joined(U2, C1));
        h.clock.advanceSeconds(30);
        h.ledger.enqueue(new GatewayEvent.VoiceLeft(G, U2));
        h.clock.advanceSeconds(40);
        h.drain();
        h.accrueAll(G);

        List<MemberDelta> deltas = h.deltas();
        assertThat(only(deltas, U1, C1).voiceMs()).isEqualTo(30_000);
        assertThat(only(deltas, U2, C1).voiceMs()).isEqualTo(30_000);
    }

    @Test
    void timeAcrossMidnight_isSplitIntoTheTwoDays_inTheGuildsZone() {
        var h = new LedgerHarness(GuildConfig.defaults());
        h.clock.set(Instant.parse("2024-03-10T23:59:00Z"));
        h.ledger.enqueue(joined(U1, C1));
        h.drain();
        h.clock.advance(Duration.ofMinutes(3));
        h.accrueAll(G);

        List<MemberDelta> deltas = h.deltas();
        assertThat(deltas)
                .extracting(MemberDelta::day, MemberDelta::voiceMs)
                .containsExactlyInAnyOrder(
                        tuple(LocalDate.parse("2024-03-10"), 60_000L), tuple(LocalDate.parse("2024-03-11"), 120_000L));
    }

    @Test
    void eventsStampedBeforeTheLastTick_countFromTheTick_soTimeIsNeverCountedTwice() {
        var h = new LedgerHarness(GuildConfig.defaults());
        h.ledger.enqueue(joined(U1, C1)); // stamped 12:00:00
        Instant tick = h.now().plusSeconds(10);
        h.ledger.ticked(tick);
        h.clock.advanceSeconds(25);
        h.drain();
        h.accrueAll(G);

        MemberState m = h.member(G, U1);
        assertThat(m).isNotNull();
        assertThat(m.sessionStart).isEqualTo(tick);
        assertThat(only(h.deltas(), U1, C1).voiceMs()).isEqualTo(15_000);
    }

    @Test
    void aClockSteppedBack_doesNotRunTheLedgerBackwards() {
        var h = new LedgerHarness(GuildConfig.defaults());
        Instant tick = h.now();
        h.ledger.ticked(tick);
        h.clock.set(tick.minusSeconds(30));
        assertThat(h.ledger.now()).isEqualTo(tick);
    }

    @Test
    void messages_countForTheMember_andGiveXpOnlyOutsideTheCooldown() {
        var h = new LedgerHarness(GuildConfig.defaults().toBuilder()
                .messageXp(3)
                .messageXpCooldown(Duration.ofSeconds(60))
                .build());
        long text = 3001;
        h.ledger.enqueue(new GatewayEvent.MessageSent(G, U1, text, MemberInfo.PLAIN));
        h.clock.advanceSeconds(30);
        h.ledger.enqueue(new GatewayEvent.MessageSent(G, U1, text, MemberInfo.PLAIN));
        h.clock.advanceSeconds(30);
        h.ledger.enqueue(new GatewayEvent.MessageSent(G, U1, text, MemberInfo.PLAIN));
        h.drain();

        MemberDelta d = only(h.deltas(), U1, text);
        assertThat(d.messages()).isEqualTo(3);
        assertThat(d.xp()).as("the second message is inside the cooldown").isEqualTo(6);
        assertThat(d.sessions()).isZero();
    }

    @Test
    void aWriteOfEveryIncrement_emptiesTheMembersAccumulators_andTheyStartOverAfterIt() {
        var h = new LedgerHarness(GuildConfig.defaults());
        h.ledger.enqueue(joined(U1, C1));
        h.clock.advanceSeconds(10);
        h.drain();
        h.accrueAll(G);
        h.pending.written();
        assertThat(h.deltas()).isEmpty();

        h.clock.advanceSeconds(7);
        h.accrueAll(G);
        MemberDelta d = only(h.deltas(), U1, C1);
        assertThat(d.voiceMs()).isEqualTo(7_000);
        assertThat(d.sessions())
                .as("the session was counted in the first write")
                .isZero();
    }
}

package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GainEventsTest {
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00Z");

    private static MemberDelta d(long g, long u, long ch, long voiceMs, long xp) {
        return new MemberDelta(g, u, ch, DAY, voiceMs, xp, 0, 0, T);
    }

    /** Delivers every event to a listener that records them as text. */
    private static List<String> delivered(GainEvents events) {
        var out = new ArrayList<String>();
        TrackerListener recorder = new TrackerListener() {
            @Override
            public void xpGained(XpGained e) {
                out.add("xp " + e.guildId() + "/" + e.userId() + " +" + e.amount() + " =" + e.totalXp());
            }

            @Override
            public void voiceTimeGained(VoiceTimeGained e) {
                out.add("voice " + e.guildId() + "/" + e.userId() + " +" + e.amountMs() + " =" + e.totalMs());
            }
        };
        for (int k = 0; k < events.size(); k++) {
            events.event(k).accept(recorder);
        }
        return out;
    }

    @Test
    void onePerMemberAndKind_summedOverItsDeltas_inFirstAppearanceOrder_withTheWrittenTotals() {
        List<MemberDelta> deltas = List.of(
                d(2, 9, 50, 1_000, 5),
                d(1, 4, 50, 0, 3), // xp only
                d(2, 9, 60, 500, 0), // the same member in another channel
                d(1, 7, 50, 0, 0), // nothing to report
                d(1, 4, 50, 200, 0));
        List<MemberTotals> totals = List.of( // in no particular order
                new MemberTotals(1, 7, 40, 0, 900),
                new MemberTotals(2, 9, 105, 1, 11_500),
                new MemberTotals(1, 4, 13, 0, 2_200));

        assertThat(delivered(GainEvents.of(deltas, totals)))
                .containsExactly("xp 2/9 +5 =105", "voice 2/9 +1500 =11500", "xp 1/4 +3 =13", "voice 1/4 +200 =2200");
    }

    @Test
    void aMemberTheTotalsLack_stillGetsItsEvents_withTheAmountAsTotal_afterTheOthers() {
        List<MemberDelta> deltas = List.of(d(1, 5, 50, 100, 2), d(1, 4, 50, 300, 0), d(1, 5, 60, 50, 1));
        List<MemberTotals> totals = List.of(new MemberTotals(1, 4, 0, 0, 900));

        assertThat(delivered(GainEvents.of(deltas, totals)))
                .containsExactly("voice 1/4 +300 =900", "xp 1/5 +3 =3", "voice 1/5 +150 =150");
    }

    @Test
    void noDeltas_noEvents() {
        assertThat(GainEvents.of(List.of(), List.of()).size()).isZero();
    }
}

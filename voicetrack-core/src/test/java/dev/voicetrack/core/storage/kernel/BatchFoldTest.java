package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchFoldTest {
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");

    private static MemberDelta d(
            long g, long u, long ch, LocalDate day, long v, long xp, long msg, long ses, Instant t) {
        return new MemberDelta(g, u, ch, day, v, xp, msg, ses, t);
    }

    @Test
    void sumsPerMemberChannelAndDay_inFirstAppearanceOrder() {
        FoldedBatch f = BatchFold.fold(new Batch(
                List.of(
                        d(1, 7, 50, DAY, 100, 1, 0, 1, T),
                        d(1, 3, 50, DAY, 5, 0, 0, 0, T),
                        d(1, 7, 40, DAY, 10, 2, 0, 0, T.plusMillis(5)),
                        d(1, 7, 0, DAY.plusDays(1), 0, 0, 4, 0, T.minusSeconds(9)),
                        d(1, 7, 50, DAY, 1, 0, 0, 0, T)),
                List.of()));
        assertThat(f.members()).extracting(MemberFold::userId).containsExactly(7L, 3L);
        assertThat(f.membersInKeyOrder()).extracting(MemberFold::userId).containsExactly(3L, 7L);
        MemberFold m = f.members().get(0);
        assertThat(m.voiceMs()).isEqualTo(111);
        assertThat(m.xp()).isEqualTo(3);
        assertThat(m.messages()).isEqualTo(4);
        assertThat(m.sessions()).isEqualTo(1);
        assertThat(m.lastSeen()).isEqualTo(T.plusMillis(5));
        assertThat(m.channels())
                .containsExactly(new MemberFold.ChannelSum(40, 10, 0), new MemberFold.ChannelSum(50, 101, 1));
        assertThat(m.days())
                .containsExactly(
                        new MemberFold.DaySum(DAY, 40, 10, 2, 0),
                        new MemberFold.DaySum(DAY, 50, 101, 1, 0),
                        new MemberFold.DaySum(DAY.plusDays(1), 0, 0, 0, 4));
        assertThat(m.streakRun()).isEqualTo(new StreakRule.Run(DAY.plusDays(1).toEpochDay(), 2));
        assertThat(m.changes(Metric.XP)).isTrue();
        assertThat(m.changes(Metric.LEVEL)).isFalse();
    }

    @Test
    void aDeltaWithNothingToCount_touchesNoChannelNoDayAndNoStreak_butKeepsLastSeen() {
        MemberFold m = BatchFold.fold(new Batch(List.of(d(1, 2, 9, DAY, 0, 0, 0, 0, T)), List.of()))
                .members()
                .get(0);
        assertThat(m.channels()).isEmpty();
        assertThat(m.days()).isEmpty();
        assertThat(m.streakRun()).isEqualTo(StreakRule.Run.NONE);
        assertThat(m.lastSeenMs()).isEqualTo(T.toEpochMilli());
    }

    @Test
    void aSessionStart_countsForTheChannel_butNotForTheDay() {
        MemberFold m = BatchFold.fold(new Batch(List.of(d(1, 2, 9, DAY, 0, 0, 0, 1, T)), List.of()))
                .members()
                .get(0);
        assertThat(m.channels()).containsExactly(new MemberFold.ChannelSum(9, 0, 1));
        assertThat(m.days()).isEmpty();
    }

    @Test
    void overflowWithinTheBatch_isRejectedWithTheOneWording() {
        var b = new Batch(
                List.of(d(5, 6, 0, DAY, 0, Long.MAX_VALUE, 0, 0, T), d(5, 6, 0, DAY, 0, 1, 0, 0, T)), List.of());
        assertThatThrownBy(() -> BatchFold.fold(b))
                .isInstanceOf(StorageException.class)
                .hasMessage("batch rejected: a total of member 6 in guild 5 would overflow");
    }

    @Test
    void checkFits_acceptsExactlyMaxValue_andRejectsOneMore() {
        MemberFold m = BatchFold.fold(new Batch(List.of(d(5, 6, 0, DAY, 0, 1, 0, 0, T)), List.of()))
                .members()
                .get(0);
        m.checkFits(0, Long.MAX_VALUE - 1, 0, 0);
        assertThatThrownBy(() -> m.checkFits(0, Long.MAX_VALUE, 0, 0))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("would overflow");
    }

    @Test
    void sessions_oneRowPerId_theLastRow_atTheFirstPosition() {
        var a1 = session("a", 1);
        var b = session("b", 2);
        var a2 = session("a", 3);
        FoldedBatch f = BatchFold.fold(new Batch(List.of(), List.of(a1, b, a2)));
        assertThat(f.sessions()).containsExactly(a2, b);
        assertThat(f.guildIds()).containsExactly(1L);
        assertThat(f.members()).isEmpty();
    }

    private static VoiceSession session(String id, long xp) {
        return new VoiceSession(id, 1, 2, 3, T, null, T.plusSeconds(1), 1000, xp, 0, 0);
    }
}

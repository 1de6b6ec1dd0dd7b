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
    void manyChannelsAndDaysInAnyOrder_areSummedAndSorted_andReadTheSameInPlaceAsAsLists() {
        // More rows than the flat arrays start with, arriving out of order and repeated, so that the
        // rows grow, are found again for the repeats, and are sorted by the fold.
        long[] channels = {70, 20, 50, 10, 60, 20, 30, 70, 40, 10};
        int[] dayOffsets = {3, 0, 2, 0, 1, 3, 2, 0, 1, 3};
        var deltas = new java.util.ArrayList<MemberDelta>();
        for (int i = 0; i < channels.length; i++) {
            deltas.add(d(1, 7, channels[i], DAY.plusDays(dayOffsets[i]), 100 + i, i, 0, 1, T));
        }
        MemberFold m = BatchFold.fold(new Batch(deltas, List.of())).members().get(0);

        assertThat(m.channels())
                .containsExactly(
                        new MemberFold.ChannelSum(10, 103 + 109, 2),
                        new MemberFold.ChannelSum(20, 101 + 105, 2),
                        new MemberFold.ChannelSum(30, 106, 1),
                        new MemberFold.ChannelSum(40, 108, 1),
                        new MemberFold.ChannelSum(50, 102, 1),
                        new MemberFold.ChannelSum(60, 104, 1),
                        new MemberFold.ChannelSum(70, 100 + 107, 2));
        assertThat(m.days())
                .containsExactly(
                        new MemberFold.DaySum(DAY, 10, 103, 3, 0),
                        new MemberFold.DaySum(DAY, 20, 101, 1, 0),
                        new MemberFold.DaySum(DAY, 70, 107, 7, 0),
                        new MemberFold.DaySum(DAY.plusDays(1), 40, 108, 8, 0),
                        new MemberFold.DaySum(DAY.plusDays(1), 60, 104, 4, 0),
                        new MemberFold.DaySum(DAY.plusDays(2), 30, 106, 6, 0),
                        new MemberFold.DaySum(DAY.plusDays(2), 50, 102, 2, 0),
                        new MemberFold.DaySum(DAY.plusDays(3), 10, 109, 9, 0),
                        new MemberFold.DaySum(DAY.plusDays(3), 20, 105, 5, 0),
                        new MemberFold.DaySum(DAY.plusDays(3), 70, 100, 0, 0));
        assertThat(m.channelCount()).isEqualTo(m.channels().size());
        for (int i = 0; i < m.channelCount(); i++) {
            MemberFold.ChannelSum c = m.channels().get(i);
            assertThat(new MemberFold.ChannelSum(m.channelId(i), m.channelVoiceMs(i), m.channelSessions(i)))
                    .isEqualTo(c);
        }
        assertThat(m.dayCount()).isEqualTo(m.days().size());
        for (int i = 0; i < m.dayCount(); i++) {
            assertThat(new MemberFold.DaySum(
                            LocalDate.ofEpochDay(m.dayEpochDay(i)),
                            m.dayChannelId(i),
                            m.dayVoiceMs(i),
                            m.dayXp(i),
                            m.dayMessages(i)))
                    .isEqualTo(m.days().get(i));
        }
        assertThatThrownBy(() -> m.channelId(m.channelCount()))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row must be in [0, 7), was 7");
        assertThatThrownBy(() -> m.dayXp(-1))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("row must be in [0, 10), was -1");
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

    /**
     * A member with one delta is folded as that delta read in place; with a second delta that adds
     * nothing (zeros, an earlier last-seen) it is folded as sums. Both must read the same, for deltas
     * with and without channel, day activity, sessions, and on days on and before the epoch.
     */
    @Test
    void oneDeltaReadInPlace_readsAsTheSumsOfThatDelta() {
        LocalDate[] days = {DAY, LocalDate.EPOCH, LocalDate.EPOCH.plusDays(1), LocalDate.of(1969, 7, 20)};
        long[][] values = {
            {50, 100, 3, 0, 1}, {50, 0, 0, 0, 1}, {0, 100, 3, 2, 0}, {50, 0, 0, 4, 0}, {50, 0, 7, 0, 0}, {0, 0, 0, 0, 0}
        };
        for (LocalDate day : days) {
            for (long[] v : values) {
                MemberDelta one = new MemberDelta(1, 7, v[0], day, 5, v[1], v[2], v[3], v[4], T);
                MemberDelta nothing = new MemberDelta(1, 7, 0, day, 0, 0, 0, 0, T.minusSeconds(60));
                MemberFold inPlace = BatchFold.fold(new Batch(List.of(one), List.of()))
                        .members()
                        .get(0);
                MemberFold summed = BatchFold.fold(new Batch(List.of(one, nothing), List.of()))
                        .members()
                        .get(0);
                assertThat(inPlace.toString()).as("%s", one).isEqualTo(summed.toString());
                assertThat(inPlace.lastSeen()).isEqualTo(T.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                for (Metric metric : Metric.values()) {
                    assertThat(inPlace.changes(metric)).isEqualTo(summed.changes(metric));
                }
                var inPlaceDays = new java.util.ArrayList<LocalDate>();
                inPlace.forEachDay(inPlaceDays::add);
                var summedDays = new java.util.ArrayList<LocalDate>();
                summed.forEachDay(summedDays::add);
                assertThat(inPlaceDays).isEqualTo(summedDays);
                assertThatThrownBy(() -> inPlace.channelId(inPlace.channelCount()))
                        .isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> inPlace.dayXp(inPlace.dayCount()))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
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

    @Test
    void sessions_manyDistinctIds_keptAsGiven_andOneRepeatAmongThem_isFolded() {
        var rows = new java.util.ArrayList<VoiceSession>();
        for (int i = 0; i < 5000; i++) {
            rows.add(session("s" + i, i));
        }
        assertThat(BatchFold.sessions(rows)).isSameAs(rows);
        var repeat = session("s4321", 99);
        rows.add(repeat);
        List<VoiceSession> folded = BatchFold.sessions(rows);
        assertThat(folded).hasSize(5000);
        assertThat(folded.get(4321)).isSameAs(repeat);
        assertThat(folded.get(4322)).isSameAs(rows.get(4322));
    }

    private static VoiceSession session(String id, long xp) {
        return new VoiceSession(id, 1, 2, 3, T, null, T.plusSeconds(1), 1000, xp, 0, 0);
    }
}

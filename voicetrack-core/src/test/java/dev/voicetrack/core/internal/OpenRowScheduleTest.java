package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an open session's row goes into a batch: first tick, then once per interval at its own phase. */
class OpenRowScheduleTest {
    private static final long INTERVAL_MS = 60_000;
    private static final long T0 = Instant.parse("2024-03-10T12:00:00Z").toEpochMilli();

    private final GuildState guild = new GuildState(1001, GuildConfig.defaults());
    private final ChannelState channel = new ChannelState(2001);
    private final OpenRowSchedule schedule = new OpenRowSchedule(Duration.ofMillis(INTERVAL_MS));

    private MemberState member(String sessionId) {
        var m = new MemberState(guild, 11, channel, MemberInfo.PLAIN, VoiceFlags.NONE, Instant.ofEpochMilli(T0));
        m.sessionId(sessionId);
        return m;
    }

    @Test
    void aNewSession_isWrittenByTheFirstTick_thenAtItsPhase_thenEveryInterval() {
        MemberState m = member("session-a");
        assertThat(schedule.take(m, T0, false)).isTrue();
        long firstDue = m.rowDueMs;
        assertThat(firstDue).isBetween(T0 + 1, T0 + INTERVAL_MS);

        assertThat(schedule.take(m, firstDue - 1, false)).isFalse();
        assertThat(schedule.take(m, firstDue, false)).isTrue();
        assertThat(m.rowDueMs).isEqualTo(firstDue + INTERVAL_MS);
    }

    @Test
    void sessionsOpenedTogether_areSpreadOverTheInterval() {
        int[] perTenSeconds = new int[6];
        for (int i = 0; i < 6_000; i++) {
            MemberState m = member("session-" + i);
            schedule.take(m, T0, false);
            perTenSeconds[(int) ((m.rowDueMs - T0 - 1) / 10_000)]++;
        }
        for (int n : perTenSeconds) {
            assertThat(n).as("rows due in one sixth of the interval, of 6,000").isBetween(800, 1_200);
        }
    }

    @Test
    void allRows_takesRowsThatAreNotDue() {
        MemberState m = member("session-a");
        schedule.take(m, T0, false);
        assertThat(schedule.take(m, T0 + 1, false)).isFalse();
        assertThat(schedule.take(m, T0 + 1, true)).isTrue();
    }

    @Test
    void aFailedBatch_makesItsRowsDueAtTheNextTick_andAWrittenOneDoesNot() {
        MemberState written = member("session-a");
        schedule.beginBatch();
        schedule.take(written, T0, false);
        schedule.batchWritten();

        MemberState failed = member("session-b");
        schedule.beginBatch();
        schedule.take(failed, T0, false);
        schedule.batchFailed();

        assertThat(failed.rowDueMs).isEqualTo(OpenRowSchedule.NOT_WRITTEN);
        assertThat(schedule.take(failed, T0 + 1, false)).isTrue();
        assertThat(written.rowDueMs).isGreaterThan(T0 + 1);
    }

    @Test
    void aZeroInterval_writesEveryRowAtEveryTick() {
        var everyTick = new OpenRowSchedule(Duration.ZERO);
        MemberState m = member("session-a");
        assertThat(everyTick.take(m, T0, false)).isTrue();
        assertThat(everyTick.take(m, T0, false)).isTrue();
        assertThat(everyTick.take(m, T0 + 5_000, false)).isTrue();
    }
}

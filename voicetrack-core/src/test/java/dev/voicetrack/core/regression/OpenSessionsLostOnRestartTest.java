package dev.voicetrack.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TestClock;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Defect: open sessions lived only in memory and were lost on restart; members already in voice at
 * start-up were never tracked; mute/deafen changes during a session were ignored.
 */
class OpenSessionsLostOnRestartTest {

    @Test
    void openSessionSurvivesRestart_withItsMuteTime() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var first = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .ownsStorage(false)
                .clock(clock)
                .build();
        first.start();
        first.accept(
                new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, new VoiceFlags(true, false, false, false)));
        clock.advanceSeconds(10);
        first.tickNow();
        first.close();
        assertThat(storage.openSessions()).singleElement().satisfies(s -> assertThat(s.mutedMs())
                .isEqualTo(10_000));
        VoiceView view =
                () -> List.of(new VoiceMember(1, 7, 11, MemberInfo.PLAIN, new VoiceFlags(true, false, false, false)));
        var second = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .ownsStorage(false)
                .clock(clock)
                .view(view)
                .build();
        second.start();
        clock.advanceSeconds(10);
        second.tickNow();
        VoiceSession s = storage.openSessions().get(0);
        assertThat(s.durationMs()).isEqualTo(20_000);
        assertThat(s.mutedMs()).isEqualTo(20_000);
        assertThat(storage.member(1, 7).orElseThrow().voiceTimeMs()).isEqualTo(20_000);
        second.close();
    }

    @Test
    void membersAlreadyInVoiceAtStartUp_areTracked() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        VoiceView view = () -> List.of(new VoiceMember(1, 8, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
        var t = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .ownsStorage(false)
                .clock(clock)
                .view(view)
                .build();
        t.start();
        clock.advanceSeconds(30);
        t.tickNow();
        assertThat(storage.member(1, 8).orElseThrow().voiceTimeMs()).isEqualTo(30_000);
        t.close();
    }
}

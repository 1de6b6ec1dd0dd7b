package dev.voicetrack.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TestClock;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * Defect: several instances each held their own copy of every user and overwrote whole rows, so they
 * diverged. Here two processes (two shards) share one storage and a member active in both guilds,
 * plus an admin grant from a third place: every increment lands.
 */
class InstancesOverwriteEachOtherTest {

    @Test
    void twoTrackersOnOneStorage_addUpExactly() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var a = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        var b = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        a.start();
        b.start();
        a.accept(new GatewayEvent.VoiceJoined(1, 7, 11, MemberInfo.PLAIN, VoiceFlags.NONE));
        b.accept(new GatewayEvent.MessageSent(1, 7, 12, MemberInfo.PLAIN));
        for (int i = 0; i < 10; i++) {
            clock.advanceSeconds(5);
            a.tickNow();
            b.addXp(1, 7, 1);
            b.tickNow();
        }
        var m = storage.member(1, 7).orElseThrow();
        assertThat(m.xp()).isEqualTo(10 * 5 + 10);
        assertThat(m.voiceTimeMs()).isEqualTo(50_000);
        assertThat(m.messages()).isEqualTo(1);
        a.close();
        b.close();
    }
}

package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TickMetrics} is a listener of a real tracker: what it records comes from the tracker's tick
 * reports, not from whoever ran the tick. The tracker's clock is manual and its listeners run on the
 * ticking thread, so each assertion follows the tick it checks.
 */
class TickMetricsTest {
    private static final long GUILD = 1001;
    private static final long CHANNEL = 2001;

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TickMetrics metrics = new TickMetrics(registry);
    private final VoiceTracker tracker = VoiceTracker.builder()
            .storage(new InMemoryStorage())
            .clock(clock)
            .manualTicks()
            .listenerExecutor(Runnable::run)
            .view(() -> List.of(member(11), member(12)))
            .build();

    private static VoiceMember member(long user) {
        return new VoiceMember(GUILD, user, CHANNEL, MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    @AfterEach
    void close() {
        tracker.close();
    }

    private long ticksRecorded(boolean written) {
        var timer = registry.find("voicetrack.tick")
                .tag("written", Boolean.toString(written))
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void everyTickTheTrackerReports_isRecorded_includingTheLastOneAtClose() {
        metrics.bind();
        tracker.addListener(metrics);
        tracker.start();
        assertThat(metrics.last()).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        TickReport first = tracker.tickNow();
        assertThat(first.membersInVoice()).isEqualTo(2);
        assertThat(ticksRecorded(true)).isEqualTo(1);
        assertThat(metrics.last()).containsSame(first);
        assertThat(gauge("voicetrack.members.in.voice")).isEqualTo(2.0);
        assertThat(gauge("voicetrack.members.tracked")).isEqualTo(first.trackedMembers());

        clock.advance(Duration.ofSeconds(30));
        TickReport second = tracker.tickNow();
        assertThat(ticksRecorded(true)).isEqualTo(2);
        assertThat(metrics.last()).containsSame(second);
        assertThat(registry.get("voicetrack.events.applied").counter().count())
                .isEqualTo(first.eventsApplied() + second.eventsApplied());

        clock.advance(Duration.ofSeconds(30));
        tracker.close();
        assertThat(ticksRecorded(true)).isEqualTo(3);
        assertThat(metrics.last().orElseThrow().at()).isEqualTo(clock.instant());
        assertThat(ticksRecorded(false)).isZero();
    }

    @Test
    void aTrackerWithoutTheListener_recordsNothing() {
        metrics.bind();
        tracker.start();
        clock.advance(Duration.ofSeconds(30));
        tracker.tickNow();
        assertThat(ticksRecorded(true)).isZero();
        assertThat(metrics.last()).isEmpty();
    }

    @Test
    void ticksTheTrackerSchedulesOnTheTickScheduler_areRecorded() {
        TimedStorage storage = new TimedStorage(
                new InMemoryStorage(), registry, "memory", Duration.ofSeconds(10), new StorageHealth(clock));
        TickScheduler scheduler = new TickScheduler(storage, () -> false);
        VoiceTracker scheduled = VoiceTracker.builder()
                .storage(storage)
                .clock(clock)
                .scheduler(scheduler)
                .checkInterval(Duration.ofMillis(100))
                .listenerExecutor(Runnable::run)
                .view(() -> List.of(member(11)))
                .build();
        scheduled.addListener(metrics);
        try {
            scheduled.start();
            Await.until("a scheduled tick recorded", () -> ticksRecorded(true) >= 1);
            assertThat(metrics.last().orElseThrow().membersInVoice()).isEqualTo(1);
        } finally {
            scheduled.close();
            Threads.stop(scheduler, Duration.ofSeconds(5));
            storage.close();
        }
    }
}

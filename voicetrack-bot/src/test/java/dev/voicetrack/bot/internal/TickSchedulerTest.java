package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TickScheduler} stops starting ticks once the bot's shutdown has begun. (That its thread is
 * on the storage's tick path is shown by {@link TimedStorageTest}.)
 */
class TickSchedulerTest {
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final TimedStorage storage = new TimedStorage(
            new InMemoryStorage(),
            new SimpleMeterRegistry(),
            "memory",
            Duration.ofSeconds(10),
            new StorageHealth(new ManualClock()));
    private final TickScheduler scheduler = new TickScheduler(storage, stopping::get);

    @AfterEach
    void close() {
        Threads.stop(scheduler, Duration.ofSeconds(5));
        storage.close();
    }

    @Test
    void onceTheShutdownHasBegun_noTaskStarts() throws Exception {
        AtomicBoolean ranBefore = new AtomicBoolean();
        AtomicBoolean ranAfter = new AtomicBoolean();

        scheduler.schedule(() -> ranBefore.set(true), 0, TimeUnit.NANOSECONDS).get();
        stopping.set(true);
        scheduler.schedule(() -> ranAfter.set(true), 0, TimeUnit.NANOSECONDS).get();

        assertThat(ranBefore).isTrue();
        assertThat(ranAfter).isFalse();
    }

    @Test
    void aTaskDueLaterIsDropped_whenTheSchedulerShutsDown() {
        AtomicBoolean ran = new AtomicBoolean();
        var due = scheduler.schedule(() -> ran.set(true), 1, TimeUnit.HOURS);

        Threads.stop(scheduler, Duration.ofSeconds(5));

        assertThat(scheduler.isTerminated()).isTrue();
        assertThat(due.isDone()).isTrue();
        assertThat(ran).isFalse();
    }
}

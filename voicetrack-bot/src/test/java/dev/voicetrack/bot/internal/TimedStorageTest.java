package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TimedStorage} over a real in-memory storage, with one failure injected: a write that hangs
 * until the test releases it, then commits or fails. The tracker's part is played by hand: after a
 * failed tick write it sends the same increments again, added to the next tick's.
 */
class TimedStorageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    private static final Instant AT = Instant.parse("2024-06-01T12:00:00Z");

    private final InMemoryStorage real = new InMemoryStorage();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    private final AtomicReference<RuntimeException> failAfterGate = new AtomicReference<>();
    private final AtomicInteger appliesStarted = new AtomicInteger();
    private final StorageHealth health = new StorageHealth(Clock.systemUTC());
    private final TimedStorage storage =
            new TimedStorage(gated(), new SimpleMeterRegistry(), "memory", TIMEOUT, health);

    private Storage gated() {
        return (Storage) Proxy.newProxyInstance(
                Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                    boolean gatedCall =
                            method.getName().equals("apply") || method.getName().equals("member");
                    if (method.getName().equals("apply")) {
                        appliesStarted.incrementAndGet();
                    }
                    CountDownLatch g = gate.get();
                    if (gatedCall && g != null) {
                        g.await(30, TimeUnit.SECONDS);
                        RuntimeException fail = failAfterGate.get();
                        if (fail != null) {
                            throw fail;
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @BeforeEach
    void init() {
        real.init();
    }

    @AfterEach
    void close() {
        CountDownLatch g = gate.get();
        if (g != null) {
            g.countDown();
        }
        storage.close();
    }

    private static Batch voice(long... ms) {
        List<MemberDelta> deltas = new java.util.ArrayList<>();
        for (int i = 0; i < ms.length; i++) {
            deltas.add(new MemberDelta(7, 100 + i, 55, DAY, ms[i], ms[i] / 100, 0, 0, AT));
        }
        return new Batch(deltas, List.of());
    }

    private long voiceOf(long user) {
        return real.member(7, user).map(m -> m.voiceTimeMs()).orElse(0L);
    }

    private void tick(Batch batch) {
        storage.onTickPath(() -> storage.apply(batch));
    }

    @Test
    void tickWriteThatTimesOutThenCommits_isNotCountedTwiceByTheRetry() {
        gate.set(new CountDownLatch(1));
        assertThatThrownBy(() -> tick(voice(1_000, 500)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("did not answer apply within 200 ms (STORAGE_TIMEOUT)");
        assertThat(health.state().up()).isFalse();
        CountDownLatch g = gate.getAndSet(null);
        g.countDown(); // the hung write commits after all
        Await.until("the late write committed", () -> voiceOf(100) == 1_000);

        // The tracker sends what it kept plus the next tick's increments.
        tick(voice(3_000, 700));

        assertThat(voiceOf(100)).isEqualTo(3_000);
        assertThat(voiceOf(101)).isEqualTo(700);
        assertThat(real.member(7, 100).orElseThrow().xp()).isEqualTo(30);
        assertThat(health.state().up()).isTrue();

        tick(voice(250, 0)); // once written, nothing is carried any more
        assertThat(voiceOf(100)).isEqualTo(3_250);
    }

    @Test
    void writesOnTheTickSchedulerThread_areTheTicks_soATimedOutOneIsNotCountedTwice() throws Exception {
        TickScheduler ticks = new TickScheduler(storage, () -> false);
        try {
            gate.set(new CountDownLatch(1));
            var first = ticks.submit(() -> storage.apply(voice(1_000)));
            assertThatThrownBy(first::get).hasCauseInstanceOf(StorageException.class);
            gate.getAndSet(null).countDown(); // the hung write commits after all
            Await.until("the late write committed", () -> voiceOf(100) == 1_000);

            ticks.submit(() -> storage.apply(voice(3_000))).get(); // what the tracker kept, plus 2,000

            assertThat(voiceOf(100)).isEqualTo(3_000);
        } finally {
            Threads.stop(ticks, Duration.ofSeconds(5));
        }
    }

    @Test
    void tickWriteThatTimesOutThenFails_isWrittenWholeByTheRetry() {
        gate.set(new CountDownLatch(1));
        failAfterGate.set(new StorageException("connection reset"));
        assertThatThrownBy(() -> tick(voice(1_000))).isInstanceOf(StorageException.class);
        gate.getAndSet(null).countDown();
        failAfterGate.set(null);

        tick(voice(1_800));

        assertThat(voiceOf(100)).isEqualTo(1_800);
    }

    @Test
    void whileATickWriteIsInDoubt_theNextFailsWithinTheTimeout_withoutStartingAnother() {
        gate.set(new CountDownLatch(1));
        assertThatThrownBy(() -> tick(voice(1_000))).isInstanceOf(StorageException.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> tick(voice(2_000)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("An earlier write of increments has not answered yet");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(appliesStarted).hasValue(1);

        gate.getAndSet(null).countDown();
        tick(voice(3_000));
        assertThat(voiceOf(100)).isEqualTo(3_000);
    }

    @Test
    void aKeyTheTrackerDroppedMeanwhile_isWrittenAsSent() {
        gate.set(new CountDownLatch(1));
        assertThatThrownBy(() -> tick(voice(1_000, 900))).isInstanceOf(StorageException.class);
        gate.getAndSet(null).countDown();
        Await.until("the late write committed", () -> voiceOf(100) == 1_000);

        // User 101's increments were dropped by the tracker (a reset, say); it sends only new ones.
        tick(voice(1_500, 300));

        assertThat(voiceOf(100)).isEqualTo(1_500);
        assertThat(voiceOf(101)).isEqualTo(900 + 300);
    }

    @Test
    void aWriteOutsideATick_thatTimesOut_isNotCarried() {
        gate.set(new CountDownLatch(1));
        assertThatThrownBy(() -> storage.apply(voice(1_000)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("It may still complete");
        gate.getAndSet(null).countDown();
        Await.until("the late write committed", () -> voiceOf(100) == 1_000);

        tick(voice(400));

        assertThat(voiceOf(100)).isEqualTo(1_400);
    }

    @Test
    void aHungRead_failsWithinTheTimeout_thenQueriesFailAtOnce_untilTheProbeFindsTheStorageBack() {
        real.apply(voice(1_000));
        gate.set(new CountDownLatch(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> storage.member(7, 100))
                .isInstanceOf(StorageException.class)
                .hasMessage("storage did not answer member within 200 ms (STORAGE_TIMEOUT).");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(health.state().up()).isFalse();
        assertThat(health.state().lastError())
                .hasValueSatisfying(e -> assertThat(e).contains("member"));

        // Known down: the next query fails at once, without waiting out the timeout again.
        long again = System.nanoTime();
        assertThatThrownBy(() -> storage.member(7, 100))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("storage is unavailable, member not attempted");
        assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(TIMEOUT);

        gate.getAndSet(null).countDown();
        storage.probe();
        assertThat(health.state().up()).isTrue();
        assertThat(storage.member(7, 100)).isPresent();
    }

    @Test
    void probe_reportsAHungStorageDown_withinTheTimeout_andUpOnceItAnswers() {
        storage.probe();
        assertThat(health.state().up()).isTrue();
        assertThat(health.state().probeLatency()).isNotNull();
        CountDownLatch hung = new CountDownLatch(1);
        TimedStorage probed = new TimedStorage(
                (Storage) Proxy.newProxyInstance(
                        Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> {
                            if (m.getName().equals("guildIds")) {
                                hung.await(30, TimeUnit.SECONDS);
                            }
                            return m.getName().equals("guildIds") ? List.of() : null;
                        }),
                new SimpleMeterRegistry(),
                "memory",
                TIMEOUT,
                health);
        try {
            long start = System.nanoTime();
            probed.probe();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(health.state().up()).isFalse();
            probed.probe(); // the first is still waiting: not doubled, still down
            assertThat(health.state().up()).isFalse();
            hung.countDown();
            Await.until("a probe answers", () -> {
                probed.probe();
                return health.state().up();
            });
        } finally {
            hung.countDown();
            probed.close();
        }
    }
}

package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheWarmerTest {

    private final ManualTicker ticker = new ManualTicker();
    private final Cache<Object> cache =
            InProcessCache.create(CacheConfig.builder().ticker(ticker).build());
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void close() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        cache.close();
    }

    private WarmTask<Object> configTask() {
        return () -> {
            ticker.advance(Duration.ofMillis(30));
            return List.of(
                    CacheEntry.of("config:vip_tiers", List.of("gold", "silver"), WriteOptions.tier("config")),
                    CacheEntry.of("config:payment_methods", List.of("card"), WriteOptions.tier("config")));
        };
    }

    private WarmTask<Object> referenceTask() {
        return () -> {
            ticker.advance(Duration.ofMillis(200));
            var entries = new ArrayList<CacheEntry<Object>>();
            for (int i = 0; i < 5; i++) {
                entries.add(CacheEntry.of("products:" + i, "product " + i, WriteOptions.tier("reference")));
            }
            return entries;
        };
    }

    @Test
    void warmNow_runsEveryTaskInOrderAndStoresTheirEntries() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", configTask())
                .task("reference", referenceTask())
                .build();
        WarmReport report = warmer.warmNow();

        assertThat(report.tasks()).extracting(WarmReport.TaskResult::scope).containsExactly("config", "reference");
        assertThat(report.tasks()).extracting(WarmReport.TaskResult::loaded).containsExactly(2L, 5L);
        assertThat(report.tasks())
                .extracting(WarmReport.TaskResult::duration)
                .containsExactly(Duration.ofMillis(30), Duration.ofMillis(200));
        assertThat(report.totalLoaded()).isEqualTo(7);
        assertThat(report.duration()).isEqualTo(Duration.ofMillis(230));
        assertThat(report.succeeded()).isTrue();
        assertThat(report.failures()).isEmpty();
        assertThat(cache.get("config:vip_tiers")).hasValue(List.of("gold", "silver"));
        assertThat(cache.keys("products:*")).hasSize(5);
        assertThat(warmer.lastReport()).hasValue(report);
        assertThat(warmer.scopes()).containsExactly("config", "reference");
    }

    @Test
    void warmedEntries_keepTheirTierTtl() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", configTask())
                .task("reference", referenceTask())
                .build();
        warmer.warmNow();
        ticker.advance(Duration.ofHours(13));
        assertThat(cache.get("products:0")).isEmpty();
        assertThat(cache.get("config:vip_tiers")).isPresent();
    }

    @Test
    void failingTask_isReportedAndDoesNotStopTheOthers() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("broken", () -> {
                    ticker.advance(Duration.ofMillis(5));
                    throw new IOException("database unreachable");
                })
                .task("config", configTask())
                .task("messageless", () -> {
                    throw new IllegalStateException();
                })
                .task("reference", referenceTask())
                .build();
        WarmReport report = warmer.warmNow();

        assertThat(report.succeeded()).isFalse();
        assertThat(report.totalLoaded()).isEqualTo(7);
        assertThat(report.failures()).extracting(WarmReport.TaskResult::scope).containsExactly("broken", "messageless");
        WarmReport.TaskResult broken = report.failures().get(0);
        assertThat(broken.failure()).hasValue("database unreachable");
        assertThat(broken.loaded()).isZero();
        assertThat(broken.failed()).isTrue();
        assertThat(broken.duration()).isEqualTo(Duration.ofMillis(5));
        assertThat(report.failures().get(1).failure()).hasValue(IllegalStateException.class.getName());
        assertThat(cache.get("config:vip_tiers")).isPresent();
        assertThat(cache.get("products:4")).isPresent();
    }

    @Test
    void taskReturningNullOrMutableValues_isAFailure() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("null", () -> null)
                .task("mutable", () -> List.of(CacheEntry.of("m", new ArrayList<>(List.of(1)))))
                .build();
        WarmReport report = warmer.warmNow();
        assertThat(report.failures()).hasSize(2);
        assertThat(report.tasks().get(0).failure().orElseThrow())
                .contains("'null'")
                .contains("null");
        assertThat(report.tasks().get(1).failure().orElseThrow())
                .contains("'m'")
                .contains("ArrayList");
        assertThat(cache.get("m")).isEmpty();
    }

    @Test
    void warmScope_runsOnlyThatTask() {
        AtomicInteger configRuns = new AtomicInteger();
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", () -> {
                    configRuns.incrementAndGet();
                    return List.of(CacheEntry.of("config:x", "x"));
                })
                .task("reference", referenceTask())
                .build();
        WarmReport report = warmer.warm("reference");
        assertThat(report.tasks()).extracting(WarmReport.TaskResult::scope).containsExactly("reference");
        assertThat(configRuns).hasValue(0);
        assertThat(cache.contains("config:x")).isFalse();
        assertThat(cache.contains("products:0")).isTrue();
    }

    @Test
    void warmAll_runsEveryTask() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", configTask())
                .task("reference", referenceTask())
                .build();
        assertThat(warmer.warm(CacheWarmer.ALL).totalLoaded()).isEqualTo(7);
    }

    @Test
    void unknownScope_isRejectedNamingItAndTheKnownScopes() {
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", configTask())
                .task("reference", referenceTask())
                .build();
        assertThatThrownBy(() -> warmer.warm("users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope")
                .hasMessageContaining("'users'")
                .hasMessageContaining("all")
                .hasMessageContaining("config")
                .hasMessageContaining("reference");
        assertThatThrownBy(() -> warmer.warm(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("scope");
        assertThat(warmer.lastReport()).isEmpty();
    }

    @Test
    void builder_rejectsBlankReservedAndDuplicateScopes() {
        var builder = CacheWarmer.builder(cache).task("config", configTask());
        assertThatThrownBy(() -> builder.task(" ", configTask()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope")
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> builder.task("all", configTask()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope")
                .hasMessageContaining("'all'");
        assertThatThrownBy(() -> builder.task("config", configTask()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope")
                .hasMessageContaining("'config'");
        assertThatThrownBy(() -> builder.task("x", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("task");
        assertThatThrownBy(() -> CacheWarmer.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cache");
    }

    @Test
    void noTasks_warmsNothing() {
        WarmReport report = CacheWarmer.builder(cache).build().warmNow();
        assertThat(report.tasks()).isEmpty();
        assertThat(report.succeeded()).isTrue();
        assertThat(report.totalLoaded()).isZero();
    }

    @Test
    void durations_useTheInjectedTickerOverTheCaches() {
        ManualTicker own = new ManualTicker();
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .ticker(own)
                .task("t", () -> {
                    own.advance(Duration.ofSeconds(2));
                    ticker.advance(Duration.ofSeconds(9));
                    return List.of();
                })
                .build();
        assertThat(warmer.warmNow().tasks().get(0).duration()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void onReport_receivesEveryReportAndItsFailureIsContained() {
        List<WarmReport> seen = new CopyOnWriteArrayList<>();
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", configTask())
                .onReport(seen::add)
                .build();
        WarmReport first = warmer.warmNow();
        WarmReport second = warmer.warm("config");
        assertThat(seen).containsExactly(first, second);

        CacheWarmer<Object> throwing = CacheWarmer.builder(cache)
                .task("config", configTask())
                .onReport(r -> {
                    throw new IllegalStateException("listener bug");
                })
                .build();
        assertThat(throwing.warmNow().succeeded()).isTrue();
    }

    @Test
    void report_isImmutable() {
        var tasks = new ArrayList<WarmReport.TaskResult>();
        tasks.add(new WarmReport.TaskResult("a", 1, java.util.Optional.empty(), Duration.ZERO));
        WarmReport report = new WarmReport(tasks);
        tasks.clear();
        assertThat(report.tasks()).hasSize(1);
        assertThatThrownBy(() -> report.tasks().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new WarmReport.TaskResult("a", -1, java.util.Optional.empty(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loaded")
                .hasMessageContaining("-1");
    }

    @Test
    void start_runsOnTheScheduleUntilClosed() throws InterruptedException {
        CountDownLatch threeRuns = new CountDownLatch(3);
        AtomicInteger runs = new AtomicInteger();
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("counter", () -> List.of(CacheEntry.of("run", runs.incrementAndGet())))
                .onReport(r -> threeRuns.countDown())
                .build();
        warmer.start(scheduler, Duration.ofMillis(1));
        assertThat(threeRuns.await(30, TimeUnit.SECONDS))
                .as("three scheduled runs")
                .isTrue();
        warmer.close();
        assertThat(scheduler.getQueue())
                .as("nothing left scheduled after close")
                .isEmpty();
        assertThat(warmer.lastReport()).isPresent();
        assertThat(cache.get("run")).isPresent();
        warmer.close(); // idempotent
    }

    @Test
    void start_withoutPeriod_schedulesTheFirstRunSixHoursAhead() {
        CacheWarmer<Object> warmer =
                CacheWarmer.builder(cache).task("config", configTask()).build();
        warmer.start(scheduler);
        assertThat(CacheWarmer.DEFAULT_PERIOD).isEqualTo(Duration.ofHours(6));
        assertThat(scheduler.getQueue()).hasSize(1);
        var scheduled =
                (java.util.concurrent.ScheduledFuture<?>) scheduler.getQueue().peek();
        assertThat(scheduled.getDelay(TimeUnit.MINUTES)).isBetween(6 * 60L - 1, 6 * 60L);
        warmer.close();
        assertThat(scheduler.getQueue()).isEmpty();
        assertThat(warmer.lastReport()).isEmpty();
    }

    @Test
    void start_twiceAfterCloseOrWithBadPeriod_isRejected() {
        CacheWarmer<Object> warmer =
                CacheWarmer.builder(cache).task("config", configTask()).build();
        assertThatThrownBy(() -> warmer.start(scheduler, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> warmer.start(scheduler, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period")
                .hasMessageContaining("PT-1S");
        warmer.start(scheduler, Duration.ofHours(1));
        assertThatThrownBy(() -> warmer.start(scheduler, Duration.ofHours(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        warmer.close();
        assertThatThrownBy(() -> warmer.start(scheduler))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(warmer.warm("config").succeeded())
                .as("manual runs still work")
                .isTrue();
    }
}

package dev.voicetrack.cache.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.ValueIsolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InProcessSessionStoreTest {

    private final AtomicLong nanos = new AtomicLong();
    private final InProcessSessionStore<Long> store =
            InProcessSessionStore.create(nanos::get, ValueIsolation.immutable());

    private void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void session_livesExactlyItsTtl() {
        store.put("guild:1", "user:7", 5L, Duration.ofMinutes(10));
        pass(Duration.ofMinutes(10).minusNanos(1));
        assertThat(store.get("guild:1", "user:7")).contains(5L);
        pass(Duration.ofNanos(1));
        assertThat(store.get("guild:1", "user:7")).isEmpty();
    }

    @Test
    void touch_extendsALiveSession_andNotADeadOne() {
        store.put("g", "a", 1L, Duration.ofSeconds(10));
        pass(Duration.ofSeconds(9));
        assertThat(store.touch("g", "a", Duration.ofSeconds(10))).isTrue();
        pass(Duration.ofSeconds(9));
        assertThat(store.get("g", "a")).contains(1L);
        pass(Duration.ofSeconds(1));
        assertThat(store.touch("g", "a", Duration.ofSeconds(10))).isFalse();
        assertThat(store.get("g", "a")).isEmpty();
    }

    @Test
    void list_returnsOnlyLiveSessionsOfTheScope() {
        store.put("g1", "a", 1L, Duration.ofSeconds(5));
        store.put("g1", "b", 2L, Duration.ofSeconds(50));
        store.put("g2", "c", 3L, Duration.ofSeconds(50));
        pass(Duration.ofSeconds(5));
        assertThat(store.list("g1")).isEqualTo(Map.of("b", 2L));
        assertThat(store.list("none")).isEmpty();
    }

    @Test
    void remove_reportsWhetherTheSessionWasLive() {
        store.put("g", "a", 1L, Duration.ofSeconds(5));
        assertThat(store.remove("g", "a")).isTrue();
        assertThat(store.remove("g", "a")).isFalse();
    }

    @Test
    void concurrentUpdates_loseNoIncrement_andKeepTheTtl() throws Exception {
        store.put("g", "counter", 0L, Duration.ofSeconds(30));
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 1000; i++) {
                        store.update("g", "counter", v -> v + 1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.get("g", "counter")).contains(8000L);
        pass(Duration.ofSeconds(30));
        assertThat(store.get("g", "counter")).isEmpty();
    }

    @Test
    void badArguments_areRejectedNamingTheField() {
        assertThatThrownBy(() -> store.put(" ", "a", 1L, Duration.ofSeconds(1)))
                .hasMessage("scope must not be blank, was ' '");
        assertThatThrownBy(() -> store.put("g", "a", 1L, Duration.ZERO)).hasMessage("ttl must be > 0, was PT0S");
        assertThatThrownBy(() -> store.get("g", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("id");
        assertThatThrownBy(() -> InProcessSessionStore.<List<String>>create()
                        .put("g", "a", new ArrayList<>(List.of("x")), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

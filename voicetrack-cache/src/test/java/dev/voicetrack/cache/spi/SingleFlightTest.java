package dev.voicetrack.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheLoadException;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.spi.SingleFlight.Flight;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The single-flight registry shared by the in-process and Redis caches. */
class SingleFlightTest {

    private final SingleFlight<String> flights = new SingleFlight<>();

    @Test
    void join_firstCallerOwns_laterCallersGetTheRunningFlight() {
        Flight<String> first = new Flight<>("k", Set.of());
        Flight<String> second = new Flight<>("k", Set.of());

        assertThat(flights.join(first)).isNull();
        assertThat(flights.join(second)).isSameAs(first);
        assertThat(flights.join(new Flight<>("other", Set.of()))).isNull();
    }

    @Test
    void join_afterAnInvalidation_replacesTheStaleFlight() {
        Flight<String> old = new Flight<>("k", Set.of());
        flights.join(old);

        flights.staleKey("k");
        Flight<String> fresh = new Flight<>("k", Set.of());

        assertThat(old.isStale()).isTrue();
        assertThat(flights.join(fresh)).isNull();
        assertThat(flights.join(new Flight<>("k", Set.of()))).isSameAs(fresh);
    }

    @Test
    void stale_marksOnlyTheFlightsConcerned() {
        Flight<String> tagged = register("user:1", Set.of("guild:1"));
        Flight<String> otherTag = register("user:2", Set.of("guild:2"));
        Flight<String> matching = register("post:1", Set.of());
        Flight<String> untouched = register("misc", Set.of());

        flights.staleTags(List.of("guild:1", "guild:9"));
        flights.stalePattern(KeyPattern.compile("post:*"));

        assertThat(tagged.isStale()).isTrue();
        assertThat(otherTag.isStale()).isFalse();
        assertThat(matching.isStale()).isTrue();
        assertThat(untouched.isStale()).isFalse();

        flights.staleTag("guild:2");
        assertThat(otherTag.isStale()).isTrue();
        assertThat(untouched.isStale()).isFalse();

        flights.staleAll();
        assertThat(untouched.isStale()).isTrue();
    }

    @Test
    void storeIfCurrent_doesNotStoreAfterAnInvalidation() {
        Flight<String> flight = register("k", Set.of());
        AtomicBoolean stored = new AtomicBoolean();

        flights.staleKey("k");
        flight.storeIfCurrent(() -> stored.set(true));

        assertThat(stored).isFalse();
    }

    @Test
    void storeIfCurrent_storesWhileCurrent() {
        Flight<String> flight = register("k", Set.of());
        AtomicBoolean stored = new AtomicBoolean();

        flight.storeIfCurrent(() -> stored.set(true));

        assertThat(stored).isTrue();
    }

    @Test
    void await_onTheOwnersThread_isARecursiveLoad() {
        Flight<String> flight = register("k", Set.of());

        assertThatThrownBy(flight::await)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recursive load")
                .hasMessageContaining("'k'");
    }

    @Test
    void await_fromAnotherThread_getsTheResult() throws Exception {
        Flight<String> flight = register("k", Set.of());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(flight::await);

        flight.complete("v");

        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("v"); // hang guard only
    }

    @Test
    void await_ofAFailedFlight_throwsACheckedFailureAsCacheLoadException() {
        Flight<String> flight = register("k", Set.of());
        IOException failure = new IOException("disk");
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(flight::await);

        flight.fail(failure);

        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(CacheLoadException.class)
                .hasCause(failure);
    }

    @Test
    void finish_withoutAResult_failsTheWaiters_andFreesTheKey() {
        Flight<String> flight = register("k", Set.of());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(flight::await);

        flights.finish(flight);

        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("abandoned");
        assertThat(flights.join(new Flight<>("k", Set.of()))).isNull();
    }

    @Test
    void unregister_freesTheKey_butKeepsTheResultForWaiters() throws Exception {
        Flight<String> flight = register("k", Set.of());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(flight::await);

        flights.unregister(flight);
        assertThat(flights.join(new Flight<>("k", Set.of()))).isNull();
        flight.complete("v");

        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("v");
    }

    private Flight<String> register(String key, Set<String> tags) {
        Flight<String> flight = new Flight<>(key, tags);
        assertThat(flights.join(flight)).isNull();
        return flight;
    }
}

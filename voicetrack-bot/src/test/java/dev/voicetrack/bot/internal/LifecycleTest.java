package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> log = new ArrayList<>();

    private Component part(String name) {
        return Component.of(name, () -> log.add("start " + name), () -> log.add("stop " + name));
    }

    private Component failingStart(String name) {
        return Component.of(
                name,
                () -> {
                    log.add("start " + name);
                    throw new IllegalStateException(name + " refused");
                },
                () -> log.add("stop " + name));
    }

    @Test
    void start_runsTheDeclaredOrder_andStop_theReverse() throws Exception {
        Lifecycle lc = new Lifecycle(List.of(part("storage"), part("cache"), part("tracker")));
        lc.start();
        assertThat(lc.runningNames()).containsExactly("storage", "cache", "tracker");
        lc.stop();
        assertThat(log)
                .containsExactly(
                        "start storage", "start cache", "start tracker", "stop tracker", "stop cache", "stop storage");
        assertThat(lc.runningNames()).isEmpty();
    }

    @Test
    void failureInStart_stopsWhatStarted_inReverse_andNotTheFailedOneNorTheRest() {
        Lifecycle lc = new Lifecycle(List.of(part("storage"), part("cache"), failingStart("tracker"), part("api")));
        assertThatThrownBy(lc::start).isInstanceOf(IllegalStateException.class).hasMessage("tracker refused");
        assertThat(log).containsExactly("start storage", "start cache", "start tracker", "stop cache", "stop storage");
        assertThat(lc.runningNames()).isEmpty();
    }

    @Test
    void aStopThatThrows_isLogged_andTheOthersStillStop() throws Exception {
        Component broken = Component.of("broken", () -> log.add("start broken"), () -> {
            log.add("stop broken");
            throw new IllegalStateException("boom");
        });
        Lifecycle lc = new Lifecycle(List.of(part("storage"), broken, part("api")));
        lc.start();
        lc.stop();
        assertThat(log).containsSubsequence("stop api", "stop broken", "stop storage");
    }

    @Test
    void stop_isIdempotent() throws Exception {
        Lifecycle lc = new Lifecycle(List.of(part("storage")));
        lc.start();
        lc.stop();
        lc.stop();
        assertThat(log).containsExactly("start storage", "stop storage");
    }

    @Test
    void aStopDuringStart_stopsThePartBeingStarted_andEndsTheStart() {
        List<Lifecycle> self = new ArrayList<>();
        Component stopsDuringItsStart = Component.of(
                "discord",
                () -> {
                    log.add("start discord");
                    self.get(0).stop(); // a signal arrives while Discord connects
                },
                () -> log.add("stop discord"));
        Lifecycle lc = new Lifecycle(List.of(part("metrics"), stopsDuringItsStart, part("storage")));
        self.add(lc);
        assertThatThrownBy(lc::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("discord");
        assertThat(log).containsExactly("start metrics", "start discord", "stop metrics", "stop discord");
    }
}

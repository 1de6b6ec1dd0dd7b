package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Session starts wait for the write as columns ({@link PendingWrites.SessionStarts}); delivered, they
 * must be what a record and a lambda per start gave: the same rows, in order among the other events,
 * each event to every listener before the next, and a listener that throws on one start missing none
 * of the others.
 */
class SessionStartEventsTest {
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123456789Z");

    @Test
    void startsAroundAClose_areDeliveredInOrder_eachToEveryListener_andAThrowStopsNothing() {
        var pending = new PendingWrites();
        var ids = new ArrayList<UUID>();
        for (int i = 0; i < 2100; i++) { // over several blocks, the first grown
            UUID id = UUID.randomUUID();
            ids.add(id);
            pending.sessionStarted(id, 1, 100 + i, 7, T.plusMillis(i));
        }
        var closed = new VoiceSession("closed", 1, 5, 7, T, T.plusSeconds(1), T.plusSeconds(1), 1000, 0, 0, 0);
        pending.sessionClosed(closed);
        UUID last = UUID.randomUUID();
        pending.sessionStarted(last, 2, 9, 8, T.plusSeconds(2));

        var calls = new ArrayList<String>();
        var errors = new ArrayList<String>();
        var dispatcher = new Dispatcher(Runnable::run);
        dispatcher.add(recorder("a", calls, errors, 103));
        dispatcher.add(recorder("b", calls, errors, -1));
        dispatcher.emit(pending.takeEvents());

        var expected = new ArrayList<String>();
        for (int i = 0; i < 2100; i++) {
            String row = "start:" + ids.get(i) + ":1:" + (100 + i) + ":7:" + T.plusMillis(i);
            expected.add("a " + row);
            expected.add("b " + row);
        }
        expected.add("a end:closed");
        expected.add("b end:closed");
        String lastRow = "start:" + last + ":2:9:8:" + T.plusSeconds(2);
        expected.add("a " + lastRow);
        expected.add("b " + lastRow);
        assertThat(calls).containsExactlyElementsOf(expected);
        assertThat(errors).hasSize(1).allMatch(e -> e.contains("threw"));
        assertThat(pending.takeEvents()).isEmpty();
    }

    private static TrackerListener recorder(String name, List<String> calls, List<String> errors, long throwOnUser) {
        return new TrackerListener() {
            @Override
            public void sessionStart(VoiceSession s) {
                assertThat(s.open()).isTrue();
                assertThat(s.lastAccrual()).isEqualTo(s.start());
                assertThat(s.durationMs()).isZero();
                calls.add(name + " start:" + s.id() + ":" + s.guildId() + ":" + s.userId() + ":" + s.channelId() + ":"
                        + s.start());
                if (s.userId() == throwOnUser) {
                    throw new IllegalStateException("listener " + name + " fails");
                }
            }

            @Override
            public void sessionEnd(VoiceSession s) {
                calls.add(name + " end:" + s.id());
            }

            @Override
            public void error(String context, @Nullable Throwable error) {
                if (name.equals("b")) {
                    errors.add(context);
                }
            }
        };
    }
}

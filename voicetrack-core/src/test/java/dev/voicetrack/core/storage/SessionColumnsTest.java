package dev.voicetrack.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.VoiceSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionColumnsTest {
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123456789Z");

    /**
     * Rows over several blocks, canonical ids among others (upper case, not UUIDs): read back as the
     * rows added, and in id order exactly as a sort of the rows by their id strings.
     */
    @Test
    void rowsReadBackAsAdded_andIdOrderIsTheStringOrder() {
        var random = new Random(21);
        var expected = new ArrayList<VoiceSession>();
        SessionColumns.Builder b = SessionColumns.builder();
        for (int i = 0; i < 5000; i++) {
            UUID id = new UUID(random.nextLong(), i % 7 == 0 ? 5 : random.nextLong());
            Instant end = i % 3 == 0 ? null : T.plusSeconds(i);
            Instant last = end == null ? T.plusMillis(i) : end;
            if (i % 50 == 0) {
                var s = new VoiceSession(
                        i % 100 == 0 ? id.toString().toUpperCase() : "other-" + i,
                        1,
                        i + 1,
                        3,
                        T,
                        end,
                        last,
                        i,
                        2,
                        3,
                        4);
                b.add(s);
                expected.add(s);
            } else {
                b.add(id.getMostSignificantBits(), id.getLeastSignificantBits(), 1, i + 1, 3, T, end, last, i, 2, 3, 4);
                expected.add(new VoiceSession(id.toString(), 1, i + 1, 3, T, end, last, i, 2, 3, 4));
            }
        }
        SessionColumns rows = b.build();
        assertThat(rows).containsExactlyElementsOf(expected);
        for (int i = 0; i < rows.size(); i += 97) {
            assertThat(rows.id(i)).isEqualTo(expected.get(i).id());
        }
        var byId = new ArrayList<>(expected);
        byId.sort(Comparator.comparing(VoiceSession::id));
        var inOrder = new ArrayList<VoiceSession>();
        for (int i : rows.idOrder()) {
            inOrder.add(rows.get(i));
        }
        assertThat(inOrder).containsExactlyElementsOf(byId);
        assertThat(new Batch(List.of(), rows).sessions()).isSameAs(rows);
    }

    @Test
    void badRow_failsWhereItIsAdded_andABuiltBuilderTakesNoMore() {
        SessionColumns.Builder b = SessionColumns.builder();
        assertThatThrownBy(() -> b.add(1, 2, 1, 2, 3, T, null, T, -1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("durationMs");
        assertThat(b.size()).isZero();
        b.add(1, 2, 1, 2, 3, T, null, T, 0, 0, 0, 0);
        assertThat(b.build()).hasSize(1);
        assertThatThrownBy(() -> b.add(1, 2, 1, 2, 3, T, null, T, 0, 0, 0, 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SessionColumns.builder().build().get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}

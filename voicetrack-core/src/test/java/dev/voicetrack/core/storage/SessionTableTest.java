package dev.voicetrack.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.VoiceSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SessionTable}: the compact session list a {@link GuildSnapshot} keeps as it is. */
class SessionTableTest {
    private static final long G = 7;
    private static final Instant T = Instant.parse("2024-05-01T10:00:00.123Z");

    private static VoiceSession session(String id, long user, long startOffsetMs, boolean open) {
        Instant start = T.plusMillis(startOffsetMs);
        Instant end = open ? null : start.plusSeconds(600);
        return new VoiceSession(id, G, user, 40 + user % 3, start, end, open ? start : end, 600_000, 50, 0, 0);
    }

    private static List<VoiceSession> sortedCopy(List<VoiceSession> in) {
        var out = new ArrayList<>(in);
        out.sort(Comparator.comparing(VoiceSession::id));
        return out;
    }

    @Test
    void manyShuffledSessions_comeOutInTheSnapshotsCanonicalOrder_withEveryFieldKept() {
        var random = new Random(18);
        var sessions = new ArrayList<VoiceSession>();
        for (int i = 0; i < 5000; i++) {
            long user = 1 + random.nextInt(300);
            long start = random.nextInt(1_000_000);
            sessions.add(session((1_700_000_000_000L + start) + "-" + user + "-" + i, user, start, i % 100 == 0));
        }
        var builder = SessionTable.builder(G, 10); // grows past the hint
        sessions.forEach(builder::add);
        SessionTable table = builder.build((s, row) -> {
            throw new AssertionError("no duplicate expected, got " + s.id());
        });

        List<VoiceSession> expected = sortedCopy(sessions);
        assertThat(table).isEqualTo(expected);
        assertThat(table.hashCode()).isEqualTo(expected.hashCode());
        for (int i = 0; i < table.size(); i++) {
            assertThat(table.id(i)).isEqualTo(expected.get(i).id());
            assertThat(table.userId(i)).isEqualTo(expected.get(i).userId());
            assertThat(table.isOpen(i)).isEqualTo(expected.get(i).open());
            assertThat(table.durationMs(i)).isEqualTo(expected.get(i).durationMs());
        }
        var snapshot = new GuildSnapshot(G, null, List.of(), table);
        assertThat(snapshot.sessions()).isSameAs(table);
        assertThat(snapshot).isEqualTo(new GuildSnapshot(G, null, List.of(), sessions));
        assertThat(snapshot.checksum()).isEqualTo(new GuildSnapshot(G, null, List.of(), sessions).checksum());
    }

    @Test
    void duplicateIds_keepTheFirstAdded_andNameEachDroppedRowWithItsPosition() {
        var first = session("b", 1, 0, false);
        var second = session("a", 2, 5, false);
        var duplicate = session("b", 3, 9, true);
        var dropped = new ArrayList<String>();
        SessionTable table = SessionTable.builder(G, 3)
                .add(first)
                .add(second)
                .add(duplicate)
                .build((s, row) -> dropped.add(s.userId() + "@" + row));
        assertThat(table).containsExactly(second, first);
        assertThat(dropped).containsExactly("3@2");
    }

    @Test
    void nonAsciiIds_sortAsStringsDo_andSubMillisecondTimesAndMutedTimeAreKept() {
        // U+FF21 sorts after U+1F600's surrogates in String order, before it in code point order.
        var fullwidth = session("x\uFF21", 1, 0, false);
        var emoji = session("x\uD83D\uDE00", 2, 0, false);
        var plain =
                new VoiceSession("xa", G, 3, 4, T.plusNanos(1), T.plusNanos(999_999), T.plusNanos(999_999), 1, 2, 3, 4);
        var before = new VoiceSession(
                "x0",
                G,
                3,
                4,
                Instant.ofEpochSecond(-1, 500_000),
                null,
                Instant.ofEpochSecond(-1, 500_001),
                0,
                0,
                0,
                0);
        List<VoiceSession> all = List.of(fullwidth, emoji, plain, before);
        var builder = SessionTable.builder(G, 0);
        all.forEach(builder::add);
        SessionTable table = builder.build((s, row) -> {
            throw new AssertionError(s.id());
        });
        assertThat(table).containsExactlyElementsOf(sortedCopy(all));
    }

    @Test
    void aSessionOfAnotherGuild_orATableOfAnotherGuild_isRefused() {
        var other = new VoiceSession("s", G + 1, 1, 2, T, null, T, 0, 0, 0, 0);
        assertThatThrownBy(() -> SessionTable.builder(G, 1).add(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("session s belongs to guild 8, not to guildId 7");
        SessionTable table = SessionTable.builder(G, 0).build((s, row) -> {});
        assertThatThrownBy(() -> new GuildSnapshot(G + 1, null, List.of(), table))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessions belong to guild 7, not to guildId 8");
        assertThatThrownBy(() -> SessionTable.builder(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guildId must be > 0, was 0");
    }

    @Test
    void aBuiltTable_isImmutable_andItsBuilderIsSpent() {
        var builder = SessionTable.builder(G, 1).add(session("a", 1, 0, false));
        SessionTable table = builder.build((s, row) -> {});
        assertThatThrownBy(() -> table.add(session("b", 1, 0, false)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> builder.add(session("b", 1, 0, false))).isInstanceOf(IllegalStateException.class);
    }
}

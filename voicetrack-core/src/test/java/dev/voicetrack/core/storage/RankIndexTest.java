package dev.voicetrack.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RankIndexTest {

    private record Entry(long value, long user) {}

    private static final Comparator<Entry> ORDER =
            Comparator.comparingLong(Entry::value).reversed().thenComparingLong(Entry::user);

    /** Checks every position and a few pages of the index against a sorted copy. */
    private static void assertSameAs(RankIndex index, TreeSet<Entry> truth) {
        List<Entry> sorted = new ArrayList<>(truth);
        assertThat(index.size()).isEqualTo(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            Entry e = sorted.get(i);
            assertThat(index.positionOf(e.value(), e.user()))
                    .as("position of %s", e)
                    .isEqualTo(i);
        }
        List<Entry> all = new ArrayList<>();
        index.forRange(0, Integer.MAX_VALUE, (pos, v, u) -> {
            assertThat(pos).isEqualTo(all.size());
            all.add(new Entry(v, u));
        });
        assertThat(all).isEqualTo(sorted);
        int from = sorted.size() / 3;
        List<Entry> page = new ArrayList<>();
        index.forRange(from, 17, (pos, v, u) -> page.add(new Entry(v, u)));
        assertThat(page).isEqualTo(sorted.subList(from, Math.min(sorted.size(), from + 17)));
    }

    @Test
    void randomInsertsRemovesAndMoves_matchABruteForceSort() {
        var rnd = new SplittableRandom(1234);
        var index = new RankIndex();
        var truth = new TreeSet<>(ORDER);
        Map<Long, Long> valueOf = new HashMap<>();
        // Narrow value range: many ties, broken by user id. Enough entries for many block splits.
        for (int step = 0; step < 60_000; step++) {
            long user = 1 + rnd.nextInt(8_000);
            Long old = valueOf.get(user);
            int op = rnd.nextInt(10);
            if (old == null) {
                long v = rnd.nextLong(500);
                index.insert(v, user);
                truth.add(new Entry(v, user));
                valueOf.put(user, v);
            } else if (op == 0) {
                assertThat(index.remove(old, user)).isTrue();
                truth.remove(new Entry(old, user));
                valueOf.remove(user);
            } else {
                long v = old + rnd.nextLong(20); // values mostly grow, as XP does
                assertThat(index.remove(old, user)).isTrue();
                index.insert(v, user);
                truth.remove(new Entry(old, user));
                truth.add(new Entry(v, user));
                valueOf.put(user, v);
            }
            if (step % 15_000 == 0) {
                assertSameAs(index, truth);
            }
        }
        assertSameAs(index, truth);
        // absent entries
        assertThat(index.positionOf(-1, 1)).isEqualTo(-1);
        assertThat(index.remove(-1, 1)).isFalse();
        // drain it completely, checking along the way: exercises merging and dropping blocks
        var users = new ArrayList<>(valueOf.keySet());
        for (int i = 0; i < users.size(); i++) {
            long u = users.get(i);
            assertThat(index.remove(valueOf.get(u), u)).isTrue();
            truth.remove(new Entry(valueOf.get(u), u));
            if (i % 2_000 == 0) {
                assertSameAs(index, truth);
            }
        }
        assertThat(index.size()).isZero();
        index.insert(5, 5);
        assertThat(index.positionOf(5, 5)).isZero();
    }

    @Test
    void load_thenUpdates_matchABruteForceSort() {
        var rnd = new SplittableRandom(99);
        var truth = new TreeSet<>(ORDER);
        while (truth.size() < 5_000) {
            truth.add(new Entry(rnd.nextLong(1_000), 1 + rnd.nextLong(1_000_000)));
        }
        var sorted = new ArrayList<>(truth);
        long[] v = sorted.stream().mapToLong(Entry::value).toArray();
        long[] u = sorted.stream().mapToLong(Entry::user).toArray();
        var index = new RankIndex();
        index.load(v, u, v.length);
        assertSameAs(index, truth);
        for (int i = 0; i < 3_000; i++) {
            Entry e = sorted.get(rnd.nextInt(sorted.size()));
            if (truth.remove(e)) {
                index.remove(e.value(), e.user());
            }
            Entry n = new Entry(rnd.nextLong(Long.MAX_VALUE), 1 + rnd.nextLong(1_000_000));
            if (truth.add(n)) {
                index.insert(n.value(), n.user());
            }
        }
        assertSameAs(index, truth);
    }

    @Test
    void extremeValues_orderCorrectly() {
        var index = new RankIndex();
        index.insert(Long.MAX_VALUE, 2);
        index.insert(0, 1);
        index.insert(Long.MAX_VALUE, 1);
        index.insert(0, Long.MAX_VALUE);
        assertThat(index.positionOf(Long.MAX_VALUE, 1)).isZero();
        assertThat(index.positionOf(Long.MAX_VALUE, 2)).isEqualTo(1);
        assertThat(index.positionOf(0, 1)).isEqualTo(2);
        assertThat(index.positionOf(0, Long.MAX_VALUE)).isEqualTo(3);
    }
}

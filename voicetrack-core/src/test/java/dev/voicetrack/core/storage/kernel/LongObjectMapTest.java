package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {

    @Test
    void randomPutsAndRemoves_matchAHashMap() {
        var rnd = new SplittableRandom(5);
        var map = new LongObjectMap<String>();
        Map<Long, String> truth = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // small key space with colliding patterns (multiples of a power of two) and extremes
            long key =
                    switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextLong(3_000);
                        case 1 -> rnd.nextLong(3_000) << 32;
                        case 2 -> Long.MIN_VALUE + rnd.nextLong(50);
                        default -> Long.MAX_VALUE - rnd.nextLong(50);
                    };
            if (rnd.nextInt(3) == 0) {
                assertThat(map.remove(key)).isEqualTo(truth.remove(key));
            } else {
                String v = "v" + i;
                assertThat(map.put(key, v)).isEqualTo(truth.put(key, v));
            }
            if (i % 20_000 == 0) {
                for (var e : truth.entrySet()) {
                    assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
        assertThat(map.size()).isEqualTo(truth.size());
        for (var e : truth.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
        List<String> values = new ArrayList<>();
        map.forEachValue(values::add);
        assertThat(values).containsExactlyInAnyOrderElementsOf(truth.values());
        assertThat(map.get(123_456_789)).isNull();
        map.clear();
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.get(1)).isNull();
    }
}

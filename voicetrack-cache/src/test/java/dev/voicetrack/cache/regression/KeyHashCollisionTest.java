package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.Memoized;
import dev.voicetrack.cache.Memoized2;
import dev.voicetrack.cache.WriteOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anchor defect (Cache): "Decorator-built keys never match the invalidation patterns; 32-bit key
 * hashes collide; a global lock is held while loading, serialising every miss." This class covers
 * the hash collisions: memoized keys hold the arguments themselves, never a hash of them.
 */
class KeyHashCollisionTest {

    private final Cache<String> cache = InProcessCache.create(
            CacheConfig.builder().ticker(new ManualTicker()).build());
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void argumentsWithEqualHashCodes_getDistinctKeysAndTheirOwnValues() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Memoized<String, String> memo = Memoized.of(cache, "q", WriteOptions.defaults(), (String s) -> {
            loads.incrementAndGet();
            return "result for " + s;
        });
        assertThat(memo.key("Aa")).isNotEqualTo(memo.key("BB"));
        assertThat(memo.get("Aa")).isEqualTo("result for Aa");
        assertThat(memo.get("BB")).isEqualTo("result for BB");
        assertThat(memo.get("Aa")).isEqualTo("result for Aa");
        assertThat(loads).hasValue(2);

        memo.invalidate("Aa");
        assertThat(memo.getIfPresent("BB")).hasValue("result for BB");
    }

    @Test
    void manyCollidingArguments_neverShareAKey() {
        // Every string of n blocks, each "Aa" or "BB", has the same hash code: 2^n colliding strings.
        List<String> colliding = List.of("");
        for (int i = 0; i < 8; i++) {
            colliding = colliding.stream()
                    .flatMap(s -> java.util.stream.Stream.of(s + "Aa", s + "BB"))
                    .toList();
        }
        assertThat(colliding.stream().map(String::hashCode).distinct()).hasSize(1);
        Memoized<String, String> memo = Memoized.of(cache, "q", WriteOptions.defaults(), (String s) -> s);
        Set<String> keys = new HashSet<>();
        for (String s : colliding) {
            keys.add(memo.key(s));
            assertThat(memo.get(s)).isEqualTo(s);
        }
        assertThat(keys).hasSize(colliding.size());
        for (String s : colliding) {
            assertThat(memo.getIfPresent(s)).hasValue(s);
        }
    }

    @Test
    void twoArgumentKeys_withCollidingPairs_stayDistinct() {
        Memoized2<String, String, String> memo =
                Memoized2.of(cache, "pair", WriteOptions.defaults(), (String a, String b) -> a + "+" + b);
        assertThat(memo.get("Aa", "BB")).isEqualTo("Aa+BB");
        assertThat(memo.get("BB", "Aa")).isEqualTo("BB+Aa");
        assertThat(memo.get("AaBB", "")).isEqualTo("AaBB+");
        assertThat(memo.get("", "AaBB")).isEqualTo("+AaBB");
        assertThat(cache.keys(memo.pattern())).hasSize(4);
    }
}

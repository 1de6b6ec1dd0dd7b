package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.Memoized;
import dev.voicetrack.cache.Memoized2;
import dev.voicetrack.cache.WriteOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anchor defect (Cache): "Decorator-built keys never match the invalidation patterns; 32-bit key
 * hashes collide; a global lock is held while loading, serialising every miss." This class covers
 * the first clause; {@link KeyHashCollisionTest} and {@link NoGlobalLockOnMissTest} the others.
 *
 * <p>In the original, {@code @cached(key_prefix="user")} built {@code user:<args>} while {@code
 * @cache_invalidate("user::{user_id}::*")} removed {@code user::<id>::*}, so updates never evicted
 * anything. Here the key and the pattern come from the same object.
 */
class DecoratorKeysMatchInvalidationTest {

    private final Cache<String> cache = InProcessCache.create(
            CacheConfig.builder().ticker(new ManualTicker()).build());
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void invalidate_removesTheEntryGetWrote_soTheNextGetReloads() {
        Memoized<Long, String> profile =
                Memoized.of(cache, "user", WriteOptions.tier(CacheConfig.TIER_USER), (Long id) -> {
                    loads.incrementAndGet();
                    return "balance of " + id + " #" + loads.get();
                });
        assertThat(profile.get(123456L)).isEqualTo("balance of 123456 #1");
        assertThat(cache.keys(profile.pattern())).containsExactly(profile.key(123456L));
        assertThat(profile.invalidate(123456L)).isTrue();
        assertThat(profile.get(123456L)).isEqualTo("balance of 123456 #2");
    }

    @Test
    void invalidateAllOfFirstArgument_removesEveryEntryOfThatUserAndOnlyThose() {
        Memoized2<Long, Integer, String> orders =
                Memoized2.of(cache, "user_orders", WriteOptions.tier(CacheConfig.TIER_QUERY), (Long u, Integer p) -> {
                    loads.incrementAndGet();
                    return u + "/" + p;
                });
        for (int page = 0; page < 5; page++) {
            orders.get(123456L, page);
            orders.get(1234567L, page);
            orders.get(23456L, page);
        }
        assertThat(orders.invalidateAll(123456L)).isEqualTo(5);
        assertThat(cache.keys(orders.pattern(123456L))).isEmpty();
        assertThat(cache.keys(orders.pattern(1234567L))).hasSize(5);
        assertThat(cache.keys(orders.pattern(23456L))).hasSize(5);
        assertThat(cache.keys(orders.pattern())).hasSize(10);
    }

    @Test
    void argumentsContainingSeparatorOrGlobCharacters_cannotReachOtherKeys() {
        Memoized2<String, String, String> search =
                Memoized2.of(cache, "query", WriteOptions.defaults(), (String a, String b) -> a + "|" + b);
        List<String> firsts = List.of("1", "1:2", "*", "1*", "?", "[1]", "%", "%3A", "\\", "");
        for (String a : firsts) {
            for (String b : List.of("x", ":", "*")) {
                search.get(a, b);
            }
        }
        int total = firsts.size() * 3;
        assertThat(cache.keys(search.pattern())).hasSize(total);

        // Each first argument's invalidation removes its three entries, whatever characters it holds.
        int remaining = total;
        for (String a : firsts) {
            assertThat(search.invalidateAll(a)).as("invalidateAll(%s)", a).isEqualTo(3);
            remaining -= 3;
            assertThat(cache.keys(search.pattern())).hasSize(remaining);
            for (String other : firsts.subList(firsts.indexOf(a) + 1, firsts.size())) {
                assertThat(search.getIfPresent(other, "x"))
                        .as("%s survives %s", other, a)
                        .isPresent();
            }
        }
    }

    @Test
    void singleArgumentWithStar_removesOnlyItsOwnEntry() {
        Memoized<String, String> byName = Memoized.of(cache, "name", WriteOptions.defaults(), (String s) -> s);
        byName.get("*");
        byName.get("ann");
        byName.get("a:b");
        assertThat(byName.invalidate("*")).isTrue();
        assertThat(byName.getIfPresent("ann")).isPresent();
        assertThat(byName.getIfPresent("a:b")).isPresent();
        assertThat(byName.invalidate("a")).isFalse();
        assertThat(byName.getIfPresent("a:b")).isPresent();
    }

    @Test
    void twoFunctionsWithRelatedPrefixes_doNotInvalidateEachOther() {
        Memoized<Long, String> user = Memoized.of(cache, "user", WriteOptions.defaults(), (Long id) -> "u" + id);
        Memoized2<Long, String, String> userData =
                Memoized2.of(cache, "user_data", WriteOptions.defaults(), (Long id, String t) -> t + id);
        user.get(1L);
        userData.get(1L, "profile");
        assertThat(user.invalidateAll()).isEqualTo(1);
        assertThat(userData.getIfPresent(1L, "profile")).isPresent();
        assertThat(userData.invalidateAll()).isEqualTo(1);
    }
}

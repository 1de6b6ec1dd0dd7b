package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.Loader;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Part of {@link CacheContractTest}: the basic operation, naming, argument and TTL contracts. The suite is split over a chain of
 * classes by topic only so that each file stays readable; extend {@link CacheContractTest}, not this
 * class.
 */
public abstract class CacheEntryContract extends CacheContractSupport {
    /** get, getAll, put, delete, contains, clear. */
    @Nested
    public class Basics {

        @Test
        void name_isTheConfiguredName() {
            Cache<TestValue> named = cache(config().name("members").build());
            assertThat(named.name()).isEqualTo("members");
            assertThat(named.config().name()).isEqualTo("members");
            assertThat(named.stats().name()).isEqualTo("members");
        }

        @Test
        void get_missingKey_isEmpty() {
            assertThat(cache.get("nothing:here")).isEmpty();
        }

        @Test
        void put_thenGet_returnsTheValue() {
            cache.put("user:1", value("one"));
            assertThat(cache.get("user:1")).contains(value("one"));
        }

        @Test
        void put_existingKey_replacesTheValue() {
            cache.put("user:1", value("one"));
            cache.put("user:1", value("uno"));
            assertThat(cache.get("user:1")).contains(value("uno"));
            assertThat(cache.stats().size()).isEqualTo(1);
        }

        @Test
        void put_existingKey_replacesTheTags() {
            cache.put("user:1", value("one"), WriteOptions.tags("guild:1", "user:1"));
            cache.put("user:1", value("uno"), WriteOptions.tags("guild:2"));

            assertThat(cache.invalidateByTag("guild:1")).isZero();
            assertThat(cache.invalidateByTag("user:1")).isZero();
            assertThat(cache.get("user:1")).contains(value("uno"));
            assertThat(cache.invalidateByTag("guild:2")).isEqualTo(1);
            assertThat(cache.get("user:1")).isEmpty();
        }

        @Test
        void put_existingKey_replacesTheTtl() {
            Mark start = now();
            cache.put("user:1", value("one"), Duration.ofSeconds(1));
            cache.put("user:1", value("uno"), Duration.ofHours(1));
            passUntil(start, Duration.ofMinutes(59));
            assertThat(cache.get("user:1")).contains(value("uno"));
        }

        @Test
        void delete_existingKey_returnsTrueAndRemovesIt() {
            cache.put("user:1", value("one"));
            assertThat(cache.delete("user:1")).isTrue();
            assertThat(cache.get("user:1")).isEmpty();
            assertThat(cache.contains("user:1")).isFalse();
        }

        @Test
        void delete_missingKey_returnsFalse() {
            assertThat(cache.delete("user:1")).isFalse();
            cache.put("user:1", value("one"));
            cache.delete("user:1");
            assertThat(cache.delete("user:1")).isFalse();
        }

        @Test
        void delete_isLiteral_notAPattern() {
            cache.put("a*b", value("star"));
            cache.put("axb", value("x"));
            assertThat(cache.delete("a*")).isFalse();
            assertThat(cache.delete("a*b")).isTrue();
            assertThat(cache.get("axb")).contains(value("x"));
        }

        @Test
        void contains_reflectsWhetherAValueIsStored() {
            assertThat(cache.contains("user:1")).isFalse();
            cache.put("user:1", value("one"));
            assertThat(cache.contains("user:1")).isTrue();
            cache.delete("user:1");
            assertThat(cache.contains("user:1")).isFalse();
        }

        @Test
        void getAll_returnsPresentValues_andSkipsMissingKeys() {
            cache.put("a", value("A"));
            cache.put("c", value("C"));
            Map<String, TestValue> all = cache.getAll(List.of("a", "b", "c", "d"));
            assertThat(all).containsOnly(Map.entry("a", value("A")), Map.entry("c", value("C")));
        }

        @Test
        void getAll_resultIsUnmodifiable() {
            cache.put("a", value("A"));
            Map<String, TestValue> all = cache.getAll(List.of("a", "b"));
            assertThatThrownBy(() -> all.put("b", value("B"))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> all.remove("a")).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(all::clear).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void getAll_noKeys_returnsEmptyMap() {
            cache.put("a", value("A"));
            assertThat(cache.getAll(List.of())).isEmpty();
        }

        @Test
        void clear_removesEveryEntry() {
            for (int i = 0; i < 50; i++) {
                cache.put("k" + i, value("v" + i), WriteOptions.tags("t" + (i % 3)));
            }
            cache.clear();

            assertThat(cache.stats().size()).isZero();
            for (int i = 0; i < 50; i++) {
                assertThat(cache.get("k" + i)).as("k%d after clear", i).isEmpty();
            }
            assertThat(cache.keys("*")).isEmpty();
            assertThat(cache.invalidateByTag("t0")).isZero();
        }

        @Test
        void clear_thenPut_storesAgain() {
            cache.put("a", value("A"));
            cache.clear();
            cache.put("a", value("A2"));
            assertThat(cache.get("a")).contains(value("A2"));
        }
    }

    /**
     * Caches with different names on the same backend (one server, one key prefix) are separate: no
     * read, write or invalidation of one ever reaches the other.
     */
    @Nested
    public class Names {

        private Cache<TestValue> users;
        private Cache<TestValue> guilds;

        @BeforeEach
        void createTwoCaches() {
            users = cache(
                    config().name("users-" + CACHE_NUMBER.incrementAndGet()).build());
            guilds = cache(
                    config().name("guilds-" + CACHE_NUMBER.incrementAndGet()).build());
        }

        @Test
        void cachesWithDifferentNames_neverSeeEachOthersEntries() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));

            assertThat(guilds.get("42")).isEmpty();
            assertThat(guilds.contains("42")).isFalse();
            assertThat(guilds.getAll(List.of("42"))).isEmpty();
            assertThat(guilds.keys("*")).isEmpty();
            assertThat(guilds.stats().size()).isZero();
            assertThat(guilds.remember("42", Duration.ofMinutes(1), () -> value("guild")))
                    .isEqualTo(value("guild"));

            assertThat(users.get("42")).contains(value("user"));
            assertThat(guilds.get("42")).contains(value("guild"));
            assertThat(users.stats().size()).isEqualTo(1);
            assertThat(guilds.stats().size()).isEqualTo(1);
        }

        @Test
        void deleteInOneCache_neverTouchesTheOther() {
            users.put("42", value("user"));
            guilds.put("42", value("guild"));

            assertThat(guilds.delete("42")).isTrue();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(guilds.delete("42")).isFalse();
        }

        @Test
        void clearOfOneCache_neverTouchesTheOther() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));
            users.put("43", value("user2"));
            guilds.put("42", value("guild"), WriteOptions.tags("guild:7"));

            guilds.clear();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(users.get("43")).contains(value("user2"));
            assertThat(users.keys("*")).containsExactlyInAnyOrder("42", "43");
            assertThat(users.stats().size()).isEqualTo(2);
            assertThat(users.invalidateByTag("guild:7")).isEqualTo(1);
        }

        @Test
        void invalidateByTagOfOneCache_neverTouchesTheOther() {
            users.put("42", value("user"), WriteOptions.tags("guild:7"));
            guilds.put("7", value("guild"), WriteOptions.tags("guild:7"));

            assertThat(guilds.invalidateByTag("guild:7")).isEqualTo(1);
            assertThat(guilds.invalidateByTags(List.of("guild:7"))).isZero();

            assertThat(users.get("42")).contains(value("user"));
            assertThat(users.invalidateByTag("guild:7")).isEqualTo(1);
            assertThat(users.get("42")).isEmpty();
        }

        @Test
        void invalidateByPatternOfOneCache_neverTouchesTheOther() {
            users.put("user:1:42", value("user"));
            guilds.put("user:1:7", value("guild"));

            assertThat(guilds.invalidateByPattern("user:1:*")).isEqualTo(1);
            assertThat(guilds.keys("*")).isEmpty();

            assertThat(users.keys("user:*")).containsExactly("user:1:42");
            assertThat(users.get("user:1:42")).contains(value("user"));
        }
    }

    /** Nulls, empty keys and bad options are rejected, naming the argument, and store nothing. */
    @Nested
    public class Arguments {

        @Test
        void nullKey_isRejectedByEveryKeyedOperation_namingTheKey() {
            Loader<TestValue> loader = () -> value("x");
            List<Runnable> calls = List.of(
                    () -> cache.get(null),
                    () -> cache.put(null, value("x")),
                    () -> cache.put(null, value("x"), WriteOptions.defaults()),
                    () -> cache.delete(null),
                    () -> cache.contains(null),
                    () -> cache.remember(null, Duration.ofSeconds(1), loader),
                    () -> cache.rememberOptional(null, WriteOptions.defaults(), Optional::empty));
            for (int i = 0; i < calls.size(); i++) {
                assertThatThrownBy(calls.get(i)::run)
                        .as("call %d", i)
                        .isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("key");
            }
        }

        @Test
        void emptyKey_isRejectedByEveryKeyedOperation_namingTheKey() {
            Loader<TestValue> loader = () -> value("x");
            List<Runnable> calls = List.of(
                    () -> cache.get(""),
                    () -> cache.put("", value("x")),
                    () -> cache.delete(""),
                    () -> cache.contains(""),
                    () -> cache.remember("", Duration.ofSeconds(1), loader));
            for (int i = 0; i < calls.size(); i++) {
                assertThatThrownBy(calls.get(i)::run)
                        .as("call %d", i)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("key");
            }
            assertThat(cache.stats().size()).isZero();
        }

        @Test
        void nullValue_isRejectedNamingTheValue_andNothingIsStored() {
            assertThatThrownBy(() -> cache.put("a", null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("value");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void nullValue_doesNotRemoveTheStoredValue() {
            cache.put("a", value("A"));
            assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class);
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void nullOptions_isRejectedNamingTheOptions() {
            assertThatThrownBy(() -> cache.put("a", value("A"), (WriteOptions) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("options");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void nullTag_isRejectedNamingTheTag() {
            assertThatThrownBy(() -> cache.invalidateByTag(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
            assertThatThrownBy(() -> cache.invalidateByTags(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
            assertThatThrownBy(() -> cache.invalidateByTags(Arrays.asList("t", null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("tag");
        }

        @Test
        void nullPattern_isRejectedNamingThePattern() {
            assertThatThrownBy(() -> cache.invalidateByPattern(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pattern");
            assertThatThrownBy(() -> cache.keys(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pattern");
        }

        @Test
        void nullLoader_isRejectedNamingTheLoader() {
            assertThatThrownBy(() -> cache.remember("a", Duration.ofSeconds(1), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("loader");
            assertThatThrownBy(() -> cache.rememberOptional("a", WriteOptions.defaults(), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("loader");
        }

        @Test
        void getAll_nullCollectionOrNullKey_isRejected() {
            assertThatThrownBy(() -> cache.getAll(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("key");
            assertThatThrownBy(() -> cache.getAll(Arrays.asList("a", null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("key");
        }

        @Test
        void warm_nullEntries_isRejected() {
            assertThatThrownBy(() -> cache.warm(null)).isInstanceOf(NullPointerException.class);
        }
    }

    /** Default TTL, explicit TTLs, tiers. */
    @Nested
    public class Ttl {

        @Test
        void defaultTtl_entryLivesExactlyTheConfiguredDefault() {
            scenario(() -> {
                Cache<TestValue> c =
                        cache(config().defaultTtl(Duration.ofSeconds(10)).build());
                Mark start = now();
                c.put("a", value("A"));
                assertLivesExactly(c, "a", value("A"), start, Duration.ofSeconds(10));
            });
        }

        @Test
        void defaultConfiguration_entryLivesFiveMinutes() {
            scenario(() -> {
                Mark start = now();
                cache.put("a", value("A"));
                assertLivesExactly(cache, "a", value("A"), start, CacheConfig.DEFAULT_TTL);
            });
        }

        @Test
        void explicitTtl_overridesTheDefault() {
            scenario(() -> {
                Cache<TestValue> c =
                        cache(config().defaultTtl(Duration.ofSeconds(10)).build());
                Mark start = now();
                c.put("a", value("A"), Duration.ofSeconds(3));
                c.put("b", value("B"), Duration.ofSeconds(30));
                assertLivesExactly(c, "a", value("A"), start, Duration.ofSeconds(3));
                assertLivesExactly(c, "b", value("B"), start, Duration.ofSeconds(30));
            });
        }

        @Test
        void subSecondTtl_of250ms_isHonoured() {
            scenario(() -> {
                Mark start = now();
                cache.put("a", value("A"), Duration.ofMillis(250));
                assertLivesExactly(cache, "a", value("A"), start, Duration.ofMillis(250));
            });
        }

        @Test
        void rePut_resetsTheTtl() {
            scenario(() -> {
                cache.put("a", value("A"), Duration.ofSeconds(1));
                pass(Duration.ofMillis(600));
                Mark second = now();
                cache.put("a", value("A"), Duration.ofSeconds(1));
                assertLivesExactly(cache, "a", value("A"), second, Duration.ofSeconds(1));
            });
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    CacheConfig.TIER_CONFIG,
                    CacheConfig.TIER_REFERENCE,
                    CacheConfig.TIER_USER,
                    CacheConfig.TIER_QUERY
                })
        void defaultTier_entryLivesTheTiersDocumentedTtl(String tier) {
            scenario(() -> {
                Duration ttl = CacheConfig.DEFAULT_TIERS.get(tier);
                Mark start = now();
                cache.put("a", value("A"), WriteOptions.tier(tier));
                assertLivesExactly(cache, "a", value("A"), start, ttl);
            });
        }

        @Test
        void customisedTiers_entriesLiveTheirTiersTtl() {
            scenario(() -> {
                Cache<TestValue> c = cache(config().tierTtl(CacheConfig.TIER_USER, Duration.ofSeconds(2))
                        .tier("burst", Duration.ofMillis(300))
                        .build());
                Mark start = now();
                c.put("burst", value("B"), WriteOptions.tier("burst"));
                c.put("user", value("U"), WriteOptions.tier(CacheConfig.TIER_USER));
                assertLivesExactly(c, "burst", value("B"), start, Duration.ofMillis(300));
                assertLivesExactly(c, "user", value("U"), start, Duration.ofSeconds(2));
            });
        }

        @Test
        void unknownTier_isRejectedNamingTheTier_andNothingIsStored() {
            assertThatThrownBy(() -> cache.put("a", value("A"), WriteOptions.tier("nonesuch")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nonesuch");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void unknownTier_inRemember_isRejectedNamingTheTier() {
            assertThatThrownBy(() -> cache.remember("a", WriteOptions.tier("nonesuch"), () -> value("A")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nonesuch");
            assertThat(cache.contains("a")).isFalse();
        }

        @Test
        void remember_storesWithTheGivenTtl() {
            scenario(() -> {
                Mark start = now();
                cache.remember("a", Duration.ofSeconds(7), () -> value("A"));
                assertLivesExactly(cache, "a", value("A"), start, Duration.ofSeconds(7));
            });
        }

        @Test
        void expiredEntry_isAbsentFromGetAllContainsAndKeys() {
            cache.put("short", value("S"), Duration.ofSeconds(1));
            cache.put("long", value("L"), Duration.ofHours(1));
            pass(justAfter(Duration.ofSeconds(1)));

            assertThat(cache.contains("short")).isFalse();
            assertThat(cache.getAll(List.of("short", "long"))).containsOnlyKeys("long");
            assertThat(cache.keys("*")).containsExactly("long");
        }
    }
}

package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Part of {@link CacheContractTest}: the tag, pattern and value isolation contracts. The suite is split over a chain of
 * classes by topic only so that each file stays readable; extend {@link CacheContractTest}, not this
 * class.
 */
public abstract class CacheTagContract extends CacheEntryContract {
    /** Tags live exactly as long as their entries. */
    @Nested
    public class Tags {

        @Test
        void invalidateByTag_removesEveryEntryWithTheTag_andNothingElse() {
            cache.put("user:1:stats", value("1s"), WriteOptions.tags("guild:1"));
            cache.put("user:2:stats", value("2s"), WriteOptions.tags("guild:1"));
            cache.put("lb:1:xp", value("lb"), WriteOptions.tags("guild:1", "lb:1"));
            cache.put("user:3:stats", value("3s"), WriteOptions.tags("guild:2"));
            cache.put("plain", value("p"));

            assertThat(cache.invalidateByTag("guild:1")).isEqualTo(3);

            assertThat(cache.get("user:1:stats")).isEmpty();
            assertThat(cache.get("user:2:stats")).isEmpty();
            assertThat(cache.get("lb:1:xp")).isEmpty();
            assertThat(cache.get("user:3:stats")).contains(value("3s"));
            assertThat(cache.get("plain")).contains(value("p"));
        }

        @Test
        void invalidateByTag_unknownTag_returnsZero() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            assertThat(cache.invalidateByTag("other")).isZero();
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void invalidateByTag_twice_secondReturnsZero() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.invalidateByTag("t")).isZero();
        }

        @Test
        void entryWithSeveralTags_isRemovedByAnyOfThem_andOnlyOnce() {
            cache.put("a", value("A"), WriteOptions.tags("x", "y"));
            assertThat(cache.invalidateByTag("y")).isEqualTo(1);
            assertThat(cache.get("a")).isEmpty();
            assertThat(cache.invalidateByTag("x")).isZero();
        }

        @Test
        void invalidateByTags_removesEntriesCarryingAnyTag_countingEachOnce() {
            cache.put("only-x", value("1"), WriteOptions.tags("x"));
            cache.put("only-y", value("2"), WriteOptions.tags("y"));
            cache.put("both", value("3"), WriteOptions.tags("x", "y"));
            cache.put("z", value("4"), WriteOptions.tags("z"));
            cache.put("none", value("5"));

            assertThat(cache.invalidateByTags(List.of("x", "y"))).isEqualTo(3);

            assertThat(cache.keys("*")).containsExactlyInAnyOrder("z", "none");
        }

        @Test
        void invalidateByTags_noTags_removesNothing() {
            cache.put("a", value("A"), WriteOptions.tags("x"));
            assertThat(cache.invalidateByTags(List.of())).isZero();
            assertThat(cache.get("a")).contains(value("A"));
        }

        @Test
        void invalidateByTags_emptyCollection_removesNothingOfAnyTag() {
            cache.put("a", value("A"), WriteOptions.tags("x"));
            cache.put("b", value("B"), WriteOptions.tags("y", "z"));
            assertThat(cache.invalidateByTags(Set.of())).isZero();
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("a", "b");
            assertThat(cache.invalidateByTag("y")).isEqualTo(1);
        }

        @Test
        void invalidateByTags_blankTag_isRejectedNamingIt_andNothingIsInvalidated() {
            cache.put("a", value("A"), WriteOptions.tags("x"));
            cache.put("b", value("B"), WriteOptions.tags("y"));

            assertThatThrownBy(() -> cache.invalidateByTags(List.of("x", "  ", "y")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tag")
                    .hasMessageContaining("'  '");

            assertThat(cache.get("a")).contains(value("A"));
            assertThat(cache.get("b")).contains(value("B"));
            assertThat(cache.invalidateByTags(List.of("x", "y"))).isEqualTo(2);
        }

        /** A tick's batch: many guild tags at once, a tag given twice, entries of other guilds untouched. */
        @Test
        void invalidateByTags_manyTags_removeTheirEntriesOnlyAndCountEachOnce() {
            List<String> batch = new ArrayList<>();
            for (int g = 0; g < 40; g++) {
                String tag = CacheKeys.key("guild", g);
                cache.put(CacheKeys.key("user", g, 1), value("u" + g), WriteOptions.tags(tag));
                cache.put(CacheKeys.key("lb", g), value("lb" + g), WriteOptions.tags(tag, CacheKeys.key("lb", g)));
                if (g % 2 == 0) {
                    batch.add(tag);
                }
            }
            batch.add(CacheKeys.key("guild", 0)); // given twice
            batch.add("guild:no-such"); // carried by nothing

            assertThat(cache.invalidateByTags(batch)).isEqualTo(40);

            for (int g = 0; g < 40; g++) {
                boolean kept = g % 2 == 1;
                assertThat(cache.contains(CacheKeys.key("user", g, 1)))
                        .as("user of guild %d", g)
                        .isEqualTo(kept);
                assertThat(cache.contains(CacheKeys.key("lb", g)))
                        .as("lb of guild %d", g)
                        .isEqualTo(kept);
            }
            // the removed entries left the sets of their other tags too
            assertThat(cache.invalidateByTag(CacheKeys.key("lb", 0))).isZero();
            assertThat(cache.invalidateByTags(List.of(CacheKeys.key("lb", 1), CacheKeys.key("guild", 3))))
                    .isEqualTo(3);
            assertThat(cache.keys("*")).hasSize(37);
        }

        @Test
        void rePutWithoutTheTag_dropsTheKeyFromTheTag() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            cache.put("a", value("A2"));
            assertThat(cache.invalidateByTag("t")).isZero();
            assertThat(cache.get("a")).contains(value("A2"));
        }

        @Test
        void expiredEntry_invalidatingItsTag_returnsZero() {
            cache.put("a", value("A"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.invalidateByTag("t")).isZero();
        }

        @Test
        void expiredEntry_invalidatingItsTag_sparesANewerUntaggedEntryUnderTheSameKey() {
            cache.put("a", value("old"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(justAfter(Duration.ofSeconds(1)));
            cache.put("a", value("new"), Duration.ofHours(1));

            assertThat(cache.invalidateByTag("t")).isZero();
            assertThat(cache.get("a")).contains(value("new"));
        }

        /** Anchor defect: tag sets got their TTL reset by each write, so long-lived entries escaped. */
        @Test
        void longLivedEntry_remainsInvalidatable_afterShortLivedEntriesWithTheTagExpire() {
            cache.put("long", value("L"), WriteOptions.ttl(Duration.ofHours(1)).withTags("t"));
            pass(Duration.ofMinutes(30));
            cache.put(
                    "short", value("S"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            pass(Duration.ofMinutes(20));

            assertThat(cache.get("short")).isEmpty();
            assertThat(cache.get("long")).contains(value("L"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.get("long")).isEmpty();
        }

        @Test
        void entriesWithDifferentTtls_sharingATag_expireIndependently() {
            cache.put("a", value("A"), WriteOptions.ttl(Duration.ofSeconds(1)).withTags("t"));
            cache.put("b", value("B"), WriteOptions.ttl(Duration.ofSeconds(10)).withTags("t"));
            cache.put("c", value("C"), WriteOptions.ttl(Duration.ofSeconds(100)).withTags("t"));
            pass(Duration.ofSeconds(5));

            assertThat(cache.get("a")).isEmpty();
            assertThat(cache.get("b")).contains(value("B"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(2);
            assertThat(cache.get("b")).isEmpty();
            assertThat(cache.get("c")).isEmpty();
        }

        @Test
        void remember_tagsTheLoadedEntry() {
            cache.remember("a", WriteOptions.tags("t"), () -> value("A"));
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
            assertThat(cache.get("a")).isEmpty();
        }

        @Test
        void deletedEntry_isNoLongerCountedByItsTag() {
            cache.put("a", value("A"), WriteOptions.tags("t"));
            cache.put("b", value("B"), WriteOptions.tags("t"));
            cache.delete("a");
            assertThat(cache.invalidateByTag("t")).isEqualTo(1);
        }
    }

    /** Glob patterns select exactly the matching keys. */
    @Nested
    public class Patterns {

        @Test
        void prefixPattern_removesExactlyTheKeysUnderThePrefix() {
            for (String key :
                    List.of("user:123:a", "user:123:b", "user:123:c:d", "user:1234:x", "user:12:x", "user:123")) {
                cache.put(key, value(key));
            }

            assertThat(cache.invalidateByPattern("user:123:*")).isEqualTo(3);

            assertThat(cache.keys("*")).containsExactlyInAnyOrder("user:1234:x", "user:12:x", "user:123");
        }

        @Test
        void questionMark_matchesExactlyOneCharacter() {
            for (String key : List.of("item:1", "item:2", "item:10", "item:")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("item:?")).containsExactlyInAnyOrder("item:1", "item:2");
            assertThat(cache.invalidateByPattern("item:?")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("item:10", "item:");
        }

        @Test
        void characterClass_matchesOneOfTheSet() {
            for (String key : List.of("k:a", "k:b", "k:c", "k:ab")) {
                cache.put(key, value(key));
            }
            assertThat(cache.invalidateByPattern("k:[ab]")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("k:c", "k:ab");
        }

        @Test
        void negatedClass_matchesAnyCharacterButTheSet() {
            for (String key : List.of("k:a", "k:b", "k:c")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("k:[^a]")).containsExactlyInAnyOrder("k:b", "k:c");
            assertThat(cache.invalidateByPattern("k:[^a]")).isEqualTo(2);
            assertThat(cache.keys("*")).containsExactly("k:a");
        }

        @Test
        void range_matchesCharactersInTheRange() {
            for (String key : List.of("v1", "v5", "v9", "vx")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("v[1-5]")).containsExactlyInAnyOrder("v1", "v5");
        }

        @Test
        void escapedMetacharacters_matchLiterally() {
            for (String key : List.of("lit:*star", "lit:xstar", "q?", "qx", "[x]", "x")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("lit:\\*star")).containsExactly("lit:*star");
            assertThat(cache.keys("q\\?")).containsExactly("q?");
            assertThat(cache.keys(KeyPattern.escape("[x]"))).containsExactly("[x]");
            assertThat(cache.invalidateByPattern("lit:\\*star")).isEqualTo(1);
            assertThat(cache.get("lit:xstar")).contains(value("lit:xstar"));
        }

        @Test
        void cacheKeysPrefixPattern_matchesOnlyKeysBuiltFromThoseParts() {
            String mine = CacheKeys.key("user", 123, "a*b");
            String mineToo = CacheKeys.key("user", 123, "stats", 7);
            String other = CacheKeys.key("user", 1234, "a");
            String tricky = CacheKeys.key("user", "123*", "a");
            for (String key : List.of(mine, mineToo, other, tricky)) {
                cache.put(key, value(key));
            }
            assertThat(cache.invalidateByPattern(CacheKeys.prefixPattern("user", 123)))
                    .isEqualTo(2);
            assertThat(cache.keys("*")).containsExactlyInAnyOrder(other, tricky);
        }

        @Test
        void keys_listsExactlyTheMatchingKeys_withoutRemovingThem() {
            for (String key : List.of("a:1", "a:2", "b:1")) {
                cache.put(key, value(key));
            }
            assertThat(cache.keys("a:*")).containsExactlyInAnyOrder("a:1", "a:2");
            assertThat(cache.keys("*")).containsExactlyInAnyOrder("a:1", "a:2", "b:1");
            assertThat(cache.keys("c:*")).isEmpty();
            assertThat(cache.stats().size()).isEqualTo(3);
        }

        @Test
        void invalidateByPattern_countsOnlyLiveEntries() {
            cache.put("a:1", value("1"), Duration.ofSeconds(1));
            cache.put("a:2", value("2"), Duration.ofHours(1));
            pass(justAfter(Duration.ofSeconds(1)));
            assertThat(cache.keys("a:*")).containsExactly("a:2");
            assertThat(cache.invalidateByPattern("a:*")).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "user:[abc", "user:\\"})
        void malformedPattern_isRejected_andNothingIsRemoved(String pattern) {
            cache.put("user:a", value("a"));
            assertThatThrownBy(() -> cache.invalidateByPattern(pattern)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.keys(pattern)).isInstanceOf(IllegalArgumentException.class);
            assertThat(cache.get("user:a")).contains(value("a"));
        }
    }

    /** Nothing a caller does to what it passed in or got back changes what the cache holds. */
    @Nested
    public class Isolation {

        @Test
        void mutatingTheListOfAReturnedValue_neverChangesTheCache() {
            cache.put("a", TestValue.of("A", 1, "x", "y"));
            List<String> items = cache.get("a").orElseThrow().items();
            Throwable thrown = catchThrowable(() -> items.add("z"));
            if (thrown == null) {
                assertThat(cache.get("a").orElseThrow().items()).containsExactly("x", "y");
            } else {
                assertThat(thrown).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThat(cache.get("a")).contains(TestValue.of("A", 1, "x", "y"));
        }

        @Test
        void leakyValue_isRejectedAtPut_unlessTheRuleCopies_thenIsolatedFromTheCallersList() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            List<String> callers = new ArrayList<>(List.of("x", "y"));
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", callers)));
            if (!acceptsMutableValues()) {
                assertThat(thrown)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'a'")
                        .hasMessageContaining(ArrayList.class.getName());
                assertThat(leaky.contains("a")).isFalse();
                assertThat(leaky.get("a")).isEmpty();
            } else {
                assertThat(thrown).isNull();
                callers.add("z");
                callers.set(0, "changed");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x", "y");
            }
        }

        @Test
        void leakyValue_mutatingTheReturnedList_neverChangesTheCache() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", new ArrayList<>(List.of("x")))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
                return;
            }
            assertThat(thrown).isNull();
            List<String> returned = leaky.get("a").orElseThrow().items();
            Throwable mutation = catchThrowable(() -> returned.add("y"));
            assertThat(mutation).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t)
                    .isInstanceOf(UnsupportedOperationException.class));
            assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
        }

        @Test
        void leakyValue_rejectedPut_keepsTheValueStoredBefore() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            LeakyValue safe = new LeakyValue("safe", List.of("s"));
            leaky.put("a", safe);
            List<String> callers = new ArrayList<>(List.of("x"));
            Throwable thrown = catchThrowable(() -> leaky.put("a", new LeakyValue("A", callers)));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.get("a")).contains(safe);
            } else {
                assertThat(thrown).isNull();
                callers.add("y");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void leakyValue_warm_isRejectedUnlessTheRuleCopies() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            List<String> callers = new ArrayList<>(List.of("x"));
            Throwable thrown =
                    catchThrowable(() -> leaky.warm(List.of(CacheEntry.of("a", new LeakyValue("A", callers)))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
            } else {
                assertThat(thrown).isNull();
                callers.add("y");
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void leakyValueFromALoader_isRejectedUnlessTheRuleCopies_andNothingIsStored() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            Throwable thrown = catchThrowable(() -> leaky.remember(
                    "a", Duration.ofMinutes(1), () -> new LeakyValue("A", new ArrayList<>(List.of("x")))));
            if (!acceptsMutableValues()) {
                assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
                assertThat(leaky.contains("a")).isFalse();
                assertThat(leaky.stats().loadFailures()).isEqualTo(1);
            } else {
                assertThat(thrown).isNull();
                assertThat(leaky.get("a").orElseThrow().items()).containsExactly("x");
            }
        }

        @Test
        void immutableValueHoldingAnUnmodifiableList_isAcceptedByEveryRule() {
            Cache<LeakyValue> leaky = leakyValueCache(config().build());
            leaky.put("a", new LeakyValue("A", List.of("x", "y")));
            assertThat(leaky.get("a")).contains(new LeakyValue("A", List.of("x", "y")));
        }
    }
}

package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoizedTest {

    private final ManualTicker ticker = new ManualTicker();
    private final Cache<String> cache =
            InProcessCache.create(CacheConfig.builder().ticker(ticker).build());
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void close() {
        cache.close();
    }

    private Memoized<Long, String> profiles() {
        return Memoized.of(cache, "profile", WriteOptions.tier(CacheConfig.TIER_USER), (Long id) -> {
            calls.incrementAndGet();
            return "profile-" + id;
        });
    }

    @Test
    void get_runsTheFunctionOnceAndThenServesFromTheCache() {
        Memoized<Long, String> memo = profiles();
        assertThat(memo.get(1L)).isEqualTo("profile-1");
        assertThat(memo.get(1L)).isEqualTo("profile-1");
        assertThat(memo.get(2L)).isEqualTo("profile-2");
        assertThat(calls).hasValue(2);
        assertThat(cache.get("profile:1")).hasValue("profile-1");
        assertThat(memo.getIfPresent(2L)).hasValue("profile-2");
        assertThat(memo.getIfPresent(3L)).isEmpty();
        assertThat(calls).hasValue(2);
    }

    @Test
    void key_isPrefixColonEncodedArgument() {
        Memoized<Object, String> memo = Memoized.of(cache, "q", WriteOptions.defaults(), a -> "v");
        assertThat(memo.key(123L)).isEqualTo("q:123");
        assertThat(memo.key("a:b*c")).isEqualTo("q:a%3Ab%2Ac");
        assertThat(memo.pattern()).isEqualTo("q:*");
        assertThat(memo.prefix()).isEqualTo("q");
        assertThat(memo.cache()).isSameAs(cache);
        assertThat(memo.toString()).contains("q");
    }

    @Test
    void tierTtl_expiresTheResult() {
        Memoized<Long, String> memo = profiles();
        memo.get(1L);
        ticker.advance(Duration.ofMinutes(59));
        memo.get(1L);
        assertThat(calls).hasValue(1);
        ticker.advance(Duration.ofMinutes(2));
        memo.get(1L);
        assertThat(calls).hasValue(2);
    }

    @Test
    void explicitTtl_expiresTheResult() {
        Memoized<String, String> memo =
                Memoized.of(cache, "q", WriteOptions.ttl(Duration.ofSeconds(10)), (String a) -> {
                    calls.incrementAndGet();
                    return a;
                });
        memo.get("x");
        ticker.advance(Duration.ofSeconds(11));
        memo.get("x");
        assertThat(calls).hasValue(2);
    }

    @Test
    void invalidate_removesExactlyThatArgument() {
        Memoized<Long, String> memo = profiles();
        memo.get(1L);
        memo.get(12L);
        assertThat(memo.invalidate(1L)).isTrue();
        assertThat(memo.invalidate(1L)).isFalse();
        assertThat(memo.getIfPresent(1L)).isEmpty();
        assertThat(memo.getIfPresent(12L)).hasValue("profile-12");
        memo.get(1L);
        assertThat(calls).hasValue(3);
    }

    @Test
    void invalidateAll_removesEveryResultOfThisFunctionAndNothingElse() {
        Memoized<Long, String> memo = profiles();
        Memoized<Long, String> other = Memoized.of(cache, "profiles", WriteOptions.defaults(), (Long id) -> "o" + id);
        memo.get(1L);
        memo.get(2L);
        other.get(1L);
        cache.put("profile", "a key equal to the prefix is not under it");
        assertThat(memo.invalidateAll()).isEqualTo(2);
        assertThat(memo.getIfPresent(1L)).isEmpty();
        assertThat(other.getIfPresent(1L)).hasValue("o1");
        assertThat(cache.get("profile")).isPresent();
    }

    @Test
    void tagFunction_tagsEachEntryWithItsArgumentsTags() {
        Memoized<Long, String> memo = Memoized.of(
                cache,
                "profile",
                WriteOptions.tier(CacheConfig.TIER_USER).withTags("profiles"),
                (Long id) -> List.of("user:" + id),
                (Long id) -> "p" + id);
        memo.get(1L);
        memo.get(2L);
        assertThat(cache.invalidateByTag("user:1")).isEqualTo(1);
        assertThat(memo.getIfPresent(1L)).isEmpty();
        assertThat(memo.getIfPresent(2L)).isPresent();
        assertThat(cache.invalidateByTag("profiles")).isEqualTo(1);
        assertThat(memo.getIfPresent(2L)).isEmpty();
    }

    @Test
    void tagFunction_blankTagIsRejectedAndNothingIsCached() {
        Memoized<Long, String> memo =
                Memoized.of(cache, "p", WriteOptions.defaults(), (Long id) -> List.of(" "), (Long id) -> "v");
        assertThatThrownBy(() -> memo.get(1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tag");
        assertThat(memo.getIfPresent(1L)).isEmpty();
    }

    @Test
    void checkedFailure_isWrappedAndNothingIsCached() {
        Memoized<Long, String> memo = Memoized.of(cache, "p", WriteOptions.defaults(), (Long id) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("db down");
            }
            return "ok";
        });
        assertThatThrownBy(() -> memo.get(1L))
                .isInstanceOf(CacheLoadException.class)
                .hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("p:1");
        assertThat(memo.getIfPresent(1L)).isEmpty();
        assertThat(memo.get(1L)).isEqualTo("ok");
        assertThat(calls).hasValue(2);
    }

    @Test
    void uncheckedFailure_reachesTheCallerUnwrapped() {
        Memoized<Long, String> memo = Memoized.of(cache, "p", WriteOptions.defaults(), (Long id) -> {
            throw new IllegalStateException("bad id " + id);
        });
        assertThatThrownBy(() -> memo.get(7L))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bad id 7");
    }

    @Test
    void nullResult_isRejectedNamingTheKey() {
        Memoized<Long, String> memo = Memoized.of(cache, "p", WriteOptions.defaults(), (Long id) -> null);
        assertThatThrownBy(() -> memo.get(1L))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("p:1");
        assertThat(memo.getIfPresent(1L)).isEmpty();
    }

    @Test
    void nullArgument_isRejected() {
        Memoized<Long, String> memo = profiles();
        assertThatThrownBy(() -> memo.get(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("argument");
        assertThatThrownBy(() -> memo.invalidate(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void badPrefix_isRejectedNamingFieldAndValue() {
        for (String bad : List.of("", " ", "user:profile", "user*", "us?r", "u[1]", "u%", "u\\x", "a]")) {
            assertThatThrownBy(() -> Memoized.of(cache, bad, WriteOptions.defaults(), (Long a) -> "v"))
                    .as("prefix '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix")
                    .hasMessageContaining("'" + bad + "'");
            assertThatThrownBy(() -> Memoized2.of(cache, bad, WriteOptions.defaults(), (Long a, Long b) -> "v"))
                    .as("prefix '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix")
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Memoized.of(cache, null, WriteOptions.defaults(), (Long a) -> "v"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("prefix");
    }

    @Test
    void unknownTier_isRejectedWhenBuilt() {
        assertThatThrownBy(() -> Memoized.of(cache, "p", WriteOptions.tier("weekly"), (Long a) -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("'weekly'");
        assertThatThrownBy(() -> Memoized2.of(cache, "p", WriteOptions.tier("weekly"), (Long a, Long b) -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'weekly'");
    }

    @Test
    void nullCacheOptionsOrFunction_areRejected() {
        assertThatThrownBy(() -> Memoized.of(null, "p", WriteOptions.defaults(), (Long a) -> "v"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cache");
        assertThatThrownBy(() -> Memoized.of(cache, "p", null, (Long a) -> "v"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> Memoized.<Long, String>of(cache, "p", WriteOptions.defaults(), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("function");
    }

    @Test
    void memoized2_keysAndInvalidationByFirstArgument() {
        Memoized2<Long, Integer, String> history =
                Memoized2.of(cache, "history", WriteOptions.tier(CacheConfig.TIER_QUERY), (Long user, Integer page) -> {
                    calls.incrementAndGet();
                    return user + "/" + page;
                });
        assertThat(history.key(1L, 2)).isEqualTo("history:1:2");
        assertThat(history.pattern(1L)).isEqualTo("history:1:*");
        assertThat(history.pattern()).isEqualTo("history:*");
        for (long user = 1; user <= 3; user++) {
            for (int page = 0; page < 4; page++) {
                assertThat(history.get(user, page)).isEqualTo(user + "/" + page);
            }
        }
        history.get(1L, 0);
        assertThat(calls).hasValue(12);

        assertThat(history.invalidateAll(1L)).isEqualTo(4);
        assertThat(history.getIfPresent(1L, 0)).isEmpty();
        assertThat(history.getIfPresent(11L, 0)).isEmpty();
        assertThat(history.getIfPresent(2L, 0)).hasValue("2/0");

        assertThat(history.invalidate(2L, 3)).isTrue();
        assertThat(history.getIfPresent(2L, 3)).isEmpty();
        assertThat(history.getIfPresent(2L, 2)).isPresent();

        assertThat(history.invalidateAll()).isEqualTo(7);
        assertThat(cache.keys("*")).isEmpty();
    }

    @Test
    void memoized2_tagFunctionAndFailures() {
        Memoized2<Long, Long, String> member = Memoized2.of(
                cache,
                "member",
                WriteOptions.defaults(),
                (Long guild, Long user) -> List.of("guild:" + guild, "user:" + guild + ":" + user),
                (Long guild, Long user) -> {
                    if (user < 0) {
                        throw new IOException("no such user " + user);
                    }
                    return guild + ":" + user;
                });
        member.get(1L, 10L);
        member.get(1L, 11L);
        member.get(2L, 10L);
        assertThat(cache.invalidateByTag("user:1:10")).isEqualTo(1);
        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(1);
        assertThat(member.getIfPresent(2L, 10L)).hasValue("2:10");
        assertThatThrownBy(() -> member.get(1L, -1L))
                .isInstanceOf(CacheLoadException.class)
                .hasRootCauseMessage("no such user -1");
        assertThatThrownBy(() -> member.get(null, 1L))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("first argument");
        assertThatThrownBy(() -> member.get(1L, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("second argument");
    }
}

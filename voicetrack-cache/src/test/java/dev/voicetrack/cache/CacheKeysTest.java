package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CacheKeysTest {

    @Test
    void key_joinsPartsWithColons() {
        assertThat(CacheKeys.key("user", 123, 456L)).isEqualTo("user:123:456");
        assertThat(CacheKeys.key("config")).isEqualTo("config");
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(CacheKeys.key("s", id)).isEqualTo("s:123e4567-e89b-12d3-a456-426614174000");
    }

    @Test
    void key_encodesSeparatorPercentAndGlobMetacharacters() {
        assertThat(CacheKeys.part(":")).isEqualTo("%3A");
        assertThat(CacheKeys.part("%")).isEqualTo("%25");
        assertThat(CacheKeys.part("*")).isEqualTo("%2A");
        assertThat(CacheKeys.part("?")).isEqualTo("%3F");
        assertThat(CacheKeys.part("[")).isEqualTo("%5B");
        assertThat(CacheKeys.part("]")).isEqualTo("%5D");
        assertThat(CacheKeys.part("\\")).isEqualTo("%5C");
        assertThat(CacheKeys.key("q", "a:b*c%d")).isEqualTo("q:a%3Ab%2Ac%25d");
        assertThat(CacheKeys.part("plain-text_ok.1")).isEqualTo("plain-text_ok.1");
    }

    @Test
    void key_isInjective_percentIsEncodedSoEncodedLookalikesDiffer() {
        // "%3A" typed literally must not become the same key as ":".
        assertThat(CacheKeys.key("p", ":")).isNotEqualTo(CacheKeys.key("p", "%3A"));
        assertThat(CacheKeys.key("p", "a:b")).isNotEqualTo(CacheKeys.key("p", "a", "b"));
    }

    @Test
    void key_rejectsNoPartsAndNullParts() {
        assertThatThrownBy(CacheKeys::key)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one part");
        assertThatThrownBy(() -> CacheKeys.key("user", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key part 1");
        assertThatThrownBy(() -> CacheKeys.key((Object[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("parts");
    }

    @Test
    void prefixPattern_endsWithSeparatorAndStar() {
        assertThat(CacheKeys.prefixPattern("user", 123)).isEqualTo("user:123:*");
        assertThat(CacheKeys.prefixPattern("user")).isEqualTo("user:*");
        KeyPattern p = KeyPattern.compile(CacheKeys.prefixPattern("user", "a*b"));
        assertThat(p.isPrefixOnly()).isTrue();
        assertThat(p.literalPrefix()).isEqualTo("user:a%2Ab:");
    }

    @Test
    void prefixPattern_matchesExactlyTheKeysBuiltFromThoseParts() {
        List<Object> args = List.of("1", "12", "a:b", "a", "b", "*", "?", "%", "%3A", "[x]", "\\", "a*", "", 7L);
        for (Object first : args) {
            KeyPattern pattern = KeyPattern.compile(CacheKeys.prefixPattern("user", first));
            for (Object other : args) {
                for (Object second : args) {
                    String key = CacheKeys.key("user", other, second);
                    assertThat(pattern.matches(key))
                            .as("pattern %s against key %s", pattern, key)
                            .isEqualTo(other.equals(first));
                }
                // A key with no part after the prefix is not "under" it, and neither is the prefix
                // key of another function that merely starts with the same letters.
                assertThat(pattern.matches(CacheKeys.key("user", other))).isFalse();
                assertThat(pattern.matches(CacheKeys.key("users", first, other)))
                        .isFalse();
            }
        }
    }

    @Test
    void prefixPattern_ofSingleArgumentMatchesEveryKeyOfThatPrefixOnly() {
        KeyPattern all = KeyPattern.compile(CacheKeys.prefixPattern("user"));
        var keys = new ArrayList<String>();
        for (Object a : List.of("1", ":", "*", "%", "x:y*z")) {
            keys.add(CacheKeys.key("user", a));
        }
        assertThat(keys).allMatch(all::matches);
        assertThat(all.matches(CacheKeys.key("user2", "1"))).isFalse();
        assertThat(all.matches(CacheKeys.key("use", "r:1"))).isFalse();
    }

    @Test
    void keyOfArgumentWithGlobCharacters_isMatchedLiterallyByAnExactPattern() {
        String key = CacheKeys.key("q", "*");
        KeyPattern exact = KeyPattern.compile(key);
        assertThat(exact.isExact()).isTrue();
        assertThat(exact.matches(key)).isTrue();
        assertThat(exact.matches(CacheKeys.key("q", "x"))).isFalse();
    }
}

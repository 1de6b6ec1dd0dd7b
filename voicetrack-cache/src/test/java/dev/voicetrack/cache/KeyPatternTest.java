package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyPatternTest {

    @Test
    void literalPrefix_isTheTextBeforeTheFirstWildcard() {
        assertThat(KeyPattern.compile("user:123:*").literalPrefix()).isEqualTo("user:123:");
        assertThat(KeyPattern.compile("user:?3").literalPrefix()).isEqualTo("user:");
        assertThat(KeyPattern.compile("lb[0-9]:x").literalPrefix()).isEqualTo("lb");
        assertThat(KeyPattern.compile("*tail").literalPrefix()).isEmpty();
        assertThat(KeyPattern.compile("a\\*b*").literalPrefix()).isEqualTo("a*b");
    }

    @Test
    void isExact_onlyWithoutWildcards() {
        assertThat(KeyPattern.compile("user:1").isExact()).isTrue();
        assertThat(KeyPattern.compile("user:\\*").isExact()).isTrue();
        assertThat(KeyPattern.compile("user:\\*").literalPrefix()).isEqualTo("user:*");
        assertThat(KeyPattern.compile("user:*").isExact()).isFalse();
        assertThat(KeyPattern.compile("user:?").isExact()).isFalse();
        assertThat(KeyPattern.compile("user:[1]").isExact()).isFalse();
    }

    @Test
    void isPrefixOnly_forLiteralThenOneTrailingStar() {
        assertThat(KeyPattern.compile("user:*").isPrefixOnly()).isTrue();
        assertThat(KeyPattern.compile("*").isPrefixOnly()).isTrue();
        assertThat(KeyPattern.compile("user:**").isPrefixOnly()).isTrue();
        assertThat(KeyPattern.compile("user\\*:*").isPrefixOnly()).isTrue();
        assertThat(KeyPattern.compile("user:*:x").isPrefixOnly()).isFalse();
        assertThat(KeyPattern.compile("user:?*").isPrefixOnly()).isFalse();
        assertThat(KeyPattern.compile("user:1").isPrefixOnly()).isFalse();
        assertThat(KeyPattern.compile("*a*").isPrefixOnly()).isFalse();
    }

    @Test
    void exactPattern_matchesOnlyItself() {
        KeyPattern p = KeyPattern.compile("user:1");
        assertThat(p.matches("user:1")).isTrue();
        assertThat(p.matches("user:12")).isFalse();
        assertThat(p.matches("user:")).isFalse();
        assertThat(p.matches("xuser:1")).isFalse();
    }

    @Test
    void star_matchesAnyRunIncludingEmpty() {
        KeyPattern p = KeyPattern.compile("user:*");
        assertThat(p.matches("user:")).isTrue();
        assertThat(p.matches("user:1")).isTrue();
        assertThat(p.matches("user:1:profile")).isTrue();
        assertThat(p.matches("user")).isFalse();
        assertThat(p.matches("users:1")).isFalse();
        assertThat(KeyPattern.compile("*").matches("")).isTrue();
        assertThat(KeyPattern.compile("*").matches("anything:at:all")).isTrue();
    }

    @Test
    void starsAtBothEnds_matchContainment() {
        KeyPattern p = KeyPattern.compile("*:lb:*");
        assertThat(p.matches("g1:lb:xp")).isTrue();
        assertThat(p.matches(":lb:")).isTrue();
        assertThat(p.matches("g1:lbx:xp")).isFalse();
        assertThat(p.matches("lb:")).isFalse();
    }

    @Test
    void starInTheMiddle_backtracks() {
        KeyPattern p = KeyPattern.compile("a*b*c");
        assertThat(p.matches("abc")).isTrue();
        assertThat(p.matches("axxbyyc")).isTrue();
        assertThat(p.matches("abcbc")).isTrue();
        assertThat(p.matches("abcb")).isFalse();
        assertThat(p.matches("acb")).isFalse();
    }

    @Test
    void questionMark_matchesExactlyOneCharacter() {
        KeyPattern p = KeyPattern.compile("page:?");
        assertThat(p.matches("page:1")).isTrue();
        assertThat(p.matches("page::")).isTrue();
        assertThat(p.matches("page:")).isFalse();
        assertThat(p.matches("page:12")).isFalse();
    }

    @Test
    void characterClass_matchesOneOfTheSet() {
        KeyPattern p = KeyPattern.compile("h[ae]llo");
        assertThat(p.matches("hallo")).isTrue();
        assertThat(p.matches("hello")).isTrue();
        assertThat(p.matches("hillo")).isFalse();
        assertThat(p.matches("hllo")).isFalse();
    }

    @Test
    void range_matchesInclusiveBoundsAndReversedRanges() {
        KeyPattern p = KeyPattern.compile("v[0-3]");
        assertThat(p.matches("v0")).isTrue();
        assertThat(p.matches("v3")).isTrue();
        assertThat(p.matches("v4")).isFalse();
        assertThat(KeyPattern.compile("v[3-0]").matches("v2")).isTrue();
        KeyPattern mixed = KeyPattern.compile("[a-cx0-1]");
        assertThat(mixed.matches("b")).isTrue();
        assertThat(mixed.matches("x")).isTrue();
        assertThat(mixed.matches("1")).isTrue();
        assertThat(mixed.matches("d")).isFalse();
    }

    @Test
    void negatedClass_matchesAnyCharacterOutsideTheSet() {
        KeyPattern p = KeyPattern.compile("h[^e]llo");
        assertThat(p.matches("hallo")).isTrue();
        assertThat(p.matches("hello")).isFalse();
        assertThat(p.matches("hllo")).isFalse();
        KeyPattern range = KeyPattern.compile("[^0-9]*");
        assertThat(range.matches("a1")).isTrue();
        assertThat(range.matches("1a")).isFalse();
    }

    @Test
    void closingBracketFirstInClass_isLiteral() {
        KeyPattern p = KeyPattern.compile("x[]]");
        assertThat(p.matches("x]")).isTrue();
        assertThat(p.matches("xa")).isFalse();
        KeyPattern negated = KeyPattern.compile("x[^]]");
        assertThat(negated.matches("xa")).isTrue();
        assertThat(negated.matches("x]")).isFalse();
    }

    @Test
    void escapes_makeMetacharactersLiteral() {
        KeyPattern p = KeyPattern.compile("a\\*b\\?c\\[d\\]\\\\");
        assertThat(p.isExact()).isTrue();
        assertThat(p.matches("a*b?c[d]\\")).isTrue();
        assertThat(p.matches("axb?c[d]\\")).isFalse();
        assertThat(KeyPattern.compile("[\\]a]").matches("]")).isTrue();
        assertThat(KeyPattern.compile("[\\]a]").matches("a")).isTrue();
        assertThat(KeyPattern.compile("[\\]a]").matches("b")).isFalse();
    }

    @Test
    void escape_producesAPatternMatchingExactlyTheLiteral() {
        String literal = "we*ird?[key]\\:x";
        KeyPattern p = KeyPattern.compile(KeyPattern.escape(literal));
        assertThat(p.isExact()).isTrue();
        assertThat(p.literalPrefix()).isEqualTo(literal);
        assertThat(p.matches(literal)).isTrue();
        assertThat(p.matches("weXird?[key]\\:x")).isFalse();
    }

    @Test
    void malformedPatterns_areRejectedNamingThePattern() {
        assertThatThrownBy(() -> KeyPattern.compile(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pattern")
                .hasMessageContaining("''");
        assertThatThrownBy(() -> KeyPattern.compile("user\\"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'user\\'");
        assertThatThrownBy(() -> KeyPattern.compile("user:[12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed")
                .hasMessageContaining("'user:[12'");
        assertThatThrownBy(() -> KeyPattern.compile("[]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'[]'");
        assertThatThrownBy(() -> KeyPattern.compile(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pattern");
    }

    @Test
    void pathologicalPattern_againstLongRunOfAs_completesAndFails() {
        // Exponential backtracking matchers never finish on this; the single-star-backtrack matcher
        // is O(pattern * key). A hang would be caught by the build's own timeout, not by this test.
        String key = "a".repeat(20_000);
        KeyPattern p = KeyPattern.compile("a*a*a*a*a*a*a*a*b");
        for (int i = 0; i < 20; i++) {
            assertThat(p.matches(key)).isFalse();
        }
        assertThat(p.matches(key + "b")).isTrue();
        assertThat(KeyPattern.compile("*a*a*a*a*").matches(key)).isTrue();
    }

    @Test
    void equality_followsTheSource() {
        assertThat(KeyPattern.compile("a*")).isEqualTo(KeyPattern.compile("a*"));
        assertThat(KeyPattern.compile("a*")).hasSameHashCodeAs(KeyPattern.compile("a*"));
        assertThat(KeyPattern.compile("a*")).isNotEqualTo(KeyPattern.compile("a?"));
        assertThat(KeyPattern.compile("a*").source()).isEqualTo("a*");
        assertThat(KeyPattern.compile("a*")).hasToString("a*");
    }
}

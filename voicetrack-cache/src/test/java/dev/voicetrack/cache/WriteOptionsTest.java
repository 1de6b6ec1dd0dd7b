package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteOptionsTest {

    @Test
    void defaults_haveNoTtlNoTierNoTags() {
        WriteOptions o = WriteOptions.defaults();
        assertThat(o.ttl()).isEmpty();
        assertThat(o.tier()).isEmpty();
        assertThat(o.tags()).isEmpty();
    }

    @Test
    void ttlAndTier_replaceEachOther() {
        WriteOptions ttl = WriteOptions.ttl(Duration.ofSeconds(5));
        assertThat(ttl.ttl()).hasValue(Duration.ofSeconds(5));
        assertThat(ttl.tier()).isEmpty();
        WriteOptions tier = ttl.withTier("user");
        assertThat(tier.tier()).hasValue("user");
        assertThat(tier.ttl()).isEmpty();
        assertThat(tier.withTtl(Duration.ofSeconds(1)).tier()).isEmpty();
    }

    @Test
    void tags_accumulateAndKeepTtl() {
        WriteOptions o = WriteOptions.ttl(Duration.ofSeconds(5))
                .withTags("guild:1", "user:1:2")
                .withTags(List.of("guild:1", "lb:1"));
        assertThat(o.tags()).containsExactlyInAnyOrder("guild:1", "user:1:2", "lb:1");
        assertThat(o.ttl()).hasValue(Duration.ofSeconds(5));
        assertThat(WriteOptions.tags("a").tags()).containsExactly("a");
        assertThatThrownBy(() -> o.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withMethods_neverChangeTheReceiver() {
        WriteOptions base = WriteOptions.tags("a");
        base.withTags("b");
        base.withTtl(Duration.ofSeconds(1));
        assertThat(base).isEqualTo(WriteOptions.tags("a"));
    }

    @Test
    void equality_coversTtlTierAndTags() {
        assertThat(WriteOptions.ttl(Duration.ofSeconds(1)).withTags("a"))
                .isEqualTo(WriteOptions.tags("a").withTtl(Duration.ofSeconds(1)))
                .hasSameHashCodeAs(WriteOptions.tags("a").withTtl(Duration.ofSeconds(1)));
        assertThat(WriteOptions.tier("user")).isNotEqualTo(WriteOptions.tier("query"));
        assertThat(WriteOptions.tags("a")).isNotEqualTo(WriteOptions.tags("b"));
        assertThat(WriteOptions.tier("user").toString()).contains("user");
    }

    @Test
    void ttl_zeroNegativeOrNull_isRejected() {
        assertThatThrownBy(() -> WriteOptions.ttl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> WriteOptions.ttl(Duration.ofSeconds(-3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl")
                .hasMessageContaining("PT-3S");
        assertThatThrownBy(() -> WriteOptions.defaults().withTtl(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ttl");
    }

    @Test
    void tier_blankOrNull_isRejected() {
        assertThatThrownBy(() -> WriteOptions.tier(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("''");
        assertThatThrownBy(() -> WriteOptions.tier(" \t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("' \t'");
        assertThatThrownBy(() -> WriteOptions.tier(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tier");
    }

    @Test
    void tags_blankOrNull_areRejected() {
        assertThatThrownBy(() -> WriteOptions.tags("ok", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tag")
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> WriteOptions.tags("ok", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> WriteOptions.defaults().withTags((String[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tags");
        assertThatThrownBy(() -> WriteOptions.defaults().withTags((List<String>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tags");
        assertThat(WriteOptions.checkTag("guild:1")).isEqualTo("guild:1");
    }

    @Test
    void unknownTier_isRejectedWhenUsedAgainstAConfig() {
        assertThatThrownBy(() -> CacheConfig.defaults().ttlOf(WriteOptions.tier("weekly")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("'weekly'");
    }
}

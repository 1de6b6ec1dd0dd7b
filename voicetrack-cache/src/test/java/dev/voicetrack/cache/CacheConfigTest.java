package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheConfigTest {

    @Test
    void defaults_equalTheDocumentedConstants() {
        CacheConfig c = CacheConfig.defaults();
        assertThat(c.name()).isEqualTo(CacheConfig.DEFAULT_NAME).isEqualTo("default");
        assertThat(c.defaultTtl()).isEqualTo(CacheConfig.DEFAULT_TTL).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maximumEntries()).hasValue(CacheConfig.DEFAULT_MAXIMUM_ENTRIES);
        assertThat(CacheConfig.DEFAULT_MAXIMUM_ENTRIES).isEqualTo(10_000);
        assertThat(c.maximumBytes()).isEmpty();
        assertThat(c.negativeTtl()).isEqualTo(CacheConfig.DEFAULT_NEGATIVE_TTL).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.hotKeyCapacity())
                .isEqualTo(CacheConfig.DEFAULT_HOT_KEY_CAPACITY)
                .isEqualTo(64);
        assertThat(c.tiers()).isEqualTo(CacheConfig.DEFAULT_TIERS);
        assertThat(c.tiers())
                .containsExactly(
                        Map.entry("config", Duration.ofHours(24)),
                        Map.entry("reference", Duration.ofHours(12)),
                        Map.entry("user", Duration.ofHours(1)),
                        Map.entry("query", Duration.ofMinutes(30)));
        assertThat(c.ticker()).isNotNull();
    }

    @Test
    void toBuilder_roundTripsEveryField() {
        ManualTicker ticker = new ManualTicker();
        CacheConfig c = CacheConfig.builder()
                .name("guilds")
                .maximumEntries(123)
                .maximumMegabytes(2)
                .defaultTtl(Duration.ofSeconds(7))
                .tier("hot", Duration.ofSeconds(3))
                .tierTtl(CacheConfig.TIER_USER, Duration.ofMinutes(2))
                .negativeTtl(Duration.ofSeconds(4))
                .hotKeyCapacity(5)
                .ticker(ticker)
                .build();
        CacheConfig copy = c.toBuilder().build();
        assertThat(copy.name()).isEqualTo("guilds");
        assertThat(copy.maximumEntries()).hasValue(123);
        assertThat(copy.maximumBytes()).hasValue(2L * 1024 * 1024);
        assertThat(copy.defaultTtl()).isEqualTo(Duration.ofSeconds(7));
        assertThat(copy.tiers()).isEqualTo(c.tiers()).containsEntry("hot", Duration.ofSeconds(3));
        assertThat(copy.tierTtl("user")).isEqualTo(Duration.ofMinutes(2));
        assertThat(copy.negativeTtl()).isEqualTo(Duration.ofSeconds(4));
        assertThat(copy.hotKeyCapacity()).isEqualTo(5);
        assertThat(copy.ticker()).isSameAs(ticker);
        assertThat(copy.toString()).isEqualTo(c.toString());
    }

    @Test
    void toBuilder_changesDoNotAffectTheOriginal() {
        CacheConfig c = CacheConfig.builder().tier("x", Duration.ofSeconds(1)).build();
        CacheConfig changed =
                c.toBuilder().tierTtl("x", Duration.ofSeconds(9)).name("other").build();
        assertThat(c.tierTtl("x")).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.name()).isEqualTo("default");
        assertThat(changed.tierTtl("x")).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void unboundedEntries_removesTheCountBound() {
        CacheConfig c = CacheConfig.builder().unboundedEntries().build();
        assertThat(c.maximumEntries()).isEmpty();
        assertThat(c.toBuilder().build().maximumEntries()).isEmpty();
    }

    @Test
    void tiers_areUnmodifiable() {
        CacheConfig c = CacheConfig.defaults();
        assertThatThrownBy(() -> c.tiers().put("x", Duration.ofSeconds(1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void ttlOf_prefersExplicitThenTierThenDefault() {
        CacheConfig c = CacheConfig.defaults();
        assertThat(c.ttlOf(WriteOptions.ttl(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.ttlOf(WriteOptions.tier(CacheConfig.TIER_QUERY))).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.ttlOf(WriteOptions.defaults())).isEqualTo(CacheConfig.DEFAULT_TTL);
        assertThat(c.ttlOf(WriteOptions.tier("user").withTtl(Duration.ofSeconds(2))))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void unknownTier_isRejectedNamingItAndTheKnownTiers() {
        CacheConfig c = CacheConfig.defaults();
        assertThatThrownBy(() -> c.tierTtl("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("'nope'")
                .hasMessageContaining("config");
        assertThatThrownBy(() -> c.ttlOf(WriteOptions.tier("nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> CacheConfig.builder().tierTtl("nope", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("'nope'");
    }

    @Test
    void name_blankOrNull_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().name(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name")
                .hasMessageContaining("' '");
        assertThatThrownBy(() -> CacheConfig.builder().name(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> CacheConfig.builder().name(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
    }

    @Test
    void maximumEntries_zeroOrNegative_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumEntries")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> CacheConfig.builder().maximumEntries(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumEntries")
                .hasMessageContaining("-5");
    }

    @Test
    void maximumBytes_zeroOrNegative_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().maximumBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumBytes")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> CacheConfig.builder().maximumBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumBytes")
                .hasMessageContaining("-1");
    }

    @Test
    void maximumMegabytes_zeroNegativeOrOverflowing_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().maximumMegabytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumMegabytes")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> CacheConfig.builder().maximumMegabytes(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumMegabytes")
                .hasMessageContaining("-3");
        assertThatThrownBy(() -> CacheConfig.builder().maximumMegabytes(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximumMegabytes")
                .hasMessageContaining(String.valueOf(Long.MAX_VALUE));
        assertThat(CacheConfig.builder().maximumMegabytes(100).build().maximumBytes())
                .hasValue(100L * 1024 * 1024);
    }

    @Test
    void defaultTtl_zeroNegativeOrNull_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTtl")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTtl")
                .hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("defaultTtl");
    }

    @Test
    void negativeTtl_zeroOrNegative_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().negativeTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negativeTtl")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> CacheConfig.builder().negativeTtl(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negativeTtl")
                .hasMessageContaining("PT-0.005S");
    }

    @Test
    void tier_blankNameOrBadTtl_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().tier("  ", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier")
                .hasMessageContaining("'  '");
        assertThatThrownBy(() -> CacheConfig.builder().tier("hot", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier 'hot' ttl")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> CacheConfig.builder().tierTtl("user", Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier 'user' ttl")
                .hasMessageContaining("PT-2S");
        assertThatThrownBy(() -> CacheConfig.builder().tier(null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("tier");
    }

    @Test
    void hotKeyCapacity_outOfRange_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().hotKeyCapacity(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hotKeyCapacity")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> CacheConfig.builder().hotKeyCapacity(10_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hotKeyCapacity")
                .hasMessageContaining("10001");
        assertThat(CacheConfig.builder().hotKeyCapacity(0).build().hotKeyCapacity())
                .isZero();
        assertThat(CacheConfig.builder().hotKeyCapacity(10_000).build().hotKeyCapacity())
                .isEqualTo(10_000);
    }

    @Test
    void ticker_null_isRejected() {
        assertThatThrownBy(() -> CacheConfig.builder().ticker(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ticker");
    }
}

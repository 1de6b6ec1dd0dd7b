package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ManualTicker;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Anchor defect (Cache): "Tag sets get their TTL reset by each write, so a short-lived entry
 * shortens the tag and a long-lived entry outlives it and can no longer be invalidated. Tag
 * registration and value write are not atomic."
 */
class TagsOrphanedByTtlTest {

    private final ManualTicker ticker = new ManualTicker();
    private final Cache<String> cache =
            InProcessCache.create(CacheConfig.builder().ticker(ticker).build());

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void shortLivedEntryExpiring_doesNotOrphanTheLongLivedEntryOfTheSameTag() {
        cache.put("lb:1:xp:0", "page 0", WriteOptions.ttl(Duration.ofMinutes(1)).withTags("guild:1"));
        cache.put("user:1:2", "profile", WriteOptions.ttl(Duration.ofHours(1)).withTags("guild:1"));
        ticker.advance(Duration.ofMinutes(2));
        assertThat(cache.get("lb:1:xp:0")).isEmpty();
        assertThat(cache.get("user:1:2")).isPresent();

        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(1);
        assertThat(cache.get("user:1:2")).isEmpty();
    }

    @Test
    void longLivedEntryWrittenFirst_isStillReachableAfterShortOnesComeAndGo() {
        cache.put("user:1:2", "profile", WriteOptions.ttl(Duration.ofHours(1)).withTags("guild:1"));
        for (int i = 0; i < 10; i++) {
            cache.put(
                    "lb:1:" + i, "page", WriteOptions.ttl(Duration.ofSeconds(1)).withTags("guild:1"));
            ticker.advance(Duration.ofSeconds(2));
        }
        assertThat(cache.invalidateByTag("guild:1")).isEqualTo(1);
        assertThat(cache.contains("user:1:2")).isFalse();
    }

    @Test
    void afterEveryTaggedEntryExpired_theTagHoldsNothing() {
        cache.put("a", "1", WriteOptions.ttl(Duration.ofMinutes(1)).withTags("t"));
        cache.put("b", "2", WriteOptions.ttl(Duration.ofHours(1)).withTags("t"));
        ticker.advance(Duration.ofHours(2));
        assertThat(cache.stats().size()).isZero();

        // The same keys come back without the tag: invalidating the tag must not touch them.
        cache.put("a", "new a", WriteOptions.ttl(Duration.ofHours(1)));
        cache.put("b", "new b", WriteOptions.ttl(Duration.ofHours(1)).withTags("other"));
        assertThat(cache.invalidateByTag("t")).isZero();
        assertThat(cache.get("a")).hasValue("new a");
        assertThat(cache.get("b")).hasValue("new b");
        assertThat(cache.stats().expirations()).isEqualTo(2);
    }

    @Test
    void rewritingAKeyWithoutTheTag_dropsItFromTheTag() {
        cache.put("k", "tagged", WriteOptions.ttl(Duration.ofHours(1)).withTags("t"));
        cache.put("k", "untagged", WriteOptions.ttl(Duration.ofHours(1)));
        assertThat(cache.invalidateByTag("t")).isZero();
        assertThat(cache.get("k")).hasValue("untagged");
    }

    @Test
    void tagsNeverKeepAnEntryAlive() {
        cache.put("k", "v", WriteOptions.ttl(Duration.ofSeconds(5)).withTags("t"));
        ticker.advance(Duration.ofSeconds(6));
        assertThat(cache.get("k")).isEmpty();
        assertThat(cache.keys("*")).isEmpty();
        assertThat(cache.invalidateByTag("t")).isZero();
    }
}

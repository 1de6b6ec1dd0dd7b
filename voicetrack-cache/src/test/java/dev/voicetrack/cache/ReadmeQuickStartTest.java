package dev.voicetrack.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The README's quick start, verbatim apart from the fake database, so that it keeps compiling. */
class ReadmeQuickStartTest {

    record Profile(long userId, String name, List<String> roles) {}

    static final class Database {
        final AtomicInteger queries = new AtomicInteger();

        Profile loadProfile(long guildId, long userId) {
            queries.incrementAndGet();
            return new Profile(userId, "user-" + userId, List.of("member"));
        }
    }

    @Test
    void quickStart_compilesAndBehavesAsDescribed() {
        Database database = new Database();
        long guildId = 1L;
        long userId = 42L;

        // --- README quick start begins
        Cache<Profile> profiles = InProcessCache.create(CacheConfig.builder()
                .name("profiles")
                .maximumEntries(50_000)
                .maximumMegabytes(64)
                .defaultTtl(Duration.ofMinutes(5))
                .build());

        // Cache-aside: concurrent misses on one key run the loader once; values must be immutable.
        Profile profile = profiles.remember(
                CacheKeys.key("profile", guildId, userId),
                WriteOptions.tier(CacheConfig.TIER_USER).withTags("guild:" + guildId),
                () -> database.loadProfile(guildId, userId));

        profiles.invalidateByTag("guild:" + guildId); // everything tagged with the guild
        profiles.invalidateByPattern(CacheKeys.prefixPattern("profile", guildId)); // profile:1:*
        CacheStats stats = profiles.stats(); // hits, misses, hit rate, evictions, loads, bytes
        // --- README quick start ends

        assertThat(profile.name()).isEqualTo("user-42");
        assertThat(database.queries).hasValue(1);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.loadSuccesses()).isEqualTo(1);
        assertThat(stats.deletes()).isEqualTo(1);
        assertThat(profiles.getAll(List.of(CacheKeys.key("profile", guildId, userId))))
                .isEqualTo(Map.of());
    }
}

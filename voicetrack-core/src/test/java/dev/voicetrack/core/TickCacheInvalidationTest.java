package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tick invalidates the cache tags of the guilds it wrote to in one batch (one round trip on the Redis
 * caches, issue 23), and a failed batch is reported, never thrown: storage has already committed.
 */
class TickCacheInvalidationTest {
    private static final long[] GUILDS = {11, 12, 13};

    private final LockedMapCache cache = new LockedMapCache();

    private static void joinTwoInEachGuild(Fixture f) {
        for (long g : GUILDS) {
            f.tracker.accept(new GatewayEvent.VoiceJoined(g, 1, C1 + g, MemberInfo.PLAIN, VoiceFlags.NONE));
            f.tracker.accept(new GatewayEvent.VoiceJoined(g, 2, C1 + g, MemberInfo.PLAIN, VoiceFlags.NONE));
        }
    }

    private static List<String> guildTags() {
        return List.of(
                CacheKeys.key("guild", GUILDS[0]),
                CacheKeys.key("guild", GUILDS[1]),
                CacheKeys.key("guild", GUILDS[2]));
    }

    @Test
    void aTick_invalidatesEveryGuildItWroteTo_inOneBatch() {
        try (var f = new Fixture(GuildConfig.defaults(), cache, new InMemoryStorage())) {
            joinTwoInEachGuild(f);
            f.tickAfterSeconds(60);
            for (long g : GUILDS) {
                assertThat(f.tracker.getRank(g, 1, Metric.VOICE_TIME, Window.lastDays(7)))
                        .isPresent();
            }
            cache.invalidations.clear();

            f.tickAfterSeconds(60);

            assertThat(cache.invalidations).hasSize(1);
            assertThat(cache.invalidations.get(0)).containsExactlyInAnyOrderElementsOf(guildTags());
            f.tracker.flushEvents(); // errors reach listeners on the listener executor
            assertThat(f.events.errors).isEmpty();
        }
    }

    @Test
    void aFailedBatch_isReportedOnce_andTheTickStillCommits() {
        try (var f = new Fixture(GuildConfig.defaults(), cache, new InMemoryStorage())) {
            joinTwoInEachGuild(f);
            f.tickAfterSeconds(60);
            cache.failInvalidations = true;

            f.tickAfterSeconds(60);
            f.tracker.flushEvents(); // errors reach listeners on the listener executor

            assertThat(f.events.errors).singleElement().satisfies(e -> assertThat(e)
                    .contains("3 guilds"));
            for (long g : GUILDS) {
                assertThat(f.storage.member(g, 1).orElseThrow().voiceTimeMs()).isEqualTo(120_000);
            }
        }
    }
}

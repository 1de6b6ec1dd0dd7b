package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.InMemoryStorage;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuildConfigTest {

    @Test
    void defaults_matchTheOriginal_exceptMeasuredVoiceTime() {
        GuildConfig c = GuildConfig.defaults();
        assertThat(c.trackBots()).isFalse();
        assertThat(c.trackAllChannels()).isTrue();
        assertThat(c.channelIds()).isEmpty();
        assertThat(c.trackMuted()).isTrue();
        assertThat(c.trackDeafened()).isTrue();
        assertThat(c.minUsersToTrack()).isZero();
        assertThat(c.maxUsersToTrack()).isZero();
        assertThat(c.exemptPermissions()).isEmpty();
        assertThat(c.xpStrategy()).isEqualTo("fixed");
        assertThat(c.xpConfig().baseAmount()).isEqualTo(5L);
        assertThat(c.voiceTimeStrategy()).isEqualTo("elapsed");
        assertThat(c.voiceTimeConfig().baseAmount()).isEqualTo(5000L);
        assertThat(c.levelMultiplierStrategy()).isEqualTo("standard");
        assertThat(c.levelMultiplierConfig().baseMultiplier()).isEqualTo(0.1);
        assertThat(c.enableLeveling()).isTrue();
        assertThat(c.enableVoiceTime()).isTrue();
        assertThat(c.messageXp()).isZero();
        assertThat(c.messageXpCooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.timeZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(c.hasDefaultFilters()).isTrue();
    }

    @Test
    void toBuilder_roundTrips() {
        GuildConfig c = GuildConfig.builder()
                .trackBots(true)
                .channelIds(List.of(5L))
                .minUsersToTrack(2)
                .xpConfig(new XpConfig(7L, Map.of(9L, 20L), 1.5, 1L, 3L))
                .build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    }

    @Test
    void invalidValues_areRejectedNamingFieldAndValue() {
        assertThatThrownBy(() -> GuildConfig.builder().minUsersToTrack(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minUsersToTrack must be >= 0, was -1");
        assertThatThrownBy(() -> GuildConfig.builder().channelIds(List.of(0L)))
                .hasMessage("channelIds element must be a snowflake id > 0, was 0");
        assertThatThrownBy(() -> GuildConfig.builder()
                        .minUsersToTrack(5)
                        .maxUsersToTrack(2)
                        .build())
                .hasMessage("maxUsersToTrack must be 0 or >= minUsersToTrack (5), was 2");
        assertThatThrownBy(() -> XpConfig.ofBaseAmount(-3)).hasMessage("xpConfig.baseAmount must be >= 0, was -3");
        assertThatThrownBy(() -> new XpConfig(null, Map.of(), null, 20L, 10L))
                .hasMessage("xpConfig.minXP must be <= xpConfig.maxXP (10), was 20");
        assertThatThrownBy(() -> new LevelMultiplierConfig(0.0))
                .hasMessage("levelMultiplierConfig.baseMultiplier must be a finite number > 0, was 0.0");
        assertThatThrownBy(() -> new VoiceTimeConfig(-1L, null))
                .hasMessage("voiceTimeConfig.baseAmount must be >= 0, was -1");
        assertThatThrownBy(() -> GuildConfig.builder().xpStrategy(" "))
                .hasMessage("xpStrategy must not be blank, was ' '");
        assertThatThrownBy(() -> GuildConfig.builder().messageXpCooldown(Duration.ofSeconds(-1)))
                .hasMessage("messageXpCooldown must be >= 0, was PT-1S");
        assertThatThrownBy(() -> GuildConfig.builder().timeZone(null)).hasMessage("timeZone must not be null");
    }

    @Test
    void unknownStrategyNames_areRejected_notReplaced() {
        var badXp = GuildConfig.builder().xpStrategy("nope").build();
        assertThatThrownBy(() -> VoiceTracker.builder()
                        .manualTicks()
                        .storage(new InMemoryStorage())
                        .defaultConfig(badXp)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("xpStrategy must be one of [fixed, role-based, booster-bonus, random")
                .hasMessageEndingWith("was 'nope'");
        try (var f = new Fixture()) {
            assertThatThrownBy(() -> f.tracker.updateConfig(
                            Fixture.G,
                            GuildConfig.builder().voiceTimeStrategy("x").build()))
                    .hasMessage("voiceTimeStrategy must be one of [fixed, scaled, elapsed], was 'x'");
            assertThatThrownBy(() -> f.tracker.updateConfig(
                            Fixture.G,
                            GuildConfig.builder().levelMultiplierStrategy("y").build()))
                    .hasMessage("levelMultiplierStrategy must be one of [standard, fast, slow], was 'y'");
            assertThat(f.tracker.config(Fixture.G)).isEqualTo(GuildConfig.defaults());
        }
    }

    @Test
    void builder_rejectsCheckIntervalBelow100ms() {
        assertThatThrownBy(() -> VoiceTracker.builder().manualTicks().checkInterval(Duration.ZERO))
                .hasMessage("checkInterval must be >= 100 ms, was 0 ms");
    }

    @Test
    void builder_rejectsANegativeOrOverADayOpenSessionWriteInterval() {
        assertThatThrownBy(() -> VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ofSeconds(-1)))
                .hasMessage("openSessionWriteInterval must be between 0 and 1 day, was PT-1S");
        assertThatThrownBy(() -> VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ofHours(25)))
                .hasMessage("openSessionWriteInterval must be between 0 and 1 day, was PT25H");
        assertThat(VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ZERO))
                .isNotNull();
    }

    @Test
    void registeringATakenName_isRejected() {
        assertThatThrownBy(() -> VoiceTracker.builder().manualTicks().registerXpStrategy("fixed", m -> 1))
                .hasMessage("xpStrategy 'fixed' is already registered");
    }
}

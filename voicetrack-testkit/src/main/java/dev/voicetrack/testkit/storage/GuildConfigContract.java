package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.XpConfig;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for a guild's stored configuration: every option, level rewards included,
 * round-trips exactly (map order too), options left unset stay unset, and the runtime-only member
 * filter is not stored.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class GuildConfigContract extends LeaderboardContract {

    @Test
    void guildConfig_roundTrips_withoutRuntimeFilters() {
        GuildConfig c = GuildConfig.builder()
                .trackBots(true)
                .channelIds(List.of(5L, 6L))
                .xpStrategy("role-based")
                .xpConfig(new XpConfig(7L, Map.of(9L, 20L), 1.5, 2L, 4L))
                .timeZone(ZoneId.of("Europe/Paris"))
                .exemptPermissions(Set.of("ADMINISTRATOR"))
                .memberFilter(m -> false)
                .build();
        storage.saveGuildConfig(G, c);
        GuildConfig back = storage.guildConfig(G).orElseThrow();
        assertThat(back.hasDefaultFilters()).isTrue();
        assertThat(back)
                .isEqualTo(c.toBuilder()
                        .memberFilter(dev.voicetrack.core.MemberFilter.ALL)
                        .build());
        assertThat(storage.member(G, 1)).isEmpty();
    }

    @Test
    void guildConfig_everyOption_roundTrips() {
        var roles = new java.util.LinkedHashMap<Long, Long>();
        roles.put(30L, 7L);
        roles.put(20L, 9L);
        GuildConfig every = GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(6L, 5L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(9)
                .exemptPermissions(Set.of("MANAGE_SERVER", "ADMINISTRATOR"))
                .xpStrategy("booster-bonus")
                .xpConfig(new XpConfig(7L, roles, 1.5, 2L, 40L))
                .voiceTimeStrategy("fixed")
                .voiceTimeConfig(new dev.voicetrack.core.VoiceTimeConfig(3000L, 2.5))
                .levelMultiplierStrategy("custom strategy/1")
                .levelMultiplierConfig(new dev.voicetrack.core.LevelMultiplierConfig(0.25))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(11L))
                .noXpRoleIds(List.of(13L, 12L))
                .noXpChannelIds(List.of(14L))
                .botsCountAsCompany(true)
                .mutedCountAsCompany(true)
                .messageXp(3)
                .messageXpCooldown(java.time.Duration.ofMillis(1500))
                .timeZone(ZoneId.of("Asia/Kolkata"))
                .levelRewards(dev.voicetrack.core.LevelRewards.of(List.of(
                        new dev.voicetrack.core.LevelReward(
                                dev.voicetrack.core.LevelReward.Trigger.LEVEL, 10, Set.of(41L, 40L), false),
                        new dev.voicetrack.core.LevelReward(
                                dev.voicetrack.core.LevelReward.Trigger.VOICE_HOURS, 5, Set.of(42L), true))))
                .publicDashboard(false)
                .build();
        storage.saveGuildConfig(G, every);
        assertThat(storage.guildConfig(G)).hasValue(every);
        assertThat(storage.guildConfig(G).orElseThrow().xpConfig().roles().keySet())
                .containsExactly(30L, 20L);
        GuildConfig unset = every.toBuilder()
                .xpConfig(XpConfig.EMPTY)
                .voiceTimeConfig(new dev.voicetrack.core.VoiceTimeConfig(null, null))
                .levelMultiplierConfig(new dev.voicetrack.core.LevelMultiplierConfig(null))
                .levelRewards(dev.voicetrack.core.LevelRewards.NONE)
                .publicDashboard(true)
                .build();
        storage.saveGuildConfig(G2, unset);
        assertThat(storage.guildConfig(G2)).hasValue(unset);
        storage.saveGuildConfig(G, GuildConfig.defaults());
        assertThat(storage.guildConfig(G)).hasValue(GuildConfig.defaults());
        assertThat(storage.guildIds()).containsExactly(G, G2);
    }
}
